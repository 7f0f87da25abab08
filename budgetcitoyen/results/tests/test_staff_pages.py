"""Staff pages of the results and the commands: count, preview, publish."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from budgetcitoyen.results import selectors, services
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.tally import pabulib
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import PERSONAS, confirm_password, make_persona
from budgetcitoyen.voting.models import IdentityReview

from .conftest import DURING_VOTE

pytestmark = pytest.mark.django_db


def signed_in(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_pages_per_role(ballots, after_vote, persona):
    edition = ballots[0].edition
    snapshot = services.tally_run(edition=edition, by=None)
    client = Client()
    if persona != "anonymous":
        client.force_login(make_persona(persona))
    allowed = persona in ("staff", "superuser")
    for url in (
        "/gestion/resultats/?edition=2025",
        f"/gestion/resultats/{snapshot.pk}/",
        f"/gestion/resultats/{snapshot.pk}/bulletins.pb",
    ):
        assert client.get(url).status_code == (200 if allowed else 404), url
    if allowed:
        confirm_password(client)
    response = client.post(f"/gestion/resultats/{snapshot.pk}/publier/", {"confirm": "1"})
    assert response.status_code == (302 if allowed else 404)
    assert (selectors.published_result(edition) is not None) == allowed


def test_staff_count_preview_and_publish(ballots, staff, after_vote):
    client = signed_in(staff)
    page = client.get("/gestion/resultats/?edition=2025")
    assert "Lancer un dépouillement" in text(page)
    assert_accessible(page.content)
    response = client.post("/gestion/resultats/?edition=2025")
    snapshot = ResultSnapshot.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/gestion/resultats/{snapshot.pk}/"
    )
    preview = client.get(response["Location"])
    body = text(preview)
    assert "Aperçu" in body and "Publier les résultats" in body and "Recyclerie" in body
    assert snapshot.ballots_sha256 in body
    assert_accessible(preview.content)
    confirm_password(client)
    # Without the confirmation box nothing happens.
    client.post(f"/gestion/resultats/{snapshot.pk}/publier/", {})
    assert selectors.published_result(snapshot.edition) is None
    done = client.post(f"/gestion/resultats/{snapshot.pk}/publier/", {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == "/resultats/2025/"
    assert selectors.published_result(snapshot.edition) == snapshot
    listing = text(client.get("/gestion/resultats/?edition=2025"))
    assert "Les résultats sont publiés" in listing and "Lancer un dépouillement" not in listing


def test_publication_refused_with_a_pending_review_keeps_the_preview(ballots, staff, after_vote):
    edition = ballots[0].edition
    snapshot = services.tally_run(edition=edition, by=staff)
    IdentityReview.objects.create(edition=edition, identity_key="k")
    client = signed_in(staff)
    page = text(client.get(f"/gestion/resultats/{snapshot.pk}/"))
    assert "reste à trancher" in page and "Publier les résultats" not in page
    confirm_password(client)
    response = client.post(f"/gestion/resultats/{snapshot.pk}/publier/", {"confirm": "1"})
    assert response.status_code == 409 and "reste à trancher" in text(response)
    assert selectors.published_result(edition) is None


def test_the_count_and_its_publication_name_who_did_them(ballots, staff, after_vote):
    snapshot = services.tally_run(edition=ballots[0].edition, by=staff)
    client = signed_in(staff)
    listing = text(client.get("/gestion/resultats/?edition=2025"))
    assert f"<td>{staff.display_name}</td>" in listing and staff.email not in listing
    confirm_password(client)
    client.post(f"/gestion/resultats/{snapshot.pk}/publier/", {"confirm": "1"})
    page = text(client.get(f"/gestion/resultats/{snapshot.pk}/"))
    assert f"<dd>{staff.display_name}</dd>" in page and f"({staff.display_name})" in page
    assert staff.email not in page


def test_no_count_button_during_the_vote(ballots, staff):
    client = signed_in(staff)
    with time_machine.travel(DURING_VOTE, tick=False):
        page = text(client.get("/gestion/resultats/?edition=2025"))
        assert "Lancer un dépouillement" not in page and "Le vote est ouvert" in page
        response = client.post("/gestion/resultats/?edition=2025")
        assert response.status_code == 302
    assert not ResultSnapshot.objects.exists()


# --- Commands -----------------------------------------------------------------------------------


def test_tally_command_prints_json_and_stores_a_snapshot(ballots, after_vote, capsys):
    call_command("tally", "--edition", "2025", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:4] == ["rule", "budget", "selected", "total_cost"]
    assert data["rule"] == "envelopes" and data["budget"] == "50000"
    snapshot = ResultSnapshot.objects.get()
    assert data["selected"] == snapshot.outcome["selected"]
    assert data["ballots_sha256"] == snapshot.ballots_sha256 and snapshot.run_by is None


def test_tally_command_text(ballots, after_vote, capsys):
    call_command("tally", "--edition", "2025")
    out = capsys.readouterr().out
    assert "Recyclerie" in out and "Règle : envelopes" in out and "SHA-256" in out


@pytest.mark.parametrize("year", ["2025", "1999"])
def test_tally_command_refuses_with_exit_2(ballots, year, capsys):
    with time_machine.travel(DURING_VOTE, tick=False), pytest.raises(SystemExit) as exit:
        call_command("tally", "--edition", year)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("vote est ouvert" in err or "aucune édition" in err)


def test_pb_export_writes_valid_ballots_anonymised(ballots, projects, after_vote, tmp_path):
    target = tmp_path / "bulletins.pb"
    call_command(
        "pb", "export", "--edition", "2025", "-o", str(target), "--age-band", "--territory"
    )
    election = pabulib.read(target)
    assert len(election.votes) == 7
    assert {v.fields["age_band"] for v in election.votes} <= {"25-39", "40-59"}
    assert all(v.fields["territory"] for v in election.votes)
    assert [p.id for p in election.projects] == [str(p.pk) for p in projects]
    assert election.meta["vote_type"] == "approval"
    envelopes = json.loads(election.meta["budget_per_category"])
    assert list(envelopes) == ["Innovation sociale", "Coopération"]
    # The exported file recomputes the same result as the platform.
    snapshot = services.tally_run(edition=ballots[0].edition, by=None)
    from budgetcitoyen.tally import cli

    args = [str(target), "--rule", "pas-de-calais", "--format", "json"]
    for category, amount in envelopes.items():
        args += ["--envelope", f"{category}={amount}"]
    _command, outcome, _election = cli.run(args)
    assert outcome.selected == snapshot.outcome["selected"]


def test_pb_export_to_stdout_and_pb_tally_through_the_command(
    ballots, after_vote, capsys, tmp_path
):
    call_command("pb", "export", "--edition", "2025")
    text_out = capsys.readouterr().out
    assert text_out.startswith("META")
    path = tmp_path / "b.pb"
    path.write_text(text_out, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "budgetcitoyen", "pb", "tally", str(path), "--rule", "greedy"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "Règle : greedy" in done.stdout


def test_publish_results_command(ballots, capsys):
    edition = ballots[0].edition
    with time_machine.travel(edition.results_at, tick=False):
        call_command("publish_results")
    assert "2025 : résultats publiés." in capsys.readouterr().out
