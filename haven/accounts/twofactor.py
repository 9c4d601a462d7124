"""The second factor: TOTP devices, recovery codes, and what "fully signed in" means."""

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if settings.DEMO_SKIP_2FA and getattr(user, "is_demo", False):
        return True
    # Right after auth.login() in the same request, the user is not yet wrapped by OTPMiddleware.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def next_step(user: User) -> str:
    """Where a password-only session goes next: verify a code, or enrol an authenticator."""
    return "accounts:verify" if has_authenticator(user) else "accounts:enrol"


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one at a time, reused across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, rendered here: no image service is ever asked."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", omitsize=False
    )


def secret_base32(device: TOTPDevice) -> str:
    import base64

    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a first code; returns fresh recovery codes on success."""
    if not device.verify_token(normalise(code)):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return new_recovery_codes(device.user)


def verify(request: HttpRequest, code: str) -> bool:
    """Check a code against the user's authenticator, then against unused recovery codes."""
    user = request.user
    token = normalise(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            return True
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if verify_recovery_code(device, token):  # a recovery code works once
            otp_login(request, device)
            return True
    return False


# Recovery codes are kept as a keyed hash, never as typed: a copy of the database alone does
# not sign anyone in. The key is the SECRET_KEY (its fallbacks still verify after a rotation).
RECOVERY_SALT = "haven.accounts.recovery-code"


def recovery_digest(code: str, secret: str | None = None) -> str:
    """The stored form of a normalised recovery code: 16 hex characters (64 bits) of HMAC."""
    return salted_hmac(RECOVERY_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def verify_recovery_code(device: StaticDevice, code: str) -> bool:
    """django-otp's StaticDevice.verify_token, comparing keyed hashes (throttling kept)."""
    allowed, _reason = device.verify_is_allowed()
    if not allowed:
        return False
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    digests = [recovery_digest(code, secret) for secret in secrets_in_use]
    match = device.token_set.filter(token__in=digests).first()
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once and not kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_digest(c)) for c in codes
    )
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset(user: User) -> None:
    """Remove every second factor of a user: they enrol again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
