from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "haven.plans"
    verbose_name = _("Future plans")

    def ready(self) -> None:
        from haven.plans import timeline  # noqa: F401  (registers the timeline source)
