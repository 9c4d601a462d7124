from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositsConfig(AppConfig):
    name = "haven.deposits"
    verbose_name = _("Rental deposit fund")
