"""Model fields whose values are encrypted at rest (see haven.core.crypto).

The column holds only ciphertext; Python code sees plain values. Encrypted fields cannot be
filtered or ordered on in the database: search on them happens after decryption, within a
centre's scope.
"""

import datetime
from typing import Any

from django.db import models

from haven.core.crypto import keyring


class EncryptedMixin:
    """Shared behaviour: stored as text, encrypted with the field's label as associated data."""

    encrypted = True
    attname: str
    model: type[models.Model]

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.attname}"

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return keyring().encrypt(self.to_text(value), self.context())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.from_text(keyring().decrypt(value, self.context()))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text (names, addresses, phone numbers) encrypted at rest."""


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date encrypted at rest (a birth date on documents)."""

    def to_text(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)

    def from_text(self, text: str) -> Any:
        return datetime.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        kwargs.setdefault("form_class", forms.DateField)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        return models.Field.formfield(self, **kwargs)


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
