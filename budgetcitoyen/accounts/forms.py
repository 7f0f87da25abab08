from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.forms import Form, LongSelect
from budgetcitoyen.core.phones import PhoneField
from budgetcitoyen.territories.models import Commune

NAME_MAX_LENGTH = 150  # the columns of ``User.first_name`` and ``last_name``


class PersonNameField(forms.CharField):
    """A first or last name: required, one line, spaces collapsed, at least one letter.

    Control characters are refused before, by the base form (``core.forms``)."""

    default_error_messages = {"no_letter": _("Écrivez-le en lettres.")}

    def __init__(self, *, label: Any, autocomplete: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(label=label, **kwargs)
        self.widget.attrs["autocomplete"] = autocomplete

    def to_python(self, value: Any) -> str:
        return " ".join(str(super().to_python(value)).split())

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not any(ch.isalpha() for ch in value):
            raise forms.ValidationError(self.error_messages["no_letter"], code="no_letter")


def first_name_field() -> PersonNameField:
    return PersonNameField(label=_("Prénom"), autocomplete="given-name")


def last_name_field() -> PersonNameField:
    return PersonNameField(label=_("Nom"), autocomplete="family-name")


class SignupNamesForm(Form):
    """What the sign-up page asks besides the email and the password (allauth's sign-up form
    derives from this one, ``ACCOUNT_SIGNUP_FORM_CLASS``): the name, so that the person is
    named, not shown as an email, on the attendance sheet, the receipt and the staff pages.
    allauth's adapter saves ``first_name`` and ``last_name`` on the new account."""

    first_name = first_name_field()
    last_name = last_name_field()

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request: Any, user: Any) -> None:
        """Nothing more to save (allauth's hook)."""


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commune) -> str:
        return obj.name


class ProfileForm(Form):
    first_name = first_name_field()
    last_name = last_name_field()
    phone = PhoneField(
        label=_("Téléphone (facultatif)"),
        max_length=20,
        required=False,
        help_text=_("Pour vous joindre en cas d'imprévu le jour d'un comptoir."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    commune = CommuneChoiceField(
        label=_("Commune de résidence"),
        queryset=Commune.objects.order_by("search_name"),
        required=False,
        empty_label=_("— Choisissez votre commune —"),
        widget=LongSelect,
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Group the 887 communes by territory so the list can be scanned (works without JavaScript).
        groups: dict[str, list[tuple[int, str]]] = {}
        for commune in Commune.objects.select_related("territory").order_by(
            "territory__name", "search_name"
        ):
            groups.setdefault(commune.territory.name, []).append((commune.pk, commune.name))
        self.fields["commune"].choices = [("", self.fields["commune"].empty_label), *groups.items()]
