from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "haven.shelter"
    verbose_name = _("Shelter")

    def ready(self) -> None:
        from haven.shelter import timeline  # noqa: F401  (registers the app's timeline source)
