"""Identifiers, amounts and the financing plan: exact arithmetic, checked with many examples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from budgetcitoyen.core import formatting
from budgetcitoyen.dossiers import rules
from budgetcitoyen.dossiers.rules import Line

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)
lines = st.lists(st.builds(Line, st.just("Source"), cents, st.booleans()), max_size=8)


class TestSiret:
    @pytest.mark.parametrize("value", ["73282932000074", "35600000000048", "44306184100047"])
    def test_valid_numbers(self, value):
        assert rules.siret_error(value) is None

    @pytest.mark.parametrize(
        "value, message",
        [
            ("7328293200007", "14 chiffres"),
            ("7328293200007A", "14 chiffres"),
            ("73282932000075", "clé de contrôle"),
        ],
    )
    def test_invalid_numbers(self, value, message):
        assert message in rules.siret_error(value)

    def test_la_poste_establishments_follow_their_own_check(self):
        # 356 000 000 + a NIC whose digits make the sum a multiple of 5, not Luhn-valid
        value = "35600000049837"
        assert sum(map(int, value)) % 5 == 0 and not luhn.is_valid(value)
        assert rules.siret_error(value) is None

    def test_la_poste_head_office_follows_luhn(self):
        # The head office of La Poste is the one establishment of its SIREN checked by Luhn
        value = "35600000000048"
        assert sum(map(int, value)) % 5 != 0 and luhn.is_valid(value)
        assert rules.siret_error(value) is None
        assert "clé de contrôle" in rules.siret_error("35600000000049")

    def test_a_la_poste_establishment_with_a_wrong_sum_is_refused(self):
        assert "clé de contrôle" in rules.siret_error("35600000049838")

    def test_the_siren_inside_must_be_valid_too(self):
        # Luhn-valid over 14 digits, but its first nine digits are not a SIREN
        value = "12345678000006"
        assert luhn.is_valid(value) and not luhn.is_valid(value[:9])
        assert "clé de contrôle" in rules.siret_error(value)

    @given(st.text(alphabet="0123456789", min_size=13, max_size=13))
    def test_exactly_one_check_digit_in_ten_is_right(self, body):
        valid = [d for d in "0123456789" if luhn.is_valid(body + d)]
        assert len(valid) == 1

    def test_spaces_and_dots_are_ignored(self):
        assert rules.normalise_identifier(" 732 829 320.00074 ") == "73282932000074"
        assert rules.normalise_identifier("w623001234") == "W623001234"


class TestRna:
    def test_format(self):
        assert rules.rna_error("W623001234") is None
        for bad in ("W62300123", "623001234W", "X623001234", "W6230012345"):
            assert rules.rna_error(bad)

    def test_which_kind_needs_which_identifier(self):
        assert rules.missing_identifier("association", "", "") == {
            "rna": "Indiquez le numéro RNA de l'association (ou son numéro SIRET)."
        }
        assert rules.missing_identifier("association", "73282932000074", "") == {}
        assert rules.missing_identifier("esus", "", "") == {
            "siret": "Indiquez le numéro SIRET de la structure."
        }
        assert rules.missing_identifier("collective", "", "") == {}
        assert rules.identifier_errors("cooperative", "", "W623001234") == {
            "rna": "Seule une association a un numéro RNA."
        }


class TestAmounts:
    @pytest.mark.parametrize(
        "text, amount",
        [
            ("12500", "12500.00"),
            ("12 500,50", "12500.50"),
            ("12\u00a0500,5 €", "12500.50"),
            ("12\u202f500", "12500.00"),
            ("0,1", "0.10"),
            ("1500.25", "1500.25"),
        ],
    )
    def test_french_input(self, text, amount):
        assert rules.parse_euros(text) == Decimal(amount)

    @pytest.mark.parametrize(
        "text", ["12,500.50", "1,234", "-5", "douze", "1e3", "1,001", "", "1.2.3"]
    )
    def test_anything_else_is_refused(self, text):
        with pytest.raises(ValueError):
            rules.parse_euros(text)

    @given(cents)
    def test_formatting_round_trips(self, amount):
        assert rules.parse_euros(formatting.number(amount)) == amount

    def test_amount_requested_limits(self):
        assert (
            "plafond"
            in rules.amount_errors(Decimal("50000"), Decimal("20000.01"), Decimal("20000"))[
                "amount_requested"
            ]
        )
        assert rules.amount_errors(Decimal("50000"), Decimal("20000"), Decimal("20000")) == {}
        assert (
            "coût total"
            in rules.amount_errors(Decimal("100"), Decimal("101"), None)["amount_requested"]
        )
        assert "zéro" in rules.amount_errors(Decimal("0"), None, None)["total_cost"]


class TestFinancingPlan:
    @given(cents, lines)
    def test_a_plan_is_balanced_exactly_when_it_adds_up_to_the_cost(self, requested, others):
        total = requested + sum((line.amount for line in others), Decimal("0"))
        assert rules.financing_errors(total, requested, others) == []
        assert rules.financing_errors(total + Decimal("0.01"), requested, others)
        if total > 0:
            assert rules.financing_errors(total - Decimal("0.01"), requested, others)

    @given(cents, lines, cents)
    def test_the_gap_is_stated_to_the_cent(self, requested, others, cost):
        errors = rules.financing_errors(cost, requested, others)
        gap = cost - rules.plan_total(requested, others)
        if gap == 0:
            assert errors == []
        else:
            assert formatting.number(abs(gap)) in errors[0]

    def test_no_floating_point_drift(self):
        others = [Line("A", Decimal("0.10")), Line("B", Decimal("0.20"))]
        assert rules.financing_errors(Decimal("1.30"), Decimal("1.00"), others) == []

    def test_a_line_needs_its_source(self):
        assert (
            "source"
            in rules.financing_errors(Decimal("10"), Decimal("5"), [Line(" ", Decimal("5"))])[0]
        )

    def test_nothing_to_say_before_the_amounts_are_known(self):
        assert rules.financing_errors(None, Decimal("5"), []) == []


def test_the_wished_categorys_cap():
    from budgetcitoyen.dossiers.rules import category_cap_error

    assert category_cap_error(Decimal("10000"), "Coopération", Decimal("10000")) is None
    assert category_cap_error(None, "Coopération", Decimal("10000")) is None
    message = category_cap_error(Decimal("12000"), "Coopération", Decimal("10000"))
    assert message is not None
    assert message.replace("\u202f", " ") == (
        "Le montant demandé (12 000 €) dépasse le plafond de la catégorie « Coopération » : "
        "10 000 € par projet. Baissez le montant demandé ou choisissez une autre catégorie."
    )
