from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "haven.groups"
    verbose_name = _("Group activities")

    def ready(self) -> None:
        from haven.groups import timeline  # noqa: F401  (registers the app's timeline source)
