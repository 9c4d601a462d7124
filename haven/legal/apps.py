from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "haven.legal"
    verbose_name = _("Criminal dossiers")

    def ready(self) -> None:
        from haven.legal import timeline  # noqa: F401  (registers the app's timeline source)
