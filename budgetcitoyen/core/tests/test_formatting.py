"""Amounts and dates written one way for templates, services, emails and the counting engine."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from budgetcitoyen.core import formatting

NARROW = "\u202f"
NBSP = "\u00a0"


class TestMoney:
    def test_french_groups_thousands_with_a_narrow_space_and_shows_cents_only_when_any(self):
        assert formatting.money(Decimal("572151"), locale="fr") == f"572{NARROW}151{NBSP}€"
        assert formatting.money(Decimal("1234.5"), locale="fr") == f"1{NARROW}234,50{NBSP}€"
        assert formatting.money(Decimal("0.05"), locale="fr") == f"0,05{NBSP}€"
        assert formatting.money(0, locale="fr") == f"0{NBSP}€"

    def test_negative_amounts_and_other_currencies(self):
        assert formatting.money(Decimal("-2000"), locale="fr") == f"-2{NARROW}000{NBSP}€"
        assert (
            formatting.money(Fraction(1603000), currency="PLN", locale="fr_FR")
            == f"1{NARROW}603{NARROW}000{NBSP}PLN"
        )

    def test_fractions_are_rounded_to_the_cent(self):
        assert formatting.money(Fraction(1, 3), locale="fr") == f"0,33{NBSP}€"
        assert formatting.money(Fraction(2, 3), locale="fr") == f"0,67{NBSP}€"

    def test_the_active_language_decides(self):
        with translation.override("en"):
            assert formatting.money(Decimal("12500.5")) == "€12,500.50"
        with translation.override("fr"):
            assert formatting.money(Decimal("12500.5")) == f"12{NARROW}500,50{NBSP}€"

    def test_numbers_without_unit(self):
        assert formatting.number(Decimal("12500"), locale="fr") == f"12{NARROW}500"
        assert formatting.number(Decimal("12500.5"), locale="fr") == f"12{NARROW}500,50"
        assert formatting.number(Decimal("12.125"), exact=True, locale="fr") == "12,125"


class TestParseAmount:
    @pytest.mark.parametrize(
        "text, amount",
        [
            ("1 200,50 €", "1200.50"),
            ("1200.50", "1200.50"),
            (f"1{NBSP}200,50{NBSP}€", "1200.50"),
            (f"1{NARROW}200", "1200"),
            ("  42  ", "42"),
            ("0,5", "0.5"),
        ],
    )
    def test_what_people_type(self, text, amount):
        assert formatting.parse_amount(text) == Decimal(amount)

    @pytest.mark.parametrize(
        "text",
        ["", "€", "1.200,50", "1,200.50", "1,234", "-5", "+5", "1e3", "NaN", "Infinity", "١٢", "½"],
    )
    def test_anything_else_is_refused(self, text):
        with pytest.raises(ValueError):
            formatting.parse_amount(text)

    @given(st.integers(min_value=0, max_value=10**12))
    def test_what_is_written_reads_back(self, cents):
        amount = Decimal(cents) / 100
        assert formatting.parse_amount(formatting.money(amount, locale="fr")) == amount


def test_importing_it_imports_no_django():
    """The counting engine, which never imports Django, writes its amounts through it."""
    code = (
        "import sys; from budgetcitoyen.core import formatting; "
        "formatting.money(1, locale='fr'); print('django' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_a_windows_end_is_written_one_way():
    """The vote's end read "30 septembre 2025 inclus" in public and "mercredi 1er octobre
    2025, 0 h" for staff: one helper now writes it for every page and email."""
    from budgetcitoyen.core.formatting import until
    from budgetcitoyen.testing.factories import paris

    assert until(paris(2025, 10, 1)) == "jusqu'au mardi 30 septembre 2025 inclus"
    assert until(paris(2025, 3, 5)) == "jusqu'au mardi 4 mars 2025 inclus"
    assert until(paris(2025, 9, 30, 18)) == "jusqu'au mardi 30 septembre 2025, 18 h"
