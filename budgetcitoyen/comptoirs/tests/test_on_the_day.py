"""Attendance, walk-ins, the reminder job, and the selectors the dossier step relies on."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.comptoirs import selectors
from budgetcitoyen.comptoirs.forms import WalkInForm
from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.services import (
    attendance_mark,
    comptoir_cancel,
    registration_create,
    send_due_reminders,
    walk_in_register,
)
from budgetcitoyen.comptoirs.tasks import send_comptoir_reminders
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    Full,
    InvalidInput,
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
START = paris(2025, 2, 5, 9, 30)


@pytest.fixture
def edition():
    return EditionFactory(year=2025)


@pytest.fixture
def organiser():
    user = UserFactory(email="olivia@exemple.fr")
    role_grant(user=user, role=Role.ORGANISER, by=None)
    return user


@pytest.fixture
def comptoir(edition, organiser):
    comptoir = ComptoirFactory(edition=edition, capacity=3, starts_at=START)
    comptoir.organisers.add(organiser)
    return comptoir


def register(comptoir, person=None):
    with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
        return registration_create(comptoir=comptoir, person=person or verified_person(), **idea())


def at(moment):
    return time_machine.travel(moment, tick=False)


class TestAttendance:
    def test_the_organiser_marks_present_and_it_is_audited(self, comptoir, organiser):
        registration = register(comptoir)
        with at(START + timedelta(minutes=5)):
            attendance_mark(registration=registration, present=True, by=organiser)
        registration.refresh_from_db()
        assert registration.attendance == "present"
        assert registration.attendance_marked_by == organiser
        entry = AuditEntry.objects.get(action="comptoirs.attendance_marked")
        assert entry.data == {"from": "", "to": "present"}

    def test_it_can_be_corrected_until_the_deposit_closes(self, comptoir, organiser):
        registration = register(comptoir)
        with at(paris(2025, 3, 4, 23, 59)):
            attendance_mark(registration=registration, present=False, by=organiser)
        with (
            at(paris(2025, 3, 5, 0, 0)),
            pytest.raises(PhaseClosed, match="dépôt des dossiers est clos"),
        ):
            attendance_mark(registration=registration, present=True, by=organiser)

    def test_not_before_the_comptoir_starts(self, comptoir, organiser):
        registration = register(comptoir)
        with (
            at(START - timedelta(minutes=1)),
            pytest.raises(PhaseClosed, match="à partir du début"),
        ):
            attendance_mark(registration=registration, present=True, by=organiser)

    def test_only_this_comptoirs_organisers_and_staff(self, edition, comptoir, sam):
        registration = register(comptoir)
        other_organiser = UserFactory()
        role_grant(user=other_organiser, role=Role.ORGANISER, by=None)
        ComptoirFactory(edition=edition).organisers.add(other_organiser)
        with at(START + timedelta(minutes=5)):
            with pytest.raises(PermissionRefused):
                attendance_mark(registration=registration, present=True, by=other_organiser)
            with pytest.raises(PermissionRefused):
                attendance_mark(registration=registration, present=True, by=registration.person)
            attendance_mark(registration=registration, present=True, by=sam)

    def test_only_confirmed_places(self, comptoir, organiser):
        for _ in range(3):
            register(comptoir)
        waiting = register(comptoir)
        with at(START + timedelta(minutes=5)), pytest.raises(Conflict, match="place confirmée"):
            attendance_mark(registration=waiting, present=True, by=organiser)


class TestAttendanceUnlocksTheDossier:
    def test_the_selector_answers_with_the_idea(self, edition, comptoir, organiser):
        registration = register(comptoir)
        assert not selectors.has_attended(registration.person, edition)
        with at(START + timedelta(hours=1)):
            attendance_mark(registration=registration, present=True, by=organiser)
        assert selectors.has_attended(registration.person, edition)
        assert list(selectors.attended_registrations(registration.person, edition)) == [
            registration
        ]
        assert not selectors.has_attended(registration.person, EditionFactory(year=2026))

    def test_absent_does_not_count(self, edition, comptoir, organiser):
        registration = register(comptoir)
        with at(START + timedelta(hours=1)):
            attendance_mark(registration=registration, present=False, by=organiser)
        assert not selectors.has_attended(registration.person, edition)


class TestWalkIn:
    def walk_in(self, comptoir, by, **overrides):
        values = {
            "email": "Nouvelle@Exemple.fr",
            "first_name": "Zoé",
            "last_name": "Durand",
            **idea(),
        }
        values.pop("accessibility_needs")
        values.update(overrides)
        return walk_in_register(comptoir=comptoir, by=by, **values)

    def test_it_creates_the_account_and_marks_present(
        self, comptoir, organiser, django_capture_on_commit_callbacks
    ):
        with at(START + timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
            registration = self.walk_in(comptoir, organiser)
        person = User.objects.get(email="nouvelle@exemple.fr")
        assert registration.person == person and not person.has_usable_password()
        assert registration.status == Status.CONFIRMED and registration.is_walk_in
        assert registration.attendance == "present"
        (message,) = mail.outbox
        assert message.to == ["nouvelle@exemple.fr"]
        assert "Mot de passe oublié" in message.body

    def test_an_existing_account_is_reused(self, comptoir, organiser):
        person = verified_person(email="deja@exemple.fr")
        with at(START + timedelta(minutes=10)):
            registration = self.walk_in(comptoir, organiser, email="DEJA@exemple.fr")
        assert registration.person == person

    def test_an_existing_account_without_a_name_takes_the_one_typed(self, comptoir, organiser):
        # An account opened by a voting code has no name: the sheet would show its email.
        person = verified_person(email="votant@exemple.fr", first_name="", last_name="")
        with at(START + timedelta(minutes=10)):
            self.walk_in(comptoir, organiser, email="votant@exemple.fr")
        person.refresh_from_db()
        assert (person.first_name, person.last_name) == ("Zoé", "Durand")
        assert person.display_name == "Zoé Durand"
        assert AuditEntry.objects.filter(action="accounts.name_given_on_the_spot").exists()

    def test_an_existing_name_is_never_replaced(self, comptoir, organiser):
        person = verified_person(email="deja@exemple.fr", first_name="Camille", last_name="Roy")
        with at(START + timedelta(minutes=10)):
            self.walk_in(comptoir, organiser, email="deja@exemple.fr")
        person.refresh_from_db()
        assert person.get_full_name() == "Camille Roy"

    def test_the_walk_in_form_checks_the_name_as_sign_up_does(self):
        form = WalkInForm(
            data={"email": "a@exemple.fr", "first_name": "Zo\x00é", "last_name": "42", **idea()}
        )
        assert not form.is_valid()
        assert "caractère de contrôle" in form.errors["first_name"][0]
        assert form.errors["last_name"] == ["Écrivez-le en lettres."]

    def test_only_if_a_place_is_free(self, comptoir, organiser):
        for _ in range(3):
            register(comptoir)
        with at(START + timedelta(minutes=10)), pytest.raises(Full, match="complet"):
            self.walk_in(comptoir, organiser)

    def test_only_during_the_comptoir(self, comptoir, organiser):
        with at(START - timedelta(minutes=1)), pytest.raises(PhaseClosed):
            self.walk_in(comptoir, organiser)
        with at(comptoir.ends_at), pytest.raises(PhaseClosed):
            self.walk_in(comptoir, organiser)

    def test_not_twice(self, comptoir, organiser):
        with at(START + timedelta(minutes=10)):
            self.walk_in(comptoir, organiser)
            with pytest.raises(AlreadyDone):
                self.walk_in(comptoir, organiser)

    def test_not_by_a_resident(self, comptoir, alice):
        with at(START + timedelta(minutes=10)), pytest.raises(PermissionRefused):
            self.walk_in(comptoir, alice)

    def test_the_identity_is_checked(self, comptoir, organiser):
        with at(START + timedelta(minutes=10)), pytest.raises(InvalidInput) as caught:
            self.walk_in(comptoir, organiser, email="pas-une-adresse", first_name="")
        assert set(caught.value.errors) == {"email", "first_name"}


class TestReminders:
    def test_it_reminds_confirmed_people_two_days_before_once(
        self, comptoir, django_capture_on_commit_callbacks
    ):
        confirmed = [register(comptoir) for _ in range(3)]
        register(comptoir)  # waiting list: no reminder
        with at(START - timedelta(hours=49)):
            assert send_due_reminders() == 0
        with at(START - timedelta(hours=47)), django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 3
            assert send_due_reminders() == 0
        assert sorted(m.to[0] for m in mail.outbox) == sorted(r.person.email for r in confirmed)
        assert (
            mail.outbox[0].subject
            == "[Budget citoyen] Rappel : votre comptoir a lieu le mercredi 5 février 2025, 9 h 30"
        )

    def test_a_cancelled_comptoir_sends_no_reminder(self, comptoir, sam):
        register(comptoir)
        with at(START - timedelta(days=2)):
            comptoir_cancel(comptoir=comptoir, reason="Salle indisponible", by=sam)
        with at(START - timedelta(hours=24)):
            assert send_due_reminders() == 0

    def test_the_background_task_runs_the_job(
        self, comptoir, settings, django_capture_on_commit_callbacks
    ):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        register(comptoir)
        with at(START - timedelta(hours=24)), django_capture_on_commit_callbacks(execute=True):
            result = send_comptoir_reminders.enqueue()
            assert result.return_value == 1
            send_comptoir_reminders.enqueue()
        assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1

    def test_the_command_queues_the_job_in_the_database(self, comptoir):
        from django_tasks_db.models import DBTaskResult

        call_command("schedule_reminders", stdout=StringIO())
        assert (
            DBTaskResult.objects.filter(task_path__endswith="send_comptoir_reminders").count() == 1
        )


class TestFigures:
    def test_ideas_registrations_and_attendees(self, edition, comptoir, organiser):
        registrations = [register(comptoir) for _ in range(4)]
        with at(START + timedelta(hours=1)):
            attendance_mark(registration=registrations[0], present=True, by=organiser)
            attendance_mark(registration=registrations[1], present=False, by=organiser)
        figures = selectors.edition_figures(edition)
        assert figures["total"] == {"registrations": 4, "ideas": 1, "attendees": 1}
        assert figures["by_territory"][0]["comptoir__territory__name"] == "Arrageois"
        assert figures["by_comptoir"][0]["registrations"] == 4


class TestCancellingAComptoir:
    def test_not_once_it_has_started(self, comptoir, organiser, sam):
        registration = register(comptoir)
        with at(START + timedelta(minutes=5)):
            attendance_mark(registration=registration, present=True, by=organiser)
            with pytest.raises(Conflict, match="ne peut plus être annulé"):
                comptoir_cancel(comptoir=comptoir, reason="Salle indisponible", by=sam)
        comptoir.refresh_from_db()
        registration.refresh_from_db()
        assert not comptoir.is_cancelled
        assert (registration.status, registration.attendance) == (Status.CONFIRMED, "present")

    def test_nor_when_attendance_is_already_noted(self, comptoir, sam):
        registration = register(comptoir)
        Registration.objects.filter(pk=registration.pk).update(attendance="present")
        with at(START - timedelta(days=1)), pytest.raises(Conflict, match="présences"):
            comptoir_cancel(comptoir=comptoir, reason="Salle indisponible", by=sam)

    def test_the_day_before_it_can(self, comptoir, sam):
        register(comptoir)
        with at(START - timedelta(days=1)):
            assert comptoir_cancel(comptoir=comptoir, reason="Salle indisponible", by=sam) == 1
