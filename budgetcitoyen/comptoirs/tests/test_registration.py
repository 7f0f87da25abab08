"""Registration rules: success, every refusal, the waiting list and its promotions, emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.services import (
    comptoir_cancel,
    comptoir_set_capacity,
    registration_cancel,
    registration_create,
    waitlist_position,
)
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    InvalidInput,
    NotEligible,
    PermissionRefused,
    PhaseClosed,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.testing.factories import (
    ComptoirFactory,
    EditionFactory,
    UserFactory,
    idea,
    paris,
    verified_person,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def during_comptoirs():
    with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
        yield


@pytest.fixture
def edition():
    return EditionFactory(year=2025)


@pytest.fixture
def comptoir(edition):
    return ComptoirFactory(edition=edition, capacity=2, starts_at=paris(2025, 2, 5, 9, 30))


def register(comptoir, person=None, **overrides):
    return registration_create(
        comptoir=comptoir, person=person or verified_person(), **idea(**overrides)
    )


class TestRegister:
    def test_it_confirms_while_places_remain(self, comptoir):
        registration = register(comptoir)
        assert registration.status == Status.CONFIRMED
        assert registration.ticket == 1
        assert registration.edition_id == comptoir.edition_id
        assert AuditEntry.objects.filter(action="comptoirs.registration_created").count() == 1

    def test_it_sends_the_confirmation_after_commit(
        self, comptoir, django_capture_on_commit_callbacks
    ):
        person = verified_person(first_name="Inès")
        with django_capture_on_commit_callbacks(execute=True):
            register(comptoir, person)
        (message,) = mail.outbox
        assert message.to == [person.email]
        assert (
            message.subject
            == "[Budget citoyen] Votre place est confirmée : comptoir du mercredi 5 février 2025"
        )
        assert "Bonjour Inès" in message.body
        assert "mercredi 5 février 2025, 9 h 30" in message.body
        assert message.alternatives[0][1] == "text/html"
        assert "<strong>confirmée</strong>" in message.alternatives[0][0]

    def test_no_email_when_nothing_commits(self, comptoir, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            register(comptoir)
        assert len(callbacks) == 1
        assert mail.outbox == []

    def test_when_full_it_waitlists_in_arrival_order(
        self, comptoir, django_capture_on_commit_callbacks
    ):
        register(comptoir)
        register(comptoir)
        with django_capture_on_commit_callbacks(execute=True):
            third = register(comptoir)
        fourth = register(comptoir)
        assert third.status == fourth.status == Status.WAITLISTED
        assert (waitlist_position(third), waitlist_position(fourth)) == (1, 2)
        assert (
            mail.outbox[-1].subject == "[Budget citoyen] Vous êtes en liste d'attente (position 1)"
        )
        assert "en position 1" in mail.outbox[-1].body

    def test_it_requires_a_verified_email(self, comptoir):
        with pytest.raises(NotEligible, match="Confirmez d'abord votre adresse"):
            register(comptoir, UserFactory())

    def test_it_refuses_outside_the_comptoirs_period(self, comptoir):
        with (
            time_machine.travel(paris(2025, 1, 5, 23, 59), tick=False),
            pytest.raises(PhaseClosed, match="pas ouvertes"),
        ):
            register(comptoir)

    def test_it_closes_24_hours_before_the_start(self, comptoir):
        with time_machine.travel(paris(2025, 2, 4, 9, 29), tick=False):
            assert register(comptoir).status == Status.CONFIRMED
        with (
            time_machine.travel(paris(2025, 2, 4, 9, 30), tick=False),
            pytest.raises(PhaseClosed, match="closes depuis 24 h"),
        ):
            register(comptoir)

    def test_the_cut_off_is_set_per_comptoir(self, edition):
        comptoir = ComptoirFactory(
            edition=edition, starts_at=paris(2025, 2, 5, 9, 30), registration_cutoff_hours=2
        )
        with time_machine.travel(paris(2025, 2, 5, 7, 0), tick=False):
            assert register(comptoir).status == Status.CONFIRMED
        with (
            time_machine.travel(paris(2025, 2, 5, 7, 31), tick=False),
            pytest.raises(PhaseClosed, match="2 h"),
        ):
            register(comptoir)

    def test_it_refuses_a_cancelled_comptoir(self, comptoir, sam):
        comptoir_cancel(comptoir=comptoir, reason="Salle indisponible", by=sam)
        with pytest.raises(PhaseClosed, match="annulé"):
            register(comptoir)

    def test_one_active_registration_per_comptoir(self, comptoir):
        person = verified_person()
        register(comptoir, person)
        with pytest.raises(AlreadyDone, match="déjà une place confirmée à ce comptoir"):
            register(comptoir, person)

    def test_one_confirmed_place_per_edition(self, edition, comptoir):
        other = ComptoirFactory(edition=edition, starts_at=paris(2025, 2, 20, 9, 30))
        person = verified_person()
        register(comptoir, person)
        with pytest.raises(Conflict, match="déjà une place confirmée"):
            register(other, person)

    def test_a_place_in_another_edition_does_not_count(self, comptoir):
        person = verified_person()
        later = ComptoirFactory(
            edition=EditionFactory(year=2026), starts_at=paris(2026, 2, 5, 9, 30)
        )
        register(comptoir, person)
        with time_machine.travel(paris(2026, 1, 20, 10), tick=False):
            assert register(later, person).status == Status.CONFIRMED

    def test_after_cancelling_a_person_may_choose_another_comptoir(self, edition, comptoir):
        other = ComptoirFactory(edition=edition, starts_at=paris(2025, 2, 20, 9, 30))
        person = verified_person()
        registration_cancel(registration=register(comptoir, person), by=person)
        assert register(other, person).status == Status.CONFIRMED
        # and may even come back to the first one later
        registration_cancel(
            registration=Registration.objects.get(comptoir=other, person=person), by=person
        )
        assert register(comptoir, person).status == Status.CONFIRMED

    def test_a_confirmed_place_withdraws_the_persons_other_waitlists(self, edition, comptoir):
        other = ComptoirFactory(edition=edition, starts_at=paris(2025, 2, 20, 9, 30))
        register(comptoir)
        register(comptoir)
        person = verified_person()
        waiting = register(comptoir, person)
        assert waiting.status == Status.WAITLISTED
        register(other, person)
        waiting.refresh_from_db()
        assert waiting.status == Status.WITHDRAWN

    @pytest.mark.parametrize(
        ("override", "field"),
        [
            ({"idea_title": "  "}, "idea_title"),
            ({"idea_summary": ""}, "idea_summary"),
            ({"idea_territory": None}, "idea_territory"),
            ({"structure_kind": "sarl"}, "structure_kind"),
            ({"idea_title": "x" * 151}, "idea_title"),
        ],
    )
    def test_the_idea_is_checked(self, comptoir, override, field):
        with pytest.raises(InvalidInput) as caught:
            register(comptoir, **override)
        assert field in caught.value.errors
        assert not Registration.objects.exists()


class TestCancel:
    def test_cancelling_promotes_the_first_in_line_who_is_told(
        self, comptoir, django_capture_on_commit_callbacks
    ):
        first = register(comptoir)
        register(comptoir)
        waiting_person = verified_person(first_name="Paul")
        waiting = register(comptoir, waiting_person)
        last = register(comptoir)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            promoted = registration_cancel(registration=first, by=first.person)
        assert promoted == [waiting]
        waiting.refresh_from_db()
        last.refresh_from_db()
        assert waiting.status == Status.CONFIRMED
        assert waitlist_position(last) == 1
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        assert (
            subjects[first.person.email] == "[Budget citoyen] Annulation de votre place enregistrée"
        )
        assert (
            subjects[waiting_person.email]
            == "[Budget citoyen] Une place s'est libérée : votre place est confirmée"
        )
        assert AuditEntry.objects.filter(action="comptoirs.registration_promoted").count() == 1

    def test_leaving_the_waiting_list_promotes_nobody(
        self, comptoir, django_capture_on_commit_callbacks
    ):
        register(comptoir)
        register(comptoir)
        waiting = register(comptoir)
        behind = register(comptoir)
        with django_capture_on_commit_callbacks(execute=True):
            assert registration_cancel(registration=waiting, by=waiting.person) == []
        waiting.refresh_from_db()
        assert waiting.status == Status.WITHDRAWN
        assert waitlist_position(behind) == 1
        assert mail.outbox[-1].subject == "[Budget citoyen] Vous avez quitté la liste d'attente"

    def test_only_the_person_or_staff_may_cancel(self, comptoir, alice, sam):
        registration = register(comptoir)
        with pytest.raises(PermissionRefused):
            registration_cancel(registration=registration, by=alice)
        registration_cancel(registration=registration, by=sam)

    def test_an_ended_registration_cannot_be_cancelled_again(self, comptoir):
        registration = register(comptoir)
        registration_cancel(registration=registration, by=registration.person)
        with pytest.raises(AlreadyDone):
            registration_cancel(registration=registration, by=registration.person)

    def test_no_cancellation_once_the_comptoir_has_started(self, comptoir):
        registration = register(comptoir)
        with (
            time_machine.travel(comptoir.starts_at + timedelta(minutes=1), tick=False),
            pytest.raises(PhaseClosed),
        ):
            registration_cancel(registration=registration, by=registration.person)


class TestCapacity:
    def test_raising_capacity_promotes_from_the_waiting_list(self, comptoir, sam):
        register(comptoir)
        register(comptoir)
        waiting = [register(comptoir) for _ in range(3)]
        promoted = comptoir_set_capacity(comptoir=comptoir, capacity=4, by=sam)
        assert promoted == waiting[:2]
        assert waitlist_position(Registration.objects.get(pk=waiting[2].pk)) == 1
        entry = AuditEntry.objects.get(action="comptoirs.capacity_changed")
        assert entry.data == {"from": 2, "to": 4}

    def test_lowering_below_the_confirmed_number_is_refused(self, comptoir, sam):
        register(comptoir)
        register(comptoir)
        with pytest.raises(Conflict, match="2 personnes ont déjà une place confirmée"):
            comptoir_set_capacity(comptoir=comptoir, capacity=1, by=sam)
        comptoir.refresh_from_db()
        assert comptoir.capacity == 2

    def test_lowering_to_the_confirmed_number_is_allowed(self, comptoir, sam):
        register(comptoir)
        comptoir_set_capacity(comptoir=comptoir, capacity=1, by=sam)
        assert register(comptoir).status == Status.WAITLISTED


class TestComptoirCancel:
    def test_every_registrant_is_told_and_freed(
        self, edition, comptoir, sam, django_capture_on_commit_callbacks
    ):
        people = [register(comptoir) for _ in range(3)]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert comptoir_cancel(comptoir=comptoir, reason="Intempéries", by=sam) == 3
        assert {m.to[0] for m in mail.outbox} == {r.person.email for r in people}
        assert all("Motif : Intempéries" in m.body for m in mail.outbox)
        assert mail.outbox[0].subject.startswith("[Budget citoyen] Comptoir annulé")
        # the freed person may register elsewhere
        other = ComptoirFactory(edition=edition, starts_at=paris(2025, 2, 20, 9, 30))
        assert register(other, people[0].person).status == Status.CONFIRMED

    def test_a_reason_is_required(self, comptoir, sam):
        with pytest.raises(InvalidInput, match="motif"):
            comptoir_cancel(comptoir=comptoir, reason=" ", by=sam)

    def test_it_cannot_be_cancelled_twice(self, comptoir, sam):
        comptoir_cancel(comptoir=comptoir, reason="Salle indisponible", by=sam)
        with pytest.raises(AlreadyDone):
            comptoir_cancel(comptoir=comptoir, reason="Encore", by=sam)
