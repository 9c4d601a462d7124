from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "haven.journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        from haven.journal import timeline  # noqa: F401  (registers the app's timeline source)
