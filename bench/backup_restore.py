"""Backups are tested: dump a database holding a counted edition, restore it into an empty
database, count again there, and compare (run by hand, or from cron on a spare machine).

    .venv/bin/python bench/backup_restore.py [--name budgetcitoyen_backup_check] [--keep]

On the PostgreSQL server of ``--server`` (default: the local one, user postgres) it creates a
scratch database ``NAME``, builds the demo's 2025 edition there (``budgetcitoyen demo
--no-serve --size small``: comptoirs, dossiers, labelling, online and paper ballots, count
and publication), counts it (``budgetcitoyen tally --edition 2025 --format json``), dumps it
with ``pg_dump --format=custom``, restores the dump into a new empty database ``NAME_restored``
with ``pg_restore``, and counts there. It compares the two counts (every figure of the outcome,
the trace, the SHA-256 of the anonymised ballots), the published result (its snapshot's
SHA-256) and the row count of every table, prints what it did, and exits with 1 on any
difference (2 when a step fails). Both databases are dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025


def run(command: list[str], env: dict[str, str] | None = None) -> str:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"ÉCHEC : {' '.join(command)}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        sys.exit(2)
    print(f"  ok ({time.perf_counter() - started:.1f} s) : {' '.join(command[:4])}…")
    return done.stdout


def psql(server: str, sql: str) -> str:
    return run(["psql", "-q", "-At", "-v", "ON_ERROR_STOP=1", f"{server}/postgres", "-c", sql])


def platform_env(server: str, database: str, var_dir: Path, *, debug: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CACHE_BACKEND", "BUDGETCITOYEN_TODAY", "WEB_CONCURRENCY")
    }
    env.update(
        DATABASE_URL=f"{server}/{database}",
        BUDGETCITOYEN_VAR_DIR=str(var_dir),
        DEBUG="1" if debug else "0",
        SECRET_KEY="backup-check-throwaway-key-never-used-to-serve",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def budgetcitoyen(env: dict[str, str], *args: str) -> str:
    return run([sys.executable, "-m", "budgetcitoyen", *args], env=env)


def count(env: dict[str, str], server: str, database: str) -> dict[str, Any]:
    """``budgetcitoyen tally`` as an operator runs it, with the fingerprint of its snapshot.

    The SHA-256 of the anonymised ballots file differs from one count to the next by design
    (each count draws the voters' random ids afresh), so the two counts are compared by
    everything else they print and by the fingerprint the snapshot stores: the digest of the
    ballots, projects and rule settings the result was computed from.
    """
    import psycopg

    data: dict[str, Any] = json.loads(
        budgetcitoyen(env, "tally", "--edition", str(YEAR), "--format", "json")
    )
    snapshot = data.pop("snapshot")
    data.pop("ballots_sha256")
    with psycopg.connect(f"{server}/{database}") as db:
        row = db.execute(
            "SELECT outcome->>'fingerprint' FROM results_resultsnapshot WHERE id = %s", [snapshot]
        ).fetchone()
    data["fingerprint"] = row[0] if row else None
    return data


def facts(server: str, database: str) -> dict[str, str]:
    """What must survive a restore: the rows of every table, a digest of every ballot and its
    choices, and each stored count: its fingerprint, and whether its stored ballots file still
    has the SHA-256 recorded for it."""
    import psycopg

    found: dict[str, str] = {}
    with psycopg.connect(f"{server}/{database}") as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        for table in tables:
            (rows,) = db.execute(f'SELECT count(*) FROM "{table}"').fetchone() or (0,)
            found[f"table {table}, lignes"] = str(rows)
        (digest,) = db.execute(
            "SELECT encode(sha256(convert_to(coalesce(string_agg(concat_ws(':', b.id, b.status,"
            " b.choices_signature, b.identity_key, c.choices), ',' ORDER BY b.id), ''),"
            " 'UTF8')), 'hex') FROM voting_ballot b LEFT JOIN (SELECT ballot_id,"
            " string_agg(concat_ws('.', project_id, points, position), ' ' ORDER BY position)"
            " AS choices FROM voting_ballotchoice GROUP BY ballot_id) c ON c.ballot_id = b.id"
        ).fetchone() or ("",)
        found["SHA-256 des bulletins et de leurs choix"] = digest
        for pk, recorded, stored, fingerprint, published in db.execute(
            "SELECT id, ballots_sha256, ballots_file, outcome->>'fingerprint', published_at"
            " FROM results_resultsnapshot ORDER BY id"
        ):
            actual = hashlib.sha256(gzip.decompress(bytes(stored))).hexdigest()
            label = f"dépouillement n° {pk}{' (publié)' if published else ''}"
            found[f"{label}, empreinte du calcul"] = fingerprint
            found[f"{label}, SHA-256 enregistrée"] = recorded
            found[f"{label}, fichier des bulletins conforme à sa SHA-256"] = str(actual == recorded)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--name", default="budgetcitoyen_backup_check")
    parser.add_argument("--keep", action="store_true", help="keep both databases and the dump")
    options = parser.parse_args()
    server, source, restored = options.server, options.name, f"{options.name}_restored"
    work = Path(tempfile.mkdtemp(prefix="budgetcitoyen-backup-"))
    dump = work / f"{source}.dump"
    print(f"Bases de travail : {source}, {restored} ; fichiers : {work}")
    for name in (source, restored):
        psql(server, f'DROP DATABASE IF EXISTS "{name}"')
    try:
        print(f"1. Une édition complète dans {source} (démonstration, petite taille)")
        psql(server, f'CREATE DATABASE "{source}"')
        budgetcitoyen(
            platform_env(server, source, work / "var", debug=True),
            "demo",
            "--no-serve",
            "--size",
            "small",
        )
        print("2. Dépouillement de la base d'origine")
        before = count(platform_env(server, source, work / "var", debug=False), server, source)
        facts_before = facts(server, source)
        print(f"3. Sauvegarde : pg_dump --format=custom → {dump.name}")
        run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"{server}/{source}"])
        print(f"   {dump.stat().st_size / 1e6:.1f} Mo")
        print(f"4. Restauration dans une base vide {restored} : pg_restore")
        psql(server, f'CREATE DATABASE "{restored}"')
        run(
            [
                "pg_restore",
                "--exit-on-error",
                "--no-owner",
                f"--dbname={server}/{restored}",
                str(dump),
            ]
        )
        facts_after = facts(server, restored)
        print("5. Nouveau dépouillement dans la base restaurée")
        after = count(platform_env(server, restored, work / "var", debug=False), server, restored)
        # Both tables were read before the restored database's own recount added its snapshot.
        problems = [
            f"{item} : {facts_before[item]} avant, {facts_after.get(item)} après"
            for item in facts_before
            if facts_before[item] != facts_after.get(item)
        ]
        problems += [
            f"dépouillement : « {key} » diffère"
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]
        problems += [item for item, value in facts_after.items() if value == "False"]
        ballots = facts_before.get("table voting_ballot, lignes", "?")
        digest = facts_before["SHA-256 des bulletins et de leurs choix"]
        print(f"   bulletins : {ballots} ; SHA-256 des bulletins et de leurs choix : {digest}")
        print(
            f"   empreinte du calcul : avant {before['fingerprint']}, après {after['fingerprint']}"
        )
        print(
            f"   comparés : {len(facts_before)} faits de la base (lignes de chaque table, "
            f"dépouillements enregistrés et fichiers de bulletins), {len(before)} éléments du "
            "dépouillement (lauréats, voix, montants, trace)"
        )
        if problems:
            print("DIFFÉRENCES :\n  " + "\n  ".join(problems))
            return 1
        print("Identique : la base restaurée donne le même dépouillement, la même empreinte.")
        return 0
    finally:
        if not options.keep:
            for name in (source, restored):
                psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            dump.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
