"""A voter finds their own ballot in the published file, from their receipt code alone: with
the documented standard command (openssl, grep), with ``budgetcitoyen pb find-ballot``, and on
``/verifier-mon-vote/``; before publication the key and the lines are nowhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from budgetcitoyen.results import services
from budgetcitoyen.tally import cli as tally_cli
from budgetcitoyen.tally import pabulib
from budgetcitoyen.testing.factories import verified_person
from budgetcitoyen.voting import ballotlines
from budgetcitoyen.voting import services as voting
from budgetcitoyen.voting.tests.conftest import identity

from .conftest import DURING_VOTE

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PICKS = [(0, 1, 3), (0, 1, 3), (0, 1, 4), (0, 1), (0, 3, 4), (2,), (4,)]


def cast_with_code(edition, projects, picks, person):  # type: ignore[no-untyped-def]
    user = verified_person(email=f"votant{person}@exemple.fr")
    with time_machine.travel(DURING_VOTE, tick=False):
        voting.declaration_save(
            edition=edition,
            user=user,
            sworn=True,
            **identity(
                last_name=f"Votant{'x' * person}", birth_date=date(1980, 1, 1 + person % 28)
            ),
        )
        return voting.ballot_cast(
            edition=edition, user=user, choices=[projects[i].pk for i in picks]
        )


@pytest.fixture
def cast_ballots(approval_edition, projects):
    """Seven ballots with their receipt codes (shown once, at cast)."""
    return [cast_with_code(approval_edition, projects, p, i) for i, p in enumerate(PICKS)]


@pytest.fixture
def published_file(cast_ballots, staff, after_vote, client, tmp_path):
    """The result published, and its ballots file downloaded as anyone downloads it."""
    edition = cast_ballots[0][0].edition
    snapshot = services.publish(snapshot=services.tally_run(edition=edition, by=staff), by=staff)
    response = client.get(reverse("results:ballots", args=[edition.year]))
    assert response.status_code == 200
    path = tmp_path / f"budget-citoyen-{edition.year}.pb"
    path.write_bytes(response.content)
    return snapshot, path


def _choices_of(ballot) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(str(c.project_id) for c in ballot.choices.all())


def test_a_ballot_line_id_is_the_keyed_hash_of_its_receipt(cast_ballots):
    ballot, code = cast_ballots[2]
    key = voting.ballot_key(ballot.edition)
    assert ballot.line_id == ballotlines.line_id(key, code)
    # However the voter types it back: dashes, lower case, O for 0.
    typed = voting.format_receipt(code).lower().replace("0", "o")
    assert ballotlines.line_id(key, typed) == ballot.line_id
    assert len({b.line_id for b, _code in cast_ballots}) == len(cast_ballots)
    # The receipt code itself is stored nowhere, only its SHA-256 and the line id.
    assert code not in (ballot.receipt_hash, ballot.line_id, ballot.choices_text)


def test_another_edition_gives_the_same_receipt_another_line_id(cast_ballots):
    ballot, code = cast_ballots[0]
    other = ballotlines.edition_key("secret", ballot.edition.year + 1)
    assert ballotlines.line_id(other, code) != ballot.line_id


def test_the_key_is_published_with_the_results(published_file, client):
    snapshot, path = published_file
    key = voting.ballot_key(snapshot.edition)
    assert snapshot.outcome["ballot_key"] == key
    assert ballotlines.meta_key(path.read_text()) == key
    year = snapshot.edition.year
    assert client.get(reverse("results:json", args=[year])).json()["ballot_key"] == key
    page = client.get(reverse("results:edition", args=[year])).content.decode()
    assert key in page and "pb find-ballot" in page


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
def test_a_voter_finds_exactly_their_ballot_with_openssl_and_grep(published_file, cast_ballots):
    """The "done when" of the feature: the documented command, run as a voter runs it."""
    _snapshot, path = published_file
    key = ballotlines.meta_key(path.read_text())
    ballot, code = cast_ballots[4]
    digest = subprocess.run(
        ["sh", "-c", ballotlines.openssl_command(key, voting.normalise_receipt(code))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line_id = digest.strip().rsplit(" ", 1)[-1][:16]
    found = subprocess.run(
        ["grep", f"^{line_id};", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(found) == 1
    voter_id, vote = found[0].split(";")
    assert voter_id == ballot.line_id
    assert sorted(vote.split(",")) == _choices_of(ballot)


def test_a_voter_finds_their_ballot_with_the_command_line_tool(published_file, cast_ballots):
    _snapshot, path = published_file
    ballot, code = cast_ballots[0]
    # The console script, in a new process without Django settings or database.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "budgetcitoyen",
            "pb",
            "find-ballot",
            str(path),
            "--receipt",
            voting.format_receipt(code).lower(),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = path.read_text().splitlines()
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"identifiant {ballot.line_id} : ligne ")
    number = int(first.split("ligne ")[1].split()[0])
    assert lines[number - 1].startswith(f"{ballot.line_id};")
    projects = done.stdout.splitlines()[1].removeprefix("projets : ").split(",")
    assert sorted(projects) == _choices_of(ballot)


def test_the_tool_says_when_no_line_matches_and_refuses_a_bad_code(
    published_file, capsys, tmp_path
):
    _snapshot, path = published_file
    assert ballotlines.main([str(path), "--receipt", "0000-0000-0000-0000"]) == 1
    assert "aucune ligne" in capsys.readouterr().out
    assert ballotlines.main([str(path), "--receipt", "ABC"]) == 2
    assert "16 caractères" in capsys.readouterr().err
    assert ballotlines.main([str(tmp_path / "absent.pb"), "--receipt", "ABC"]) == 2
    assert ballotlines.main([str(path), "--receipt", "0" * 16, "--key", "zz"]) == 2


def test_the_file_still_recounts_to_the_published_result(published_file):
    snapshot, path = published_file
    election = pabulib.read(path)
    assert len(election.votes) == snapshot.voters == len(PICKS)
    assert [v.voter_id for v in election.votes] == sorted(v.voter_id for v in election.votes)
    _text, outcome, _election = tally_cli.run(
        [str(path), "--rule", "envelopes"]
        + [f"--envelope={e['category']}={e['amount']}" for e in snapshot.outcome["envelopes"]]
    )
    assert outcome.selected == snapshot.outcome["selected"]


def test_the_verify_page_shows_the_line_once_published(published_file, cast_ballots, client):
    snapshot, path = published_file
    ballot, code = cast_ballots[1]
    response = client.post(reverse("voting:verify"), {"code": code})
    page = response.content.decode()
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith(f"{ballot.line_id};"))
    assert f"Votre bulletin est la ligne {number} du fichier publié" in page
    assert f"(identifiant {ballot.line_id})" in page
    assert reverse("results:ballots", args=[snapshot.edition.year]) in page
    assert snapshot.outcome["ballot_key"] in page
    for choice in ballot.choices.select_related("project"):
        assert choice.project.public_title in page


def test_the_verify_page_before_the_results_promises_the_line(cast_ballots, client):
    ballot, code = cast_ballots[1]
    with time_machine.travel(DURING_VOTE, tick=False):
        page = client.post(reverse("voting:verify"), {"code": code}).content.decode()
    assert "Une fois les résultats publiés, vous retrouverez ici la ligne" in page
    assert ballot.line_id not in page
    assert voting.ballot_key(ballot.edition) not in page


def test_a_ballot_not_counted_is_not_in_the_file(cast_ballots, staff, after_vote, client):
    from budgetcitoyen.voting.models import Ballot

    ballot, code = cast_ballots[3]
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.ANNULLED)
    snapshot = services.publish(
        snapshot=services.tally_run(edition=ballot.edition, by=staff), by=staff
    )
    assert ballot.line_id.encode() not in snapshot.ballots_pb()
    page = client.post(reverse("voting:verify"), {"code": code}).content.decode()
    assert "il ne figure pas dans le fichier publié" in page
