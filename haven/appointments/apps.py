from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "haven.appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from haven.appointments import timeline  # noqa: F401  (registers the app's timeline source)
