"""Phone numbers: one stored form (E.164), the French national form for readers."""

from __future__ import annotations

import pytest

from budgetcitoyen.core.phones import display_phone, normalise_phone


@pytest.mark.parametrize(
    "typed",
    ["03 21 21 62 62", "03.21.21.62.62", "0321216262", "+33 3 21 21 62 62", "0033321216262"],
)
def test_every_spelling_of_a_french_number_is_stored_alike(typed):
    assert normalise_phone(typed) == "+33321216262"


@pytest.mark.parametrize("typed", ["12", "03 21 21 62", "06 12 34 56 78 90", "téléphone", "+33"])
def test_what_is_not_a_number_is_refused_in_french(typed):
    with pytest.raises(ValueError, match="Saisissez un numéro à 10 chiffres"):
        normalise_phone(typed)


def test_an_empty_phone_stays_empty():
    assert normalise_phone("  ") == "" and display_phone("") == ""


def test_shown_the_french_way_and_numbers_stored_before_stay_readable():
    assert display_phone("+33612345678") == "06 12 34 56 78"
    assert display_phone("06 12 34 56 78") == "06 12 34 56 78"
    assert display_phone("+262262123456") == "+262 262 12 34 56"
    assert display_phone("à rappeler") == "à rappeler"
