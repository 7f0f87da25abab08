"""Phone numbers: read as people type them, stored in one form (E.164), shown the French way.

phonenumbers (Google's libphonenumber) knows every numbering plan, so "03 21 21 62 62",
"+33 3 21 21 62 62" and "0033321216262" are one number, "+33321216262", and a Belgian
"+32 2 123 45 67" is accepted too. Numbers stored before this rule ("03 21 21 62 62") are
still read and shown.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.utils.translation import gettext as _

REGION = "FR"


def normalise_phone(text: str) -> str:
    """``"03 21 21 62 62"`` → ``"+33321216262"``; empty stays empty.

    Raises ``ValueError`` with a French message when the text is not a phone number.
    """
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(_("Saisissez un numéro à 10 chiffres, par exemple 03 21 21 62 62."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    """A stored number for a reader: ``03 21 21 62 62`` in France, ``+32 2 123 45 67`` abroad.

    Anything that does not read as a number is shown as it was stored.
    """
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    if phonenumbers.region_code_for_number(number) == REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    """A phone number in a form: shown as ``03 21 21 62 62``, cleaned to ``+33321216262``."""

    def prepare_value(self, value: Any) -> Any:
        return display_phone(value) if isinstance(value, str) else value

    def clean(self, value: Any) -> str:
        text = super().clean(value) or ""
        try:
            return normalise_phone(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
