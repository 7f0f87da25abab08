"""``budgetcitoyen tally`` against PostgreSQL holding 1,000,000 ballots (run by hand).

    .venv/bin/python bench/bench_database.py [--ballots 1000000] [--rebuild] [--runs 3]
        [--baseline ../other-checkout]

Creates (once) a separate database ``budgetcitoyen_bench`` (``BENCH_DATABASE_URL``) with an
edition of 150 projects in 3 categories and a million valid approval ballots (one project per
category, written with COPY), then times the real command end to end, as a user runs it:
``budgetcitoyen tally --edition 2024 --format json`` in a new process. ``--baseline`` times
another checkout of the project in the same run, alternating with this one, and prints the
ratio. Target: ≤ 2 s (docs/PERFORMANCE.md). Every run also checks that a recount gives the
same SHA-256.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/budgetcitoyen_bench"
)
YEAR = 2024
# The commands run as installed: pip compiles the bytecode of what it installs, so a user's
# process does not compile Django and the project from source at every start (which this
# environment's PYTHONDONTWRITEBYTECODE would make them do). The cache is the bench's own.
PYCACHE = Path(tempfile.gettempdir()) / "budgetcitoyen-bench-pycache"


def child_env() -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DEBUG": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def setup_django(rebuild: bool) -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetcitoyen.settings")
    import psycopg

    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        exists = db.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_URL.rsplit("/", 1)[1]]
        ).fetchone()
        if exists and rebuild:
            db.execute(f'DROP DATABASE "{DATABASE_URL.rsplit("/", 1)[1]}"')
        if rebuild or not exists:
            db.execute(f'CREATE DATABASE "{DATABASE_URL.rsplit("/", 1)[1]}"')
    import django

    django.setup()


def build(ballot_count: int) -> None:
    from django.db import connection, transaction

    from bench import instances
    from budgetcitoyen.territories.models import Commune, Territory
    from budgetcitoyen.territories.services import load_reference
    from budgetcitoyen.testing.cast import make_persona
    from budgetcitoyen.testing.factories import (
        CategoryFactory,
        ComptoirFactory,
        EditionFactory,
        labelled_project,
    )

    if not Commune.objects.exists():
        load_reference()
    print(f"  création de l'édition {YEAR} : 150 projets en 3 catégories…")
    with transaction.atomic():
        edition = EditionFactory(year=YEAR)
        edition.vote_rule = "one_per_category"
        edition.save()
        model = instances.projects(150, categories=3)
        categories = {}
        for i in (1, 2, 3):
            name = f"Catégorie {i}"
            envelope = instances.budget([p for p in model if p.category == name])
            categories[name] = CategoryFactory(
                edition=edition, name=name, priority=i, envelope=Decimal(int(envelope))
            )
        comptoir = ComptoirFactory(edition=edition)
        pk_of = {}
        for p in model:
            decision = labelled_project(
                edition,
                category=categories[p.category or ""],
                amount=Decimal(int(p.cost)),
                title=f"Projet {p.id}",
                comptoir=comptoir,
            )
            pk_of[p.id] = decision.pk
        agent = make_persona("agent")
    ballots = instances.one_per_category_ballots(model, ballot_count)
    commune = Commune.objects.get(insee_code="62041")
    territory = Territory.objects.first()
    print(f"  écriture de {ballot_count:,} bulletins (COPY)…")
    start = time.perf_counter()
    columns = (
        "created_at, updated_at, last_name, first_name, other_first_names, birth_date, "
        "commune_id, postal_code, edition_id, channel, status, receipt_hash, identity_key, "
        "age_band, territory_id, cast_at, entered_by_id, collection_point, collected_on, "
        "choices_signature, choices_text, line_id"
    )
    bands = ["18-24", "25-39", "40-59", "60-74", "75+"]
    cast_at = edition.vote_start.isoformat()
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY voting_ballot ({columns}) FROM STDIN") as copy:
            for i, ballot in enumerate(ballots):
                text = ",".join(f"{pk}:1" for pk in sorted(pk_of[p] for p in ballot))
                signature = hashlib.sha256(text.encode()).hexdigest()
                copy.write_row(
                    (
                        cast_at,
                        cast_at,
                        f"Votant{i}",
                        "Camille",
                        "",
                        date(1980, 1, 1),
                        commune.pk,
                        "62000",
                        edition.pk,
                        "paper",
                        "valid",
                        f"{i:064x}",
                        f"bench|{i}",
                        bands[i % 5],
                        territory.pk,
                        cast_at,
                        agent.pk,
                        "Banc d'essai",
                        date(YEAR, 9, 10),
                        signature,
                        text,
                        # A keyed hash of a receipt in real life: spread the same way.
                        hashlib.blake2b(str(i).encode(), digest_size=8).hexdigest(),
                    )
                )
        cursor.execute(
            "SELECT id FROM voting_ballot WHERE edition_id = %s ORDER BY id", [edition.pk]
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(
            "COPY voting_ballotchoice (ballot_id, project_id, points, position) FROM STDIN"
        ) as copy:
            for ballot_id, ballot in zip(ids, ballots, strict=True):
                for position, project in enumerate(ballot, start=1):
                    copy.write_row((ballot_id, pk_of[project], 1, position))
        cursor.execute("ANALYZE voting_ballot")
        cursor.execute("ANALYZE voting_ballotchoice")
    raw.commit()
    print(f"  écrits en {time.perf_counter() - start:.1f} s")


def run_tally(checkout: Path) -> tuple[float, float, dict[str, object]]:
    """``budgetcitoyen tally --edition YEAR --format json`` in a new process, with the code of
    ``checkout`` (``python -m`` from there, whatever the venv's editable install points to):
    wall time, CPU time of the process, its JSON output."""
    env = child_env()
    command = [sys.executable, "-m", "budgetcitoyen", "tally", "--edition", str(YEAR)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--format", "json"],
        env=env,
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        print(done.stderr)
        raise SystemExit(done.returncode)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, json.loads(done.stdout)


def start_up(checkout: Path) -> float:
    """Django's start-up as the command pays it: ``budgetcitoyen tally --help``."""
    env = child_env()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "budgetcitoyen", "tally", "--help"],
        env=env,
        cwd=checkout,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start


def measure(runs: int, baseline: Path | None) -> None:
    from budgetcitoyen.voting.models import Ballot

    count = Ballot.objects.filter(edition__year=YEAR, status="valid").count()
    print(f"budgetcitoyen tally --edition {YEAR} --format json ({count:,} bulletins valides)")
    checkouts = [("ce code", ROOT)] + ([("référence", baseline)] if baseline else [])
    for _name, checkout in checkouts:
        start_up(checkout)  # compiles the bytecode once, as an installation does
    times: dict[str, list[float]] = {name: [] for name, _ in checkouts}
    digests: dict[str, set[str]] = {name: set() for name, _ in checkouts}
    selections: dict[str, set[tuple[str, ...]]] = {name: set() for name, _ in checkouts}
    for attempt in range(1, runs + 1):
        for name, checkout in checkouts:  # side by side, alternating
            elapsed, cpu, data = run_tally(checkout)
            times[name].append(elapsed)
            digests[name].add(str(data["ballots_sha256"]))
            selections[name].add(tuple(data["selected"]))  # type: ignore[arg-type]
            print(
                f"  essai {attempt}, {name:<9} : {elapsed:6.2f} s de bout en bout, "
                f"{cpu:5.2f} s de CPU du processus (cible ≤ 2 s)"
            )
    for name, _checkout in checkouts:
        ordered = sorted(times[name])
        print(
            f"  {name:<9} : médiane {ordered[len(ordered) // 2]:.2f} s "
            f"(de {ordered[0]:.2f} à {ordered[-1]:.2f}) ; "
            f"{len(digests[name])} empreinte(s) SHA-256 différente(s) en {runs} dépouillements"
        )
    if baseline:
        ratio = sorted(times["référence"])[runs // 2] / sorted(times["ce code"])[runs // 2]
        same = "identique" if selections["ce code"] == selections["référence"] else "DIFFÉRENTE"
        print(f"  → {ratio:.1f} fois plus rapide que la référence ; sélection {same}")
    print(f"  démarrage de Django (tally --help) : {start_up(ROOT):.2f} s")

    from budgetcitoyen.editions.models import Edition
    from budgetcitoyen.results import counting

    edition = Edition.objects.get(year=YEAR)
    with counting.many_objects():
        parts(counting, edition)


def parts(counting: Any, edition: Any) -> None:
    """The count's parts timed in this process, as ``results.services.tally_run`` runs them."""
    start = time.perf_counter()
    counted = counting.count(edition)
    grouped = time.perf_counter()
    outcome = counting.run_rule(counted)
    ruled = time.perf_counter()
    text = counting.pb_text(counted, outcome).encode()
    digest = hashlib.sha256(text).hexdigest()
    exported = time.perf_counter()
    gzip.compress(text, compresslevel=1, mtime=0)
    compressed = time.perf_counter()
    counted.fingerprint()
    fingerprinted = time.perf_counter()
    print(
        f"  dans le processus : regroupement SQL {grouped - start:.2f} s "
        f"({len(counted.groups):,} bulletins distincts), règle {ruled - grouped:.2f} s, "
        f"export .pb et SHA-256 {exported - ruled:.2f} s ({len(text) / 1e6:.0f} Mo, "
        f"{digest[:12]}…), gzip {compressed - exported:.2f} s, "
        f"empreinte des données {fingerprinted - compressed:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="dépouillements mesurés")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="une autre copie du projet (par exemple une version antérieure) mesurée côte à "
        "côte, pour un rapport de vitesse sur la même machine au même moment",
    )
    options = parser.parse_args()
    setup_django(options.rebuild)
    from django.core.management import call_command

    from budgetcitoyen.voting.models import Ballot

    call_command("migrate", verbosity=0)
    if not Ballot.objects.filter(edition__year=YEAR).exists():
        build(options.ballots)
    measure(options.runs, options.baseline)


if __name__ == "__main__":
    main()
