"""Template helpers of the screening and decision panels: codes shown as their labels."""

from django import template
from django.utils.functional import Promise

from haven.intake import decisions
from haven.intake.models import Intake, Screening

register = template.Library()


@register.simple_tag
def screening_summary(screening: Screening) -> decisions.ScreeningSummary:
    """``{% screening_summary intake.screening as summary %}``."""
    return decisions.summarise(screening)


@register.filter
def outcome_label(intake: Intake) -> str | Promise:
    """The decision in words; "declined" says it was the person's own choice."""
    return intake.get_outcome_display() if intake.outcome else ""
