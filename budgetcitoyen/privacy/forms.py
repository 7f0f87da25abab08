"""Confirming the deletion of one's own account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.forms import Form


class EraseAccountForm(Form):
    """The password if the account has one, else its email address typed again."""

    confirmation = forms.CharField(max_length=254, strip=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["confirmation"]
        if user.has_usable_password():
            field.label = _("Votre mot de passe")
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        else:
            field.label = _("Votre adresse électronique, pour confirmer")
            field.widget = forms.EmailInput(attrs={"autocomplete": "email"})

    def clean_confirmation(self) -> str:
        value: str = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        elif value.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("Cette adresse n'est pas celle de votre compte."))
        return value
