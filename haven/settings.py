"""Haven's one settings module. Every deployment difference is an ``HAVEN_*`` environment variable.

Defaults run locally (SQLite under var/, debug on); outside debug Haven refuses to start
without its secret key and its field-encryption keys.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from haven import env

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env.text("HAVEN_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = env.flag("HAVEN_DEBUG", True)

# --- secrets ---------------------------------------------------------------------------------
SECRET_KEY = env.text("HAVEN_SECRET_KEY")
# Keys for identity fields: comma-separated, the first encrypts, the others still decrypt
# (key rotation: put the new key first, run `haven rotate_keys`, then drop the old one).
FIELD_KEYS = env.listing("HAVEN_FIELD_KEYS")
if not SECRET_KEY or not FIELD_KEYS:
    if not DEBUG:
        missing = [
            name
            for name, value in (("HAVEN_SECRET_KEY", SECRET_KEY), ("HAVEN_FIELD_KEYS", FIELD_KEYS))
            if not value
        ]
        raise ImproperlyConfigured(
            "Haven refuses to start without its keys outside debug mode: set "
            + " and ".join(missing)
            + " (see README, 'Configuration')."
        )
    # Development only: keys kept in var/ so that local data stay readable between runs.
    if not SECRET_KEY:
        SECRET_KEY = env.local_secret(VAR_DIR / "dev-secret-key", env.random_secret_key)
    if not FIELD_KEYS:
        from haven.core.crypto import generate_key

        FIELD_KEYS = [env.local_secret(VAR_DIR / "dev-field-key", generate_key)]

ALLOWED_HOSTS = env.listing("HAVEN_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env.listing("HAVEN_CSRF_TRUSTED_ORIGINS")

# --- applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "haven.core",
    "haven.centres",
    "haven.accounts",
    "haven.audit",
    "haven.reference",
    "haven.clients",
    "haven.intake",
    "haven.guidance",
    "haven.journal",
    "haven.appointments",
    "haven.plans",
    "haven.tasks",
    "haven.groups",
    "haven.oncall",
    "haven.partners",
    "haven.residence",
    "haven.legal",
    "haven.letters",
    "haven.shelter",
    "haven.deposits",
    "haven.outreach",
    "haven.history",
    "haven.reports",
    "haven.backup",
    "haven.privacy",
    "haven.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "haven.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.middleware.UserLanguageMiddleware",
    "haven.clients.glass.BreakGlassMiddleware",
    "haven.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "haven.accounts.middleware.AccessPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.core.context_processors.navigation",
            ],
        },
    },
]

# --- database --------------------------------------------------------------------------------
DATABASE_URL = env.text("HAVEN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'haven.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades that
        # fail under concurrency; the timeout waits for a busy database instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.integer("HAVEN_SQLITE_TIMEOUT", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

OTP_TOTP_ISSUER = env.text("HAVEN_TOTP_ISSUER", "Haven")
OTP_TOTP_THROTTLE_FACTOR = 1
# For a demo installation only: users created by `haven demo` may skip the second factor.
DEMO_SKIP_2FA = env.flag("HAVEN_DEMO_SKIP_2FA", False)

AXES_FAILURE_LIMIT = env.integer("HAVEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.integer("HAVEN_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy: how many trusted proxies append to X-Forwarded-For (haven.core.net).
PROXY_COUNT = env.integer("HAVEN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "haven.core.net.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# --- sessions and cookies --------------------------------------------------------------------
SESSION_COOKIE_AGE = env.integer("HAVEN_SESSION_TIMEOUT_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the timeout counts from the last request: inactivity
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "haven.core.views.csrf_failure"
LANGUAGE_COOKIE_NAME = "haven_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

SECURE = not DEBUG and env.flag("HAVEN_SECURE", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 63072000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.flag("HAVEN_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False

# --- account hardening -----------------------------------------------------------------------
# Sessions stay server-side in the database: the session list ends one by deleting it there.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# No script reads the CSRF cookie (htmx sends the token from the form's hidden field).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Sensitive actions (role changes, second-factor reset, identity exports, erasure) need the
# password typed in the last REAUTH_MINUTES (haven.accounts.reauth).
REAUTH_MINUTES = env.integer("HAVEN_REAUTH_MINUTES", 5)
# POSTs per minute per address to each view reachable without a full sign-in (0: no limit).
RATE_LIMIT_PER_MINUTE = env.integer("HAVEN_RATE_LIMIT_PER_MINUTE", 30)

# --- languages and time ----------------------------------------------------------------------
LANGUAGE_CODE = env.text("HAVEN_DEFAULT_LANGUAGE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.text("HAVEN_TIME_ZONE", "Europe/Brussels")
USE_TZ = True

# --- static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders meanwhile
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- e-mail ----------------------------------------------------------------------------------
# Unconfigured (development), mails are printed to the console.
DEFAULT_FROM_EMAIL = env.text("HAVEN_EMAIL_FROM", "haven@localhost")
EMAIL_URL = env.text("HAVEN_EMAIL_URL", "")
EMAIL_TIMEOUT = 30  # seconds: a stuck mail server must not hang `haven remind` in cron
if EMAIL_URL:
    from urllib.parse import unquote, urlsplit

    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- logging: nothing personal, ever ---------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "haven.core.logging.RedactRequestFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.text("HAVEN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint reports every step of a PDF at INFO.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
