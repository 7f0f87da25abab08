from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.core.errors import (
    AlreadyDone,
    InvalidInput,
    NotEligible,
    PhaseClosed,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.testing.factories import EditionFactory, labelled_project, paris, verified_person
from budgetcitoyen.voting import services
from budgetcitoyen.voting.identity import identity_key
from budgetcitoyen.voting.models import Ballot, BallotChoice, VoterDeclaration

from .conftest import identity

pytestmark = pytest.mark.django_db


def pks(projects, *indexes):
    return [projects[i].pk for i in indexes]


# --- Declaration and eligibility ---------------------------------------------------------------


def test_a_declaration_is_saved_and_can_be_corrected_until_the_vote(edition, voter, during_vote):
    services.declaration_save(edition=edition, user=voter, sworn=True, **identity())
    services.declaration_save(
        edition=edition, user=voter, sworn=True, **identity(first_name="Camille-Anne")
    )
    declaration = VoterDeclaration.objects.get()
    assert declaration.first_name == "Camille-Anne"
    assert list(
        AuditEntry.objects.filter(action__startswith="vote.declaration")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["vote.declaration_saved", "vote.declaration_changed"]


def test_the_sworn_statement_is_required(edition, voter, during_vote):
    with pytest.raises(InvalidInput) as caught:
        services.declaration_save(edition=edition, user=voter, sworn=False, **identity())
    assert "sworn" in caught.value.errors


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (date(2014, 9, 2), False),  # 11 the day after the reference day
        (date(2014, 9, 1), True),  # 11 on the reference day (1 Sept, the vote's first day)
        (date(2014, 8, 31), True),
    ],
)
def test_minimum_age_on_the_reference_day(edition, voter, during_vote, born, eligible):
    if eligible:
        services.declaration_save(
            edition=edition, user=voter, sworn=True, **identity(birth_date=born)
        )
    else:
        with pytest.raises(NotEligible, match="au moins 11 ans au 1er septembre 2025"):
            services.declaration_save(
                edition=edition, user=voter, sworn=True, **identity(birth_date=born)
            )


def test_a_set_reference_day_is_used(edition, voter, during_vote):
    edition.age_reference_date = date(2025, 12, 31)
    edition.save()
    services.declaration_save(
        edition=edition, user=voter, sworn=True, **identity(birth_date=date(2014, 12, 31))
    )


def test_residents_only_and_the_postal_code_must_match_the_commune(edition, voter, during_vote):
    with pytest.raises(InvalidInput) as caught:
        services.declaration_save(edition=edition, user=voter, sworn=True, **identity(commune=None))
    assert "Pas-de-Calais" in caught.value.errors["commune"]
    with pytest.raises(InvalidInput) as caught:
        services.declaration_save(
            edition=edition, user=voter, sworn=True, **identity(postal_code="62100")
        )
    assert caught.value.errors["postal_code"].startswith(
        "Le code postal 62100 ne correspond pas à Arras"
    )


def test_birth_date_in_the_future_or_missing(edition, voter, during_vote):
    for born, expected in [(date(2030, 1, 1), "futur"), (None, "Indiquez")]:
        with pytest.raises(InvalidInput) as caught:
            services.declaration_save(
                edition=edition, user=voter, sworn=True, **identity(birth_date=born)
            )
        assert expected in caught.value.errors["birth_date"]


# --- Casting ---------------------------------------------------------------------------------------


def test_a_ballot_is_recorded_with_a_receipt_emailed(
    edition, projects, declared, during_vote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ballot, code = services.ballot_cast(
            edition=edition, user=declared, choices=pks(projects, 0, 3, 4), ip="203.0.113.9"
        )
    assert ballot.status == Ballot.Status.VALID
    assert ballot.channel == Ballot.Channel.ONLINE
    assert list(ballot.choices.values_list("project_id", "points")) == [
        (projects[0].pk, 1),
        (projects[3].pk, 1),
        (projects[4].pk, 1),
    ]
    # Frozen at cast time.
    assert ballot.age_band == "25-39"
    assert ballot.territory.name == "Arrageois"
    assert ballot.ip_address == "203.0.113.9"
    # The receipt: 16 characters of Crockford base 32, stored only as a hash.
    assert len(code) == 16 and set(code) <= set(services.RECEIPT_ALPHABET)
    assert code not in ballot.receipt_hash
    assert services.format_receipt(code) in mail.outbox[-1].body
    assert mail.outbox[-1].to == [declared.email]
    entry = AuditEntry.objects.get(action="vote.ballot_recorded")
    assert str(projects[0].pk) not in str(entry.data.get("choices", ""))


def test_a_receipt_typed_back_with_look_alikes_is_the_same_code():
    """Full-width characters, other scripts' digits and Cyrillic letters that imitate Latin
    ones (a copy from a phone, a keyboard left in another layout) fold to the code."""
    from budgetcitoyen.voting.services.receipts import normalise_receipt

    code = "VA85DNJC4X57Q133"
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in "VA85-DNJC-4X57-Q133")
    cyrillic = "VА85-DNJС-4Х57-Q133"  # А, С, Х are Cyrillic
    arabic = "VA٨٥DNJC٤X٥٧Q١٣٣"
    for typed in (fullwidth, cyrillic, arabic, "va85 dnjc 4x57 q133", "VA85-DNJC-4X57-QI33"):
        assert normalise_receipt(typed) == code, typed


def test_receipt_codes_are_random_not_derived_from_identity():
    codes = {services.new_receipt_code() for _ in range(200)}
    assert len(codes) == 200


def test_stats_do_not_move_when_the_profile_changes(edition, projects, declared, during_vote):
    ballot, _code = services.ballot_cast(
        edition=edition, user=declared, choices=pks(projects, 0, 1, 2)
    )
    declaration = VoterDeclaration.objects.get()
    declaration.commune = Commune.objects.get(insee_code="62193")  # Calais
    declaration.save()
    ballot.refresh_from_db()
    assert ballot.territory.name == "Arrageois"


def test_a_cast_ballot_is_final(edition, projects, declared, during_vote):
    services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    with pytest.raises(AlreadyDone, match="déjà voté"):
        services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 2, 3, 4))
    with pytest.raises(AlreadyDone):
        services.declaration_save(edition=edition, user=declared, sworn=True, **identity())
    assert Ballot.objects.count() == 1


def test_the_one_ballot_rule_is_a_database_constraint(edition, projects, declared, during_vote):
    from django.db import IntegrityError, transaction

    ballot, _code = services.ballot_cast(
        edition=edition, user=declared, choices=pks(projects, 0, 1, 2)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            **{
                f.name: getattr(ballot, f.name)
                for f in Ballot._meta.concrete_fields
                if f.name not in ("id", "receipt_hash")
            },
            receipt_hash="x" * 64,
        )


def test_another_integrity_error_is_not_taken_for_already_voted(
    edition, projects, declared, during_vote, monkeypatch
):
    """Only the one-ballot constraint means "already voted"; any other is a defect, raised."""
    from django.db import IntegrityError

    from budgetcitoyen.voting.services import casting

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise IntegrityError("CHECK constraint failed: ballot_channel_has_author")

    monkeypatch.setattr(casting, "record_ballot", broken)
    with pytest.raises(IntegrityError, match="ballot_channel_has_author"):
        services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    assert Ballot.objects.count() == 0


def test_no_ballot_without_a_declaration(edition, projects, voter, during_vote):
    with pytest.raises(NotEligible, match="Déclarez d'abord"):
        services.ballot_cast(edition=edition, user=voter, choices=pks(projects, 0, 1, 2))


def test_eligibility_is_checked_again_at_cast_time(edition, projects, declared, during_vote):
    # The edition's minimum age is raised after the declaration.
    edition.minimum_voter_age = 50
    edition.save()
    with pytest.raises(NotEligible):
        services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))


def test_the_rule_is_enforced_at_cast_time(edition, projects, declared, during_vote):
    with pytest.raises(InvalidInput, match="exactement 3"):
        services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1))
    assert not Ballot.objects.exists()


def test_only_the_editions_labelled_projects(edition, projects, declared, during_vote):
    other = EditionFactory(year=2026)
    from budgetcitoyen.testing.factories import CategoryFactory

    CategoryFactory(edition=other, priority=1)
    foreign = labelled_project(other)
    with pytest.raises(InvalidInput, match="ne fait pas partie"):
        services.ballot_cast(
            edition=edition, user=declared, choices=[projects[0].pk, projects[1].pk, foreign.pk]
        )
    projects[2].outcome = "not_labelled"
    projects[2].reason = "Hors champ."
    projects[2].save()
    with pytest.raises(InvalidInput, match="ne fait pas partie"):
        services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (paris(2025, 8, 31, 23, 59), False),
        (paris(2025, 9, 1, 0, 0), True),
        (paris(2025, 9, 30, 23, 59), True),
        (paris(2025, 10, 1, 0, 0), False),
    ],
)
def test_the_vote_window_boundaries(edition, projects, voter, moment, open_):
    with time_machine.travel(paris(2025, 9, 15), tick=False):
        services.declaration_save(edition=edition, user=voter, sworn=True, **identity())
    with time_machine.travel(moment, tick=False):
        if open_:
            services.ballot_cast(edition=edition, user=voter, choices=pks(projects, 0, 1, 2))
        else:
            with pytest.raises(PhaseClosed):
                services.ballot_cast(edition=edition, user=voter, choices=pks(projects, 0, 1, 2))


def test_an_unpublished_edition_has_no_vote(edition, projects, declared, during_vote):
    edition.is_published = False
    edition.save()
    with pytest.raises(PhaseClosed):
        services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))


def test_points_ballots_store_their_points(edition, projects, declared, during_vote):
    edition.vote_rule = "points"
    edition.vote_max_choices = 3
    edition.save()
    ballot, _code = services.ballot_cast(
        edition=edition, user=declared, choices=pks(projects, 4, 0)
    )
    assert list(ballot.choices.values_list("project_id", "points", "position")) == [
        (projects[4].pk, 3, 1),
        (projects[0].pk, 2, 2),
    ]
    # What the count groups by: the pairs by project id, the text the signature digests.
    first, second = sorted([(projects[4].pk, 3), (projects[0].pk, 2)])
    assert ballot.choices_text == f"{first[0]}:{first[1]},{second[0]}:{second[1]}"
    assert ballot.choices_signature == hashlib.sha256(ballot.choices_text.encode()).hexdigest()


# --- Multiple votes ------------------------------------------------------------------------------------


def second_voter(edition, email="autre@exemple.fr", **overrides):
    person = verified_person(email=email)
    services.declaration_save(edition=edition, user=person, sworn=True, **identity(**overrides))
    return person


def test_a_matching_identity_puts_every_ballot_of_it_under_review(
    edition, projects, declared, during_vote
):
    first, _ = services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    twin = second_voter(edition, last_name="DUPONT", first_name="camille ")
    second, _ = services.ballot_cast(edition=edition, user=twin, choices=pks(projects, 2, 3, 4))
    first.refresh_from_db()
    assert first.status == second.status == Ballot.Status.UNDER_REVIEW
    assert first.review == second.review
    assert first.review.identity_key == identity_key("Dupont", "Camille", date(1990, 7, 14))
    assert AuditEntry.objects.filter(action="vote.review_opened").count() == 1
    # A third ballot joins the same open review.
    third = second_voter(edition, email="troisieme@exemple.fr")
    services.ballot_cast(edition=edition, user=third, choices=pks(projects, 0, 1, 2))
    assert Ballot.objects.filter(review=first.review).count() == 3
    assert AuditEntry.objects.filter(action="vote.review_extended").count() == 1


def test_a_cyrillic_look_alike_of_a_name_already_voted_goes_under_review(
    edition, projects, declared, during_vote
):
    first, _ = services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    twin = second_voter(edition, last_name="Dup\u043ent")  # Cyrillic о
    second, _ = services.ballot_cast(edition=edition, user=twin, choices=pks(projects, 0, 1, 2))
    first.refresh_from_db()
    assert first.status == second.status == Ballot.Status.UNDER_REVIEW
    assert first.review == second.review


def test_different_identities_do_not_match(edition, projects, declared, during_vote):
    services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    other = second_voter(edition, birth_date=date(1990, 7, 15))
    ballot, _ = services.ballot_cast(edition=edition, user=other, choices=pks(projects, 0, 1, 2))
    assert ballot.status == Ballot.Status.VALID


def test_ballot_choices_are_kept_exactly(edition, projects, declared, during_vote):
    services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 4, 2, 0))
    assert BallotChoice.objects.count() == 3
    assert Decimal(sum(c.project.labelled_amount for c in BallotChoice.objects.all())) == Decimal(
        "32000"
    )
