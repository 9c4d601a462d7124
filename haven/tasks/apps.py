from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "haven.tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from haven.tasks import timeline  # noqa: F401  (registers the app's timeline source)
