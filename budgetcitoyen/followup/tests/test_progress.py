"""Milestones of a laureate's project: staff's steps, the status selectors, their pages and the
blocks on the dossier pages."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.core import pagecache
from budgetcitoyen.core.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.followup.models import FinalReport, Milestone
from budgetcitoyen.followup.selectors.progress import project_status, statuses
from budgetcitoyen.followup.services import progress as services
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import EditionFactory, complete_dossier, laureate, paris
from budgetcitoyen.testing.hostile import SCRIPT

pytestmark = pytest.mark.django_db

AFTER = paris(2026, 3, 2, 10)  # the 2025 results were published on 20 November 2025


@pytest.fixture(autouse=True)
def after_results():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def edition(db):
    return EditionFactory(year=2025)


@pytest.fixture
def award(edition):
    return laureate(edition)


@pytest.fixture
def staff(db):
    return make_persona("staff")


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def set_milestone(award, staff, kind="started", day=date(2026, 1, 5), **kwargs):  # type: ignore[no-untyped-def]
    return services.milestone_set(award=award, by=staff, kind=kind, reached_on=day, **kwargs)


def errors_of(excinfo) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return excinfo.value.errors


class TestMilestoneSet:
    def test_it_records_the_step_audits_it_and_renders_public_pages_again(
        self, award, staff, django_capture_on_commit_callbacks
    ):
        before = pagecache.current_version()
        with django_capture_on_commit_callbacks(execute=True):
            milestone = set_milestone(award, staff, progress=20, note="Premier atelier ouvert")
        assert (milestone.kind, milestone.progress, milestone.set_by) == ("started", 20, staff)
        entry = AuditEntry.objects.get(action="followup.milestone_set")
        assert entry.actor == staff
        assert entry.data["progress"] == 20 and entry.data["award"] == award.pk
        assert pagecache.current_version() != before

    def test_progress_left_out_keeps_the_latest(self, award, staff):
        set_milestone(award, staff, progress=30)
        halfway = set_milestone(award, staff, kind="halfway", day=date(2026, 2, 1))
        assert halfway.progress == 30

    def test_only_staff(self, award):
        holder = award.decision.dossier.holder
        with pytest.raises(PermissionRefused):
            set_milestone(award, holder)
        assert not Milestone.objects.exists()

    def test_not_in_the_future(self, award, staff):
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, day=date(2026, 3, 3))
        assert "futur" in errors_of(excinfo)["reached_on"]

    def test_not_before_the_results(self, award, staff):
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, day=date(2025, 11, 19))
        assert "publication des résultats" in errors_of(excinfo)["reached_on"]

    def test_not_before_the_latest_step(self, award, staff):
        set_milestone(award, staff, day=date(2026, 2, 1))
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, kind="halfway", day=date(2026, 1, 15))
        assert "dernière étape" in errors_of(excinfo)["reached_on"]

    def test_a_date_and_a_known_kind_are_required(self, award, staff):
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, kind="finished", day=None)
        assert set(errors_of(excinfo)) == {"kind", "reached_on"}

    def test_progress_is_a_percentage(self, award, staff):
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, progress=101)
        assert "progress" in errors_of(excinfo)

    def test_abandoned_needs_its_public_reason(self, award, staff):
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, kind="abandoned", reason="   ")
        assert "motif" in errors_of(excinfo)["reason"]
        abandoned = set_milestone(award, staff, kind="abandoned", reason="Local perdu.")
        assert abandoned.reason == "Local perdu."

    def test_nothing_follows_an_abandon(self, award, staff):
        set_milestone(award, staff, kind="abandoned", reason="Local perdu.")
        with pytest.raises(Conflict, match="retirez d'abord"):
            set_milestone(award, staff, kind="started", day=date(2026, 2, 1))

    def test_done_needs_the_report_accepted_or_a_reason(self, award, staff):
        with pytest.raises(InvalidInput) as excinfo:
            set_milestone(award, staff, kind="done")
        assert "rapport final" in errors_of(excinfo)["reason"]
        done = set_milestone(award, staff, kind="done", progress=40, reason="Vu sur place.")
        assert done.progress == 100  # done is done
        with pytest.raises(Conflict):
            set_milestone(award, staff, kind="halfway")

    def test_done_without_a_reason_once_the_report_is_accepted(self, award, staff):
        FinalReport.objects.create(award=award, status=FinalReport.Status.ACCEPTED)
        assert set_milestone(award, staff, kind="done").progress == 100

    def test_a_project_not_of_a_published_result_is_refused(self, award, staff):
        award.snapshot.__class__.objects.filter(pk=award.snapshot_id).update(published_at=None)
        with pytest.raises(NotFound):
            set_milestone(award, staff)


class TestMilestoneRemove:
    def test_staff_remove_the_latest_step_with_a_reason_and_may_go_on(self, award, staff):
        set_milestone(award, staff)
        abandoned = set_milestone(award, staff, kind="abandoned", reason="Erreur de saisie")
        services.milestone_remove(milestone=abandoned, reason="Mauvais projet", by=staff)
        assert list(award.milestones.values_list("kind", flat=True)) == ["started"]
        entry = AuditEntry.objects.get(action="followup.milestone_removed")
        assert entry.data["kind"] == "abandoned" and entry.data["reason"] == "Mauvais projet"
        set_milestone(award, staff, kind="halfway", day=date(2026, 2, 1))

    def test_only_the_latest(self, award, staff):
        first = set_milestone(award, staff)
        set_milestone(award, staff, kind="halfway", day=date(2026, 2, 1))
        with pytest.raises(Conflict):
            services.milestone_remove(milestone=first, reason="Erreur", by=staff)

    def test_a_reason_and_staff_are_required(self, award, staff):
        milestone = set_milestone(award, staff)
        with pytest.raises(InvalidInput):
            services.milestone_remove(milestone=milestone, reason="", by=staff)
        with pytest.raises(PermissionRefused):
            services.milestone_remove(
                milestone=milestone, reason="Erreur", by=award.decision.dossier.holder
            )
        assert Milestone.objects.filter(pk=milestone.pk).exists()


class TestStatuses:
    def test_a_project_without_milestone_has_not_started(self, award):
        assert project_status(award) == (None, 0, None)

    def test_the_latest_milestone_is_the_status(self, edition, award, staff):
        other = laureate(edition)
        quiet = laureate(edition)
        set_milestone(award, staff, progress=10)
        set_milestone(award, staff, kind="halfway", day=date(2026, 2, 1), progress=50)
        set_milestone(other, staff, kind="done", reason="Inauguré.")
        assert project_status(award) == ("halfway", 50, date(2026, 2, 1))
        found = statuses(edition)
        assert found == {
            award.pk: ("halfway", 50, date(2026, 2, 1)),
            other.pk: ("done", 100, date(2026, 1, 5)),
            quiet.pk: (None, 0, None),
        }
        assert statuses(EditionFactory(year=2026)) == {}


class TestPages:
    def url(self, award) -> str:  # type: ignore[no-untyped-def]
        return f"/gestion/suivi/laureats/{award.pk}/etapes/"

    def test_staff_see_the_progress_and_record_a_step(self, award, staff):
        client = client_of(staff)
        response = client.get(self.url(award))
        assert response.status_code == 200
        assert_accessible(response.content)
        response = client.post(
            self.url(award),
            {"kind": "started", "reached_on": "05/01/2026", "progress": "15", "note": "Lancé"},
        )
        assert response.status_code == 302
        assert project_status(award) == ("started", 15, date(2026, 1, 5))
        page = client.get(self.url(award)).content.decode()
        assert "Projet démarré" in page and "Lancé" in page

    def test_a_refusal_is_a_400_keeping_what_was_typed(self, award, staff):
        response = client_of(staff).post(
            self.url(award),
            {"kind": "abandoned", "reached_on": "2026-01-05", "note": "Note gardée"},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Note gardée" in page and "motif de l&#x27;abandon" in page
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize(
        "field,value",
        [
            ("note", "a\x00b"),
            ("note", "x" * 301),
            ("reason", "é" * 3000),
            ("progress", "9" * 30),
            ("progress", "-5"),
            ("reached_on", "31/02/2026"),
            ("kind", SCRIPT),
        ],
    )
    def test_hostile_input_is_a_french_400(self, award, staff, field, value):
        data = {"kind": "started", "reached_on": "2026-01-05", "note": "", field: value}
        response = client_of(staff).post(self.url(award), data)
        assert response.status_code == 400
        assert SCRIPT.encode() not in response.content
        assert not Milestone.objects.exists()

    def test_html_and_formulas_are_text(self, award, staff):
        client = client_of(staff)
        data = {"kind": "started", "reached_on": "2026-01-05", "note": SCRIPT, "reason": "=1+1"}
        assert client.post(self.url(award), data).status_code == 302
        assert SCRIPT.encode() not in client.get(self.url(award)).content
        assert Milestone.objects.get().reason == "=1+1"

    def test_nothing_after_the_end_is_a_409(self, award, staff):
        set_milestone(award, staff, kind="abandoned", reason="Local perdu.")
        response = client_of(staff).post(
            self.url(award), {"kind": "started", "reached_on": "2026-02-01"}
        )
        assert response.status_code == 409

    def test_staff_remove_the_latest_step(self, award, staff):
        milestone = set_milestone(award, staff)
        url = f"{self.url(award)}{milestone.pk}/retirer/"
        client = client_of(staff)
        assert client.get(url).status_code == 405
        assert client.post(url, {"remove-reason": ""}).status_code == 400
        assert client.post(url, {"remove-reason": "Erreur"}).status_code == 302
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize("who", ["anonymous", "holder", "resident"])
    def test_others_get_a_404(self, award, who):
        client = Client()
        if who == "holder":
            client.force_login(award.decision.dossier.holder)
        elif who == "resident":
            client.force_login(make_persona("resident"))
        assert client.get(self.url(award)).status_code == 404
        assert client.post(self.url(award), {"kind": "started"}).status_code == 404
        assert not Milestone.objects.exists()

    def test_the_dossier_pages_summarise_the_progress_of_a_laureate(self, award, staff):
        set_milestone(award, staff, progress=35)
        dossier = award.decision.dossier
        staff_page = client_of(staff).get(f"/gestion/dossiers/{dossier.pk}/").content.decode()
        assert "Suivi du lauréat" in staff_page and "En cours, 35 %" in staff_page
        holder_page = client_of(dossier.holder).get(f"/mes-dossiers/{dossier.pk}/")
        assert holder_page.status_code == 200
        text = holder_page.content.decode()
        assert "Suivi de votre projet lauréat" in text
        assert f"/mes-dossiers/{dossier.pk}/suivi/actualites/" in text
        assert_accessible(holder_page.content)

    def test_no_block_for_a_dossier_that_is_not_a_laureate(self, staff):
        dossier = complete_dossier()
        page = client_of(staff).get(f"/gestion/dossiers/{dossier.pk}/").content.decode()
        assert "Suivi du lauréat" not in page
