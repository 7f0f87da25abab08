"""A dump of the database, restored into an empty one, counts the same (PostgreSQL only).

The short form of ``bench/backup_restore.py`` (which builds the demo in scratch databases and
is run by hand): here the demo already built for the tests is committed to the test database,
counted, dumped with ``pg_dump``, restored with ``pg_restore`` into a new empty database, and
counted there by the ``budgetcitoyen tally`` command, as an operator would after a restore.
"""

from __future__ import annotations

import subprocess

import psycopg
import pytest
from django.db import connection

from bench.backup_restore import count, facts, platform_env
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results import services
from budgetcitoyen.testing.dbsnapshot import restore
from budgetcitoyen.testing.servers import database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's"),
]


def test_a_restored_dump_holds_the_same_data_and_counts_the_same(demo_built, tmp_path):
    restore(demo_built.snapshot)
    snapshot = services.tally_run(edition=Edition.objects.get(year=2025), by=None)
    server, name = database_url().rsplit("/", 1)
    restored = f"{name}_restored"
    before = facts(server, name)
    dump = tmp_path / "budgetcitoyen.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", database_url()],
        check=True,
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--exit-on-error", "--no-owner", f"--dbname={server}/{restored}", dump],
            check=True,
        )
        assert facts(server, restored) == before
        assert int(before["table voting_ballot, lignes"]) > 0
        assert "False" not in before.values()  # every stored ballots file matches its SHA-256
        recount = count(platform_env(server, restored, tmp_path, debug=False), server, restored)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    assert recount["fingerprint"] == snapshot.outcome["fingerprint"]
    assert recount["selected"] == snapshot.outcome["selected"]
    assert recount["voters"] == snapshot.voters
