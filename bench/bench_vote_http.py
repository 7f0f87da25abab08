"""The vote through HTTP, against the stack's own ceiling measured in the same run (by hand).

    .venv/bin/python bench/bench_vote_http.py [--workers 3] [--worker-class sync]
        [--threads 1] [--concurrency 8] [--ballots 600] [--journeys 200] [--seconds 40]
        [--redis] [--rebuild]

One command, nothing to start beforehand but PostgreSQL (started if it is down, like .ci/run):
1. a template database ``bench_vote_template`` is built once (``--rebuild`` again): an edition
   whose vote is open, 200 labelled projects in 4 categories, the "coups de cœur 1 to 3" rule,
   and voters already signed in (accounts, sworn declarations, sessions);
2. each run copies it (``CREATE DATABASE … TEMPLATE``), creates the ceiling's database, starts
   an SMTP sink and two gunicorn servers on loopback: the ceiling (``bench/ceiling``: one view
   that inserts one row, persistent connections) and the platform on its defaults (DEBUG off,
   real CSRF, sessions, rate limits, the database cache unless ``--redis``), same workers;
3. an asyncio load generator (one connection per request, ``Connection: close``, each virtual
   voter with its own cookies and its own address in ``X-Forwarded-For`` as a proxy would
   send it) runs, one after the other: the ceiling, casting (signed-in voters: ballot page,
   summary, confirmation answered with the receipt), the ceiling again, the whole journey (code by email, sworn
   identity, ballot), the ceiling again;
4. it prints ballots/s, requests/s, p50/p95/p99 per step, errors, the load generator's CPU,
   worker RSS, the ratio to the ceiling, then the SQL queries of each step (counted in a
   separate process through Django's test client on the same database), and stops everything.

Bounded: each scenario stops at its count or after ``--seconds``. Figures: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
# The PostgreSQL server and the folder of the template's session keys: the machine's cluster by
# default; another script (bench/crash_restart.py) points both at a cluster of its own.
SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
TEMPLATE = "bench_vote_template"
RUN_DB = "bench_vote_run"
CEILING_DB = "bench_vote_ceiling"
SECRET_KEY = "bench-vote-http-not-secret"
STATE = Path(os.environ.get("BENCH_VOTE_STATE", Path(tempfile.gettempdir()) / "bench_vote"))
PROJECTS = 200
CATEGORIES = 4

# --- Building the template (runs in a child process with Django set up) ---------------------


def _letters(number: int) -> str:
    """A name made of letters only (identity rules refuse digits): 0 → "a", 27 → "bb"…"""
    text = ""
    number += 26
    while number:
        number, rest = divmod(number, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[rest] + text
    return text


def build_template(voters: int) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{TEMPLATE}"
    os.environ["SECRET_KEY"] = SECRET_KEY  # the sessions are signed with the platform's key
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetcitoyen.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import date
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings
    from django.utils import timezone

    from budgetcitoyen.accounts.models import User
    from budgetcitoyen.territories.models import Commune
    from budgetcitoyen.territories.services import load_reference
    from budgetcitoyen.testing.factories import (
        CategoryFactory,
        ComptoirFactory,
        EditionFactory,
        labelled_project,
    )
    from budgetcitoyen.voting.models import VoterDeclaration

    call_command("migrate", verbosity=0)
    load_reference()
    now = timezone.now()
    print(f"  modèle : {PROJECTS} projets, {voters} votants déjà connectés…", flush=True)
    # The factories give each project's holder a password; hashed with the real hasher, those
    # 200 passwords nobody types took three quarters of the build (a minute on two cores).
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        edition = EditionFactory(year=now.year, vote_rule="favourites")
        edition.vote_min_choices, edition.vote_max_choices = 1, 3
        edition.save()
        comptoir = ComptoirFactory(edition=edition)
        for c in range(CATEGORIES):
            category = CategoryFactory(
                edition=edition,
                name=f"Catégorie {c + 1}",
                priority=c + 1,
                envelope=Decimal(150_000),
                max_amount_per_project=Decimal(20_000),
            )
            for p in range(PROJECTS // CATEGORIES):
                labelled_project(
                    edition,
                    category=category,
                    amount=Decimal(5_000 + 250 * p),
                    title=f"Projet {c + 1}-{p + 1} : un jardin partagé pour le quartier",
                    comptoir=comptoir,
                )
        commune = Commune.objects.get(insee_code="62041")
        users = User.objects.bulk_create(
            User(
                email=f"votant{i}@bench.example",
                first_name="Camille",
                last_name=f"Votant {_letters(i)}",
                password="!unusable",
            )
            for i in range(voters)
        )
        VoterDeclaration.objects.bulk_create(
            VoterDeclaration(
                edition=edition,
                user=user,
                last_name=user.last_name,
                first_name="Camille",
                birth_date=date(1980, 1, 1),
                commune=commune,
                postal_code="62000",
                sworn_at=now,
            )
            for user in users
        )
        store = SessionStore()
        sessions, keys = [], []
        for user in users:
            key = store._get_new_session_key()
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(
                    session_key=key,
                    session_data=store.encode(data),
                    expire_date=now + timezone.timedelta(days=60),
                )
            )
            keys.append(key)
        Session.objects.bulk_create(sessions)
    STATE.mkdir(parents=True, exist_ok=True)
    (STATE / "sessions.json").write_text(json.dumps(keys))


# --- Counting the SQL queries of each step (child process, Django's test client) ------------


def count_queries() -> None:
    """One signed-in voter casting, one newcomer through the whole journey, queries per step."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core import mail
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    keys = json.loads((STATE / "sessions.json").read_text())
    counts: dict[str, int] = {}

    def step(client: Client, name: str, method: str, path: str, data: dict | None = None) -> str:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(
                path,
                data or {},
                HTTP_X_FORWARDED_PROTO="https",
                HTTP_X_FORWARDED_FOR=f"10.9.{random.randrange(255)}.{random.randrange(255)}",
            )
        counts[name] = len(queries)
        if response.status_code >= 400:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        return response.content.decode()

    def cast_steps(client: Client, prefix: str) -> None:
        page = step(client, f"{prefix}bulletin", "get", "/voter/bulletin/")
        chosen = random.sample(re.findall(r'name="projets"[^>]*? value="(\d+)"', page), 2)
        step(client, f"{prefix}récapitulatif", "post", "/voter/bulletin/", {"projets": chosen})
        step(
            client,
            f"{prefix}confirmation",
            "post",
            "/voter/bulletin/confirmer/",
            {"projets": chosen},
        )

    client = Client()
    client.cookies["sessionid"] = keys[-1]  # the one voter the load leaves out
    cast_steps(client, "")
    client = Client()
    email = f"requetes{random.randrange(10**9)}@bench.example"
    step(client, "connexion", "get", "/voter/connexion/")
    step(client, "envoi du code", "post", "/voter/connexion/", {"email": email})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[attr-defined]
    step(client, "page du code", "get", "/voter/connexion/code/")
    step(client, "saisie du code", "post", "/voter/connexion/code/", {"code": code})
    step(client, "identité", "get", "/voter/identite/")
    step(client, "déclaration", "post", "/voter/identite/", _identity(10**6 + 7))
    cast_steps(client, "parcours : ")
    print(json.dumps(counts))


def _identity(number: int) -> dict[str, str]:
    return {
        "last_name": f"Parcours {_letters(number)}",
        "first_name": "Dominique",
        "other_first_names": "",
        "birth_date": "14/07/1990",
        "commune": "Arras",
        "postal_code": "62000",
        "sworn": "on",
    }


# --- The load generator -------------------------------------------------------------------


@dataclass
class Result:
    status: int
    headers: dict[str, list[str]]
    body: bytes


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    done: int = 0


class Browser:
    """One virtual person: cookies, an address, and the steps it times."""

    def __init__(self, port: int, stats: Stats, address: str) -> None:
        self.port, self.stats, self.address = port, stats, address
        self.cookies: dict[str, str] = {}

    async def request(
        self, name: str, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> Result:
        body = urlencode(form or []).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Connection: close",
            "User-Agent: bench-vote",
            "Accept-Language: fr",
            "X-Forwarded-Proto: https",
            f"X-Forwarded-For: {self.address}",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: https://127.0.0.1:{self.port}",
                f"Referer: https://127.0.0.1:{self.port}{path}",
            ]
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await reader.read()
            writer.close()
        except OSError:
            self.stats.errors[name] += 1
            raise
        self.stats.latencies[name].append(time.perf_counter() - start)
        self.stats.requests += 1
        result = _parse(raw)
        for cookie in result.headers.get("set-cookie", []):
            pair = cookie.split(";", 1)[0]
            key, _eq, value = pair.partition("=")
            if value in ('""', ""):
                self.cookies.pop(key.strip(), None)
            else:
                self.cookies[key.strip()] = value.strip()
        if result.status >= 400:
            self.stats.errors[name] += 1
        return result


def _parse(raw: bytes) -> Result:
    head, _sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers: dict[str, list[str]] = defaultdict(list)
    for line in lines[1:]:
        key, _colon, value = line.partition(":")
        headers[key.strip().lower()].append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])):
        decoded, rest = b"", body
        while rest:
            size_line, _crlf, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if not size:
                break
            decoded, rest = decoded + rest[:size], rest[size + 2 :]
        body = decoded
    return Result(status, headers, body)


TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PROJECT = re.compile(rb'name="projets"[^>]*? value="(\d+)"')
RECEIPT = re.compile(rb'id="code-recu">([^<]+)<')


def _token(result: Result) -> str:
    found = TOKEN.search(result.body)
    if not found:
        raise RuntimeError(f"pas de jeton CSRF (HTTP {result.status})")
    return found.group(1).decode()


# As a browser running the ballot page's script votes: the summary is drawn on the page, so
# the ballot form goes straight to the confirmation (2 requests instead of 3). ``--javascript``.
WITH_SCRIPT = False


async def cast(browser: Browser, prefix: str = "", journal: dict | None = None) -> bool:
    """Ballot page, summary (unless ``WITH_SCRIPT``), confirmation (answered with the
    receipt): True when a receipt code was shown.

    ``journal``, if given, receives what the voter did and saw: ``step`` (the last step
    reached), ``choices`` (the project ids sent with the confirmation), ``confirmed`` (the
    confirmation was answered) and ``receipt`` (the code its answer showed).
    """
    journal = {} if journal is None else journal
    journal["step"] = "bulletin"
    page = await browser.request(f"{prefix}bulletin", "GET", "/voter/bulletin/")
    projects = PROJECT.findall(page.body)
    if page.status != 200 or not projects:
        return False
    chosen = [p.decode() for p in random.sample(projects, random.randint(1, 3))]
    form = [("csrfmiddlewaretoken", _token(page))] + [("projets", p) for p in chosen]
    if not WITH_SCRIPT:
        journal["step"] = "récapitulatif"
        summary = await browser.request(f"{prefix}récapitulatif", "POST", "/voter/bulletin/", form)
        if summary.status != 200:
            return False
        form = [("csrfmiddlewaretoken", _token(summary))] + [("projets", p) for p in chosen]
    journal["step"], journal["choices"] = "confirmation", [int(p) for p in chosen]
    done = await browser.request(
        f"{prefix}confirmation", "POST", "/voter/bulletin/confirmer/", form
    )
    found = RECEIPT.search(done.body)
    if done.status != 200 or not found:
        return False
    journal["step"], journal["confirmed"] = "reçu", True
    journal["receipt"] = found.group(1).decode().strip()
    return True


class Mailbox:
    """The codes the SMTP sink received, by address."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[str]] = {}

    def expect(self, address: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.waiting[address] = future
        return future

    async def read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            message = json.loads(line)
            for address in message.get("to", []):
                future = self.waiting.pop(address, None)
                if future and not future.done() and message.get("code"):
                    future.set_result(message["code"])


async def journey(browser: Browser, mailbox: Mailbox, number: int) -> bool:
    email = f"parcours{number}-{random.randrange(10**9)}@bench.example"
    page = await browser.request("connexion", "GET", "/voter/connexion/")
    code = mailbox.expect(email)
    sent = await browser.request(
        "envoi du code",
        "POST",
        "/voter/connexion/",
        [("csrfmiddlewaretoken", _token(page)), ("email", email)],
    )
    if sent.status != 302:
        return False
    page = await browser.request("page du code", "GET", "/voter/connexion/code/")
    received = await asyncio.wait_for(code, 20)
    signed = await browser.request(
        "saisie du code",
        "POST",
        "/voter/connexion/code/",
        [("csrfmiddlewaretoken", _token(page)), ("code", received)],
    )
    if signed.status != 302:
        return False
    page = await browser.request("identité", "GET", "/voter/identite/")
    form = [("csrfmiddlewaretoken", _token(page)), *_identity(number).items()]
    declared = await browser.request("déclaration", "POST", "/voter/identite/", form)
    if declared.status != 302:
        return False
    return await cast(browser, "parcours : ")


async def run_scenario(
    name: str, work, total: int, concurrency: int, seconds: float
) -> tuple[Stats, float, float]:
    """``work(index, stats)`` for index in range(total), ``concurrency`` at once, time-boxed."""
    stats = Stats()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(total):
        queue.put_nowait(index)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            try:
                index = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                if await work(index, stats):
                    stats.done += 1
                else:
                    stats.errors["parcours incomplet"] += 1
            except (TimeoutError, OSError, RuntimeError) as error:
                stats.errors[f"{type(error).__name__}"] += 1

    cpu = time.process_time()
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return stats, elapsed, (time.process_time() - cpu) / elapsed


# --- Servers ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _psql(sql: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as db:
        db.execute(sql)


def _ensure_postgres() -> None:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True
    )
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL ne répond pas.")


def open_vote(database: str) -> None:
    """The vote opened two days ago, whatever the day the template was built."""
    _psql(
        "UPDATE editions_edition SET comptoirs_start = now() - interval '200 days', "
        "comptoirs_end = now() - interval '150 days', deposit_start = now() - interval '180 days', "
        "deposit_end = now() - interval '140 days', labelling_start = now() - interval '100 days', "
        "labelling_end = now() - interval '3 days', vote_start = now() - interval '2 days', "
        "vote_end = now() + interval '28 days', results_at = now() + interval '40 days'",
        database,
    )


def _template_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        row = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone()
    return row is not None and (STATE / "sessions.json").exists()


def _gunicorn(
    app: str,
    port: int,
    env: dict[str, str],
    options: argparse.Namespace,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn in a process group of its own; its output appended to ``log`` if given."""
    command = [
        GUNICORN,
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(options.workers),
        "--worker-class",
        options.worker_class,
        "--threads",
        str(options.threads),
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    if log is None:
        return subprocess.Popen(command, env=env, start_new_session=True)
    with log.open("ab") as output:
        return subprocess.Popen(
            command, env=env, start_new_session=True, stdout=output, stderr=output
        )


def _wait_ready(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n".encode()
                )
                if sock.recv(12).split(b" ")[1:2] in ([b"200"], [b"302"]):
                    return
        except (OSError, IndexError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"le serveur du port {port} ne répond pas sur {path}")


def _workers_rss(master: subprocess.Popen[bytes]) -> list[int]:
    """RSS in MiB of the master's worker processes."""
    found = []
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found.append(int(line.split()[1]) // 1024)
    return found


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def platform_environment(
    *,
    database: str,
    port: int,
    smtp_port: int,
    var_dir: Path,
    workers: int,
    redis: bool = False,
    extra: list[str] | tuple[str, ...] = (),
) -> dict[str, str]:
    """The platform on its production defaults: DEBUG off, real CSRF, sessions, rate limits,
    the database cache unless ``redis``, emails through the SMTP sink; ``extra``: NAME=value."""
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "BEHIND_HTTPS_PROXY": "1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "EMAIL_BACKEND": "budgetcitoyen.core.mail.SMTPBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "BUDGETCITOYEN_VAR_DIR": str(var_dir),
        "WEB_CONCURRENCY": str(workers),
    }
    env.pop("BUDGETCITOYEN_TODAY", None)
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/9"
    for pair in extra:
        name, _eq, value = pair.partition("=")
        env[name] = value
    return env


# --- Report -------------------------------------------------------------------------------


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _report(title: str, stats: Stats, elapsed: float, cpu: float, unit: str | None) -> float:
    rate = stats.requests / elapsed
    print(f"\n{title} : {elapsed:.1f} s, {stats.requests} requêtes, {rate:.1f} requêtes/s", end="")
    per_second = stats.done / elapsed
    if unit:
        print(f", {stats.done} {unit} ({per_second:.2f}/s)", end="")
    print(f", générateur {cpu:.2f} cœur")
    all_latencies = [value for values in stats.latencies.values() for value in values]
    print(f"  {'étape':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in [*stats.latencies.items(), ("(toutes)", all_latencies)]:
        print(
            f"  {name:<28} {len(values):>6} {_quantile(values, 0.5):>8.1f} "
            f"{_quantile(values, 0.95):>8.1f} {_quantile(values, 0.99):>8.1f}"
        )
    if stats.errors:
        print("  erreurs : " + ", ".join(f"{k} {v}" for k, v in sorted(stats.errors.items())))
    else:
        print("  erreurs : aucune")
    return per_second if unit else rate


async def _load(options: argparse.Namespace, ports: dict[str, int], sink) -> None:
    mailbox = Mailbox()
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sink.stdout)
    reading = asyncio.create_task(mailbox.read(reader))
    keys = json.loads((STATE / "sessions.json").read_text())[:-1]
    ceilings: list[float] = []

    async def ceiling(label: str) -> None:
        async def hit(index: int, stats: Stats) -> bool:
            result = await Browser(ports["ceiling"], stats, "10.0.0.1").request(
                "hit", "GET", "/hit/"
            )
            return result.status == 200

        stats, elapsed, cpu = await run_scenario(
            "plafond", hit, 10**7, options.concurrency, options.ceiling_seconds
        )
        ceilings.append(_report(f"Plafond ({label})", stats, elapsed, cpu, None))

    await ceiling("avant")
    voters = iter(keys)

    async def one_cast(index: int, stats: Stats) -> bool:
        browser = Browser(ports["platform"], stats, f"10.1.{index // 250}.{index % 250 + 1}")
        browser.cookies["sessionid"] = next(voters)
        return await cast(browser)

    stats, elapsed, cpu = await run_scenario(
        "vote", one_cast, min(options.ballots, len(keys)), options.concurrency, options.seconds
    )
    casting = _report("Vote (votants déjà connectés)", stats, elapsed, cpu, "bulletins")
    casting_p99 = _quantile([v for vs in stats.latencies.values() for v in vs], 0.99)
    await ceiling("entre les deux")

    async def one_journey(index: int, stats: Stats) -> bool:
        browser = Browser(ports["platform"], stats, f"10.2.{index // 250}.{index % 250 + 1}")
        return await journey(browser, mailbox, index)

    stats, elapsed, cpu = await run_scenario(
        "parcours", one_journey, options.journeys, options.concurrency, options.seconds
    )
    whole = _report("Parcours complet (code, identité, bulletin)", stats, elapsed, cpu, "bulletins")
    await ceiling("après")
    reading.cancel()
    reference = statistics.median(ceilings)
    print(
        f"\nPlafond médian : {reference:.0f} requêtes/s. Vote : {casting:.2f} bulletins/s = "
        f"{casting / reference:.3f} × le plafond (objectif ≥ 0,1), p99 {casting_p99:.0f} ms "
        f"(objectif < 300). Parcours : {whole:.2f} bulletins/s = {whole / reference:.3f} × "
        "le plafond (objectif ≥ 0,04)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--ballots", type=int, default=600)
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--voters", type=int, default=3000, help="votants du modèle")
    parser.add_argument("--seconds", type=float, default=40, help="durée maximale par scénario")
    parser.add_argument("--ceiling-seconds", type=float, default=8)
    parser.add_argument("--redis", action="store_true", help="cache Redis (sinon en base)")
    parser.add_argument(
        "--javascript",
        action="store_true",
        help="voter comme un navigateur qui exécute le script du bulletin (récapitulatif sur la page)",
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--env", action="append", default=[], help="NOM=valeur pour la plateforme")
    parser.add_argument("--child", choices=["build", "queries"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    global WITH_SCRIPT
    WITH_SCRIPT = options.javascript
    if options.child == "build":
        build_template(options.voters)
        return
    if options.child == "queries":
        count_queries()
        return

    _ensure_postgres()
    if options.rebuild or not _template_exists():
        print("Construction du modèle (une fois)…", flush=True)
        _psql(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        _psql(f'CREATE DATABASE "{TEMPLATE}"')
        subprocess.run(
            [PYTHON, __file__, "--child", "build", "--voters", str(options.voters)], check=True
        )
    _psql(f'DROP DATABASE IF EXISTS "{RUN_DB}"')
    _psql(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{TEMPLATE}"')
    open_vote(RUN_DB)
    _psql(f'DROP DATABASE IF EXISTS "{CEILING_DB}"')
    _psql(f'CREATE DATABASE "{CEILING_DB}"')
    _psql("CREATE TABLE hit (id bigserial PRIMARY KEY, at timestamptz NOT NULL)", CEILING_DB)
    work = Path(tempfile.mkdtemp(prefix="bench_vote_"))
    smtp_port, ports = _free_port(), {"ceiling": _free_port(), "platform": _free_port()}
    platform_env = platform_environment(
        database=RUN_DB,
        port=ports["platform"],
        smtp_port=smtp_port,
        var_dir=work,
        workers=options.workers,
        redis=options.redis,
        extra=options.env,
    )
    ceiling_env = {**os.environ, "DATABASE_URL": f"{SERVER}/{CEILING_DB}"}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(
                [PYTHON, "-m", "django", *command],
                env={**platform_env, "DJANGO_SETTINGS_MODULE": "budgetcitoyen.settings"},
                cwd=ROOT,
                check=True,
            )
        sink = subprocess.Popen(
            [PYTHON, str(ROOT / "bench/smtp_sink.py"), str(smtp_port)],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        processes.append(sink)
        assert sink.stdout is not None
        sink.stdout.readline()
        ceiling = _gunicorn(
            "bench.ceiling.wsgi:application", ports["ceiling"], ceiling_env, options
        )
        platform = _gunicorn(
            "budgetcitoyen.wsgi:application", ports["platform"], platform_env, options
        )
        processes += [ceiling, platform]
        _wait_ready(ports["ceiling"], "/hit/")
        _wait_ready(ports["platform"], "/")
        print(
            f"\nServeurs : gunicorn {options.workers} × {options.worker_class}"
            f" ({options.threads} fil{'s' if options.threads > 1 else ''}), "
            f"{options.concurrency} clients simultanés, cache "
            f"{'Redis' if options.redis else 'en base'} ; machine : {os.cpu_count()} cœurs ; "
            f"{'récapitulatif sur la page (script)' if WITH_SCRIPT else 'récapitulatif demandé au serveur'}"
        )
        asyncio.run(_load(options, ports, sink))
        print(
            "\nMémoire des workers (RSS, Mio) : plafond "
            f"{_workers_rss(ceiling)}, plateforme {_workers_rss(platform)}"
        )
    finally:
        for process in reversed(processes):
            _stop(process)
    queries = subprocess.run(
        [PYTHON, __file__, "--child", "queries"],
        env={
            **platform_env,
            "DJANGO_SETTINGS_MODULE": "budgetcitoyen.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if queries.returncode == 0:
        counts = json.loads(queries.stdout.strip().splitlines()[-1])
        print("\nRequêtes SQL par étape (un votant, client de test de Django, même base) :")
        for name, number in counts.items():
            print(f"  {name:<28} {number:>4}")
        casting = ("bulletin", "récapitulatif", "confirmation")
        print(
            f"  vote : {sum(counts[k] for k in casting)} requêtes SQL ; parcours complet : "
            f"{sum(v for k, v in counts.items() if k not in casting)} requêtes SQL"
        )
    else:
        print("\nComptage des requêtes SQL impossible :\n" + queries.stderr[-2000:])
    shutil.rmtree(work, ignore_errors=True)
    _psql(f'DROP DATABASE IF EXISTS "{RUN_DB}"')
    _psql(f'DROP DATABASE IF EXISTS "{CEILING_DB}"')
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nCPU du générateur, en tout : {usage.ru_utime + usage.ru_stime:.1f} s")


if __name__ == "__main__":
    main()
