"""Server time of the public pages, cold and warm page cache (run by hand).

    .venv/bin/python bench/bench_pages.py [--requests 300] [--cache database,redis,memory]

Creates a fresh PostgreSQL database ``budgetcitoyen_bench_pages`` (dropped at the end) holding
an edition whose vote is open now with 200 published projects, and the previous edition with
200 projects and its published result; then, DEBUG off and through the whole middleware stack
(Django's test client, no network), times each page for an anonymous reader: the catalogue
``/projets/`` (random order, one visitor's cookie), a project page, the home page and the
results page. For each cache backend asked, it prints p50/p95/p99 of the server time, the
bytes and SQL queries of one response, cold (the page cache invalidated before every request:
each request renders the page) and warm (served from the page cache), and their ratio.
Targets (docs/PERFORMANCE.md): the catalogue p50 < 15 ms, p99 < 40 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "budgetcitoyen_bench_pages"
PROJECTS = 200


def setup_django() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        db.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ.update(
        {
            "DATABASE_URL": f"{SERVER}/{DATABASE}",
            "DEBUG": "0",
            "SECRET_KEY": "bench-pages-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "testserver",
            "DB_CONN_MAX_AGE": "600",
            "CACHE_BACKEND": "database",
            "DJANGO_SETTINGS_MODULE": "budgetcitoyen.settings",
            # Static files with their manifest, as in production (collected below).
            "BUDGETCITOYEN_VAR_DIR": tempfile.mkdtemp(prefix="bench-pages-"),
        }
    )
    os.environ.pop("BUDGETCITOYEN_TODAY", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def drop_database() -> None:
    import shutil

    import psycopg
    from django.conf import settings
    from django.db import connections

    shutil.rmtree(settings.VAR_DIR, ignore_errors=True)

    connections.close_all()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def _calendar(year: int, vote_start: datetime) -> dict[str, object]:
    """An edition's dates around ``vote_start`` (the 2025 calendar's spacing)."""
    day = timedelta(days=1)
    return {
        "year": year,
        "comptoirs_start": vote_start - 238 * day,
        "comptoirs_end": vote_start - 172 * day,
        "deposit_start": vote_start - 213 * day,
        "deposit_end": vote_start - 180 * day,
        "labelling_start": vote_start - 62 * day,
        "labelling_end": vote_start,
        "vote_start": vote_start,
        "vote_end": vote_start + 30 * day,
        "results_at": vote_start + 80 * day,
    }


def build() -> dict[str, str]:
    """The two editions; returns the URLs to time."""
    from django.db import transaction
    from django.utils import timezone

    from budgetcitoyen.editions.models import Edition
    from budgetcitoyen.results import services as results
    from budgetcitoyen.territories.models import Territory
    from budgetcitoyen.territories.services import load_reference
    from budgetcitoyen.testing.cast import make_persona
    from budgetcitoyen.testing.factories import (
        CategoryFactory,
        ComptoirFactory,
        EditionFactory,
        labelled_project,
    )

    load_reference()
    territories = list(Territory.objects.order_by("pk"))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    editions: dict[int, Edition] = {}
    for year, vote_start in ((now.year - 1, now - timedelta(days=400)), (now.year, now)):
        vote_start = vote_start - timedelta(days=3)
        print(f"  édition {year} : {PROJECTS} projets en 3 catégories…", flush=True)
        with transaction.atomic():
            edition: Edition = EditionFactory(**_calendar(year, vote_start))  # type: ignore[assignment]
            categories = [
                CategoryFactory(
                    edition=edition,
                    name=name,
                    priority=i + 1,
                    envelope=Decimal("300000"),
                    max_amount_per_project=Decimal("20000"),
                )
                for i, name in enumerate(
                    ["Innovation sociale", "Coopération", "Pratiques de l'ESS"]
                )
            ]
            comptoir = ComptoirFactory(edition=edition)
            for i in range(PROJECTS):
                labelled_project(
                    edition,
                    category=categories[i % 3],
                    amount=Decimal(5000 + 73 * i),
                    title=f"Projet solidaire numéro {i + 1}",
                    territory=territories[i % len(territories)],
                    comptoir=comptoir,
                )
        editions[year] = edition
    staff = make_persona("staff")
    snapshot = results.tally_run(edition=editions[now.year - 1], by=staff)
    results.publish(snapshot=snapshot, by=staff)
    from budgetcitoyen.labelling.models import Decision

    some_project = Decision.objects.filter(edition=editions[now.year]).order_by("pk")[PROJECTS // 2]
    return {
        "catalogue /projets/": "/projets/",
        "project /projets/<id>/": f"/projets/{some_project.pk}/",
        "home /": "/",
        f"results /resultats/{now.year - 1}/": f"/resultats/{now.year - 1}/",
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_page(url: str, requests: int, *, cold: bool) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from budgetcitoyen.core import pagecache

    client = Client()
    first = client.get(url, secure=True)  # the visitor's cookie (catalogue seed) is set here
    assert first.status_code == 200, (url, first.status_code)
    times = []
    for _ in range(requests):
        if cold:
            pagecache.clear()
            pagecache.invalidate()
        start = time.perf_counter()
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    if cold:
        pagecache.clear()
        pagecache.invalidate()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    query_count = len(queries.captured_queries)  # before the next request resets the log
    etag = response.get("ETag", "")
    not_modified = client.get(url, secure=True, headers={"if-none-match": etag}) if etag else None
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "bytes": len(response.content),
        "queries": query_count,
        "304": float(not_modified is not None and not_modified.status_code == 304),
    }


def cache_settings(name: str) -> dict[str, object]:
    location = {
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"},
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }[name]
    if name == "database":
        location["LOCATION"] = "budgetcitoyen_cache"
    if name == "redis":
        location["LOCATION"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    return {"default": location}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cache", default="database,redis")
    args = parser.parse_args()
    print(f"Base PostgreSQL {DATABASE}, DEBUG off, {args.requests} requêtes par mesure.")
    setup_django()
    try:
        from django.test.utils import override_settings

        urls = build()
        for backend in args.cache.split(","):
            with override_settings(CACHES=cache_settings(backend)):
                from django.core.cache import cache

                cache.clear()
                print(f"\nCache partagé : {backend}")
                print(
                    f"{'page':32} {'':5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
                    f"{'octets':>8} {'SQL':>4} {'304':>4}"
                )
                for label, url in urls.items():
                    rows = {
                        kind: time_page(url, args.requests, cold=kind == "cold")
                        for kind in ("cold", "warm")
                    }
                    for kind, row in rows.items():
                        print(
                            f"{label:32} {kind:5} {row['p50']:7.2f} {row['p95']:7.2f} "
                            f"{row['p99']:7.2f} {int(row['bytes']):8d} {int(row['queries']):4d} "
                            f"{'oui' if row['304'] else 'non':>4}"
                        )
                    ratio = rows["cold"]["p50"] / rows["warm"]["p50"]
                    print(f"{'':32} cold/warm p50 : {ratio:.1f}×")
    finally:
        drop_database()


if __name__ == "__main__":
    main()
