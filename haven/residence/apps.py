from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidenceConfig(AppConfig):
    name = "haven.residence"
    verbose_name = _("Residence documents")

    def ready(self) -> None:
        from haven.residence import timeline  # noqa: F401  (registers the app's timeline source)
