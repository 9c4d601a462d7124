"""Reference lists that an administrator may extend (nationalities)."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Nationality(models.Model):
    """A nationality: ISO 3166-1 alpha-2, ISO 3166-3 former states (YUCS, SUHH, CSHH), XK, ZZ.

    Names are kept in the three interface languages; administrators may add entries (Tibet).
    """

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    is_former = models.BooleanField(_("former state"), default=False)
    is_active = models.BooleanField(_("offered in forms"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("nationality")
        verbose_name_plural = _("nationalities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active interface language."""
        language = (translation.get_language() or "en")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_en)

    def audit_label(self) -> str:
        return f"{self.code} {self.name_en}"
