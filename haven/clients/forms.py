from django import forms

from haven.clients.models import IDENTITY_FIELDS, Client


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["pseudonym", "gender", "birth_year", "nationality", "languages"]


class IdentityForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = list(IDENTITY_FIELDS)
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "aliases": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "emergency_contact": forms.Textarea(attrs={"rows": 2}),
        }
