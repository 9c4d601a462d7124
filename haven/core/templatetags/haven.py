from typing import Any

from django import forms, template

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.inclusion_tag("core/field.html")
def field(bound: forms.BoundField) -> dict[str, Any]:
    """One form field with its label, help and errors, styled and accessible."""
    widget = bound.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    if not isinstance(widget, CHECK_WIDGETS[1:]):
        existing = widget.attrs.get("class", "")
        invalid = " is-invalid" if bound.errors else ""
        widget.attrs["class"] = f"{existing.replace(' is-invalid', '')} {css}{invalid}".strip()
    # Django links the input to "<id>_helptext" and "<id>_error" (aria-describedby) itself.
    return {
        "bound": bound,
        "is_check": isinstance(widget, forms.CheckboxInput),
        "is_multi": isinstance(widget, CHECK_WIDGETS[1:]),
    }
