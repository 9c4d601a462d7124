from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OutreachConfig(AppConfig):
    name = "haven.outreach"
    verbose_name = pgettext_lazy("trainings and awareness", "Outreach")
