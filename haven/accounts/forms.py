from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Role
from haven.centres.models import Centre


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The user name and password do not match. Check both and try again; after "
            "several failures the account is locked for a while."
        ),
        "inactive": _("This account is deactivated. Ask your administrator."),
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ConfirmPasswordForm(forms.Form):
    """The signed-in user types their password again before a sensitive action."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class UserForm(forms.ModelForm):
    """An administrator creates or changes an account (never its password or second factor)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "centre", "role", "is_active"]

    def __init__(self, *args: Any, admin: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.admin = admin
        centres = Centre.objects.all()
        if admin.centre_id is not None:
            centres = centres.filter(pk=admin.centre_id)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        roles = Role if admin.centre_id is None else CENTRE_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
        self.fields["centre"].required = admin.centre_id is not None
        if self.instance.pk == admin.pk:
            # Nobody widens their own access: another administrator must do it (and it is audited).
            for name in ("centre", "role", "is_active"):
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") != Role.INSTALLATION_ADMIN and not data.get("centre"):
            self.add_error(
                "centre",
                _(
                    "Choose a centre: every account except the installation's "
                    "administrator belongs to one."
                ),
            )
        return data


class NewUserForm(UserForm):
    password = forms.CharField(
        label=_("Temporary password"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. The user sets up the second factor at first sign-in."),
    )

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password)
        return password


__all__ = [
    "CodeForm",
    "ConfirmPasswordForm",
    "LanguageForm",
    "NewUserForm",
    "SetPasswordForm",
    "SignInForm",
    "UserForm",
]
