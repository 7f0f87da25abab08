"""Every rule of an edition's calendar and vote settings, refused with a French message."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.services import (
    category_create,
    category_delete,
    category_update,
    edition_create,
    edition_update,
)
from budgetcitoyen.testing.factories import CategoryFactory, EditionFactory, paris

pytestmark = pytest.mark.django_db


def calendar(year: int = 2040, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "year": year,
        "title": f"Budget citoyen {year}",
        "comptoirs_start": paris(year, 1, 6),
        "comptoirs_end": paris(year, 3, 13),
        "deposit_start": paris(year, 1, 31),
        "deposit_end": paris(year, 3, 5),
        "labelling_start": paris(year, 7, 1),
        "labelling_end": paris(year, 9, 1),
        "vote_start": paris(year, 9, 1),
        "vote_end": paris(year, 10, 1),
        "results_at": paris(year, 11, 20, 18),
    }
    values.update(overrides)
    return values


class TestEditionCreate:
    def test_it_creates_an_edition_and_audits_it(self, sam):
        edition = edition_create(by=sam, **calendar())
        assert edition.pk
        entry = AuditEntry.objects.get(action="editions.edition_created")
        assert entry.actor == sam
        assert entry.object_id == str(edition.pk)
        assert entry.data["vote_start"].startswith("2040-09-01")

    def test_defaults_follow_the_pas_de_calais(self, sam):
        edition = edition_create(by=sam, **calendar())
        assert edition.minimum_voter_age == 11
        assert edition.age_reckoned_on == date(2040, 9, 1)
        assert edition.allocation_rule == "envelopes"
        assert edition.vote_rule == "favourites"
        assert (edition.vote_min_choices, edition.vote_max_choices) == (1, 3)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            (
                {"comptoirs_end": paris(2040, 1, 6)},
                "comptoirs_end",
                "La fin des comptoirs doit suivre leur début.",
            ),
            (
                {"deposit_end": paris(2040, 1, 30)},
                "deposit_end",
                "La clôture du dépôt doit suivre son ouverture.",
            ),
            (
                {"labelling_end": paris(2040, 6, 30)},
                "labelling_end",
                "La fin de la labellisation doit suivre son début.",
            ),
            (
                {"vote_end": paris(2040, 9, 1)},
                "vote_end",
                "La clôture du vote doit suivre son ouverture.",
            ),
            (
                {"deposit_end": paris(2040, 7, 2)},
                "labelling_start",
                "La labellisation ne peut commencer qu'après la clôture du dépôt des dossiers.",
            ),
            (
                {"labelling_end": paris(2040, 9, 2)},
                "vote_start",
                "Le vote ne peut s'ouvrir qu'après la fin de la labellisation.",
            ),
            (
                {"results_at": paris(2040, 9, 30)},
                "results_at",
                "Les résultats ne peuvent être publiés qu'après la clôture du vote.",
            ),
            (
                {"comptoirs_start": paris(2040, 3, 5), "comptoirs_end": paris(2040, 4, 1)},
                "comptoirs_start",
                "Les comptoirs doivent commencer avant la clôture du dépôt",
            ),
        ],
    )
    def test_each_calendar_rule_is_refused_in_french(self, sam, overrides, field, message):
        with pytest.raises(InvalidInput) as caught:
            edition_create(by=sam, **calendar(**overrides))
        assert message in caught.value.errors[field]
        assert not Edition.objects.filter(year=2040).exists()
        assert not AuditEntry.objects.filter(action="editions.edition_created").exists()

    def test_windows_may_touch(self, sam):
        edition = edition_create(
            by=sam, **calendar(deposit_end=paris(2040, 7, 1), labelling_end=paris(2040, 9, 1))
        )
        assert edition.deposit_end == edition.labelling_start

    def test_the_year_is_unique(self, sam):
        edition_create(by=sam, **calendar())
        with pytest.raises(InvalidInput) as caught:
            edition_create(by=sam, **calendar())
        assert "year" in caught.value.errors

    def test_the_database_refuses_a_calendar_out_of_order(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Edition.objects.create(**calendar(vote_end=paris(2040, 8, 1)))


class TestVoteSettings:
    def test_favourites_need_min_and_max_in_order(self, sam):
        with pytest.raises(InvalidInput) as caught:
            edition_create(by=sam, **calendar(vote_min_choices=4, vote_max_choices=3))
        assert (
            caught.value.errors["vote_max_choices"]
            == "Le maximum de choix ne peut être inférieur au minimum."
        )

    def test_approval_needs_a_maximum(self, sam):
        with pytest.raises(InvalidInput) as caught:
            edition_create(by=sam, **calendar(vote_rule="approval", vote_max_choices=None))
        assert "nombre maximum" in caught.value.errors["vote_max_choices"]

    def test_points_need_k(self, sam):
        with pytest.raises(InvalidInput) as caught:
            edition_create(by=sam, **calendar(vote_rule="points", vote_max_choices=None))
        assert "nombre k" in caught.value.errors["vote_max_choices"]

    def test_one_per_category_stores_no_numbers(self, sam):
        edition = edition_create(by=sam, **calendar(vote_rule="one_per_category"))
        assert (edition.vote_min_choices, edition.vote_max_choices) == (None, None)

    def test_points_keep_k_only(self, sam):
        edition = edition_create(by=sam, **calendar(vote_rule="points", vote_max_choices=5))
        assert (edition.vote_min_choices, edition.vote_max_choices) == (None, 5)

    def test_age_reference_date_must_fall_before_the_vote_ends(self, sam):
        with pytest.raises(InvalidInput) as caught:
            edition_create(by=sam, **calendar(age_reference_date=date(2040, 10, 2)))
        assert "au plus tard le dernier jour du vote" in caught.value.errors["age_reference_date"]

    def test_a_set_age_reference_date_is_used(self, sam):
        edition = edition_create(by=sam, **calendar(age_reference_date=date(2040, 9, 30)))
        assert edition.age_reckoned_on == date(2040, 9, 30)


class TestEditionUpdate:
    def test_it_audits_what_changed(self, sam):
        edition = EditionFactory(year=2041)
        edition_update(edition=edition, by=sam, title="Nouveau titre", vote_end=paris(2041, 10, 2))
        entry = AuditEntry.objects.get(action="editions.edition_updated")
        assert entry.data["changes"]["title"] == ["Budget citoyen 2041", "Nouveau titre"]
        assert set(entry.data["changes"]) == {"title", "vote_end"}

    def test_an_update_that_changes_nothing_is_not_audited(self, sam):
        edition = EditionFactory(year=2041)
        edition_update(edition=edition, by=sam, title=edition.title)
        assert not AuditEntry.objects.filter(action="editions.edition_updated").exists()

    def test_an_invalid_update_changes_nothing(self, sam):
        edition = EditionFactory(year=2041)
        with pytest.raises(InvalidInput):
            edition_update(edition=edition, by=sam, vote_start=paris(2041, 10, 5))
        edition.refresh_from_db()
        assert edition.vote_start == paris(2041, 9, 1)


class TestCategories:
    def test_it_creates_a_category_with_an_exact_envelope(self, sam):
        edition = EditionFactory(year=2042)
        category = category_create(
            edition=edition,
            by=sam,
            name="Coopération",
            envelope=Decimal("190000.10"),
            max_amount_per_project=Decimal("15000"),
            priority=2,
        )
        category.refresh_from_db()
        assert category.envelope == Decimal("190000.10")
        assert AuditEntry.objects.filter(
            action="editions.category_created", object_id=str(category.pk)
        ).exists()

    def test_priorities_are_unique_within_an_edition(self, sam):
        edition = EditionFactory(year=2042)
        CategoryFactory(edition=edition, priority=1)
        with pytest.raises(InvalidInput) as caught:
            category_create(
                edition=edition,
                by=sam,
                name="Autre",
                envelope=Decimal(1),
                max_amount_per_project=Decimal(1),
                priority=1,
            )
        assert "priorité" in caught.value.errors["priority"]

    def test_names_are_unique_within_an_edition(self, sam):
        edition = EditionFactory(year=2042)
        CategoryFactory(edition=edition, name="Coopération")
        with pytest.raises(InvalidInput) as caught:
            category_create(
                edition=edition,
                by=sam,
                name="coopération",
                envelope=Decimal(1),
                max_amount_per_project=Decimal(1),
                priority=5,
            )
        assert "nom" in caught.value.errors["name"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [("envelope", Decimal("-1")), ("max_amount_per_project", Decimal("0")), ("priority", 0)],
    )
    def test_amounts_and_priority_are_checked(self, sam, field, value):
        edition = EditionFactory(year=2042)
        values = {
            "name": "X",
            "envelope": Decimal(10),
            "max_amount_per_project": Decimal(5),
            "priority": 1,
        }
        values[field] = value
        with pytest.raises(InvalidInput) as caught:
            category_create(edition=edition, by=sam, **values)
        assert field in caught.value.errors

    def test_update_and_delete_are_audited(self, sam):
        category = CategoryFactory(edition=EditionFactory(year=2042), envelope=Decimal(100))
        category_update(category=category, by=sam, envelope=Decimal("150.50"))
        entry = AuditEntry.objects.get(action="editions.category_updated")
        assert entry.data["changes"]["envelope"] == ["100.00", "150.50"]
        category_delete(category=category, by=sam)
        assert AuditEntry.objects.filter(action="editions.category_deleted").exists()

    def test_total_envelope_is_exact(self):
        edition = EditionFactory(year=2042)
        for priority, amount in enumerate(["0.10", "0.20", "0.30"], start=1):
            CategoryFactory(edition=edition, priority=priority, envelope=Decimal(amount))
        assert edition.total_envelope == Decimal("0.60")


def test_a_window_of_one_minute_is_allowed(sam):
    start = paris(2043, 9, 1)
    edition = edition_create(
        by=sam, **calendar(2043, vote_start=start, vote_end=start + timedelta(minutes=1))
    )
    assert edition.vote_end - edition.vote_start == timedelta(minutes=1)
