"""Crash and restart under load: nothing acknowledged is lost, nothing is half written (by hand).

    .venv/bin/python bench/crash_restart.py [--rounds 3] [--seconds 8] [--concurrency 8]
        [--voters 1500] [--workers 2] [--only app|postgresql]

Both phases by default; ``--only app`` runs the app servers' crashes alone, ``--only
postgresql`` PostgreSQL's alone.

One command, bounded in time (about three minutes on two cores), run as root (PostgreSQL's
own tools run as the ``postgres`` system user):

1. a PostgreSQL cluster of its own (``initdb`` in a temporary folder, a free loopback port,
   trust authentication), so that stopping it never touches the machine's cluster; it is
   stopped and its folder removed at the end whatever happens (error, Ctrl+C, SIGTERM);
2. the vote benchmark's template (``bench_vote_http``: an open vote, 200 projects, voters
   already signed in) built in it and copied; an SMTP sink, **two** gunicorn instances of the
   platform on two ports (DEBUG off, real CSRF, persistent connections, the database cache)
   and one ``budgetcitoyen db_worker``, each in its own process group;
3. phase A, ``--rounds`` times: signed-in voters cast (ballot page, summary, confirmation,
   receipt) over both ports; after a random 2 to ``--seconds`` s every gunicorn master and
   worker and the db_worker get SIGKILL; they are started again, and the next round begins;
4. phase B, under the same load: PostgreSQL crashes and restarts (``pg_ctl restart -m
   immediate``), then, in another round, stops (``stop -m fast``), stays down 5 s and starts
   again; the app servers are not touched. The statuses answered while it is down are
   recorded with a sample page, and the time until the first cast that succeeds once it is
   back. The db_worker, which stops when the database is unreachable, is started again 5 s
   after it stops, as systemd does (``Restart=always``, ``RestartSec=5``);
5. the checks, in the database: every receipt a voter was shown matches exactly one stored
   ballot with exactly the choices sent and its audit entry; no ballot without choices, no
   choice without ballot, no ballot whose ``choices_text`` disagrees with its rows; every
   voter whose request failed and who has no ballot votes again over HTTP; those whose
   ballot was stored but who saw no receipt are counted apart; every stored ballot's receipt
   email was delivered or waits in the worker's queue.

Prints the figures of each round and in total; exits with 1 if anything acknowledged is lost
or altered, a ballot is half written, a voter cannot vote again, the service does not come
back by itself, or a 500 was answered. Figures: docs/PERFORMANCE.md ("Panne et redémarrage").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_vote_http as vote  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REQUEST_TIMEOUT = 30  # seconds: no request of the load may hang the run
RECOVERY_LIMIT = 30  # seconds after PostgreSQL is back for the first successful cast
WORKER_RESTART_DELAY = 5  # systemd's RestartSec of budgetcitoyen-worker.service
RECEIPT_SUBJECT = re.compile(r"Votre vote est enregistré — reçu ([0-9A-Z-]+)")
TAG = re.compile(r"<[^>]+>")


STARTED = time.monotonic()
FAILURE_PAUSE = 1.0  # seconds a voter's place waits after a failure (a person reads the page)


def say(text: str = "") -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.0f} s] {text}", flush=True)


# --- A PostgreSQL cluster of our own ----------------------------------------------------------


class Cluster:
    """``initdb`` in a temporary folder, run by the ``postgres`` system user on a free port."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="crash_restart_pg_"))
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.log = self.base / "postgresql.log"
        self.port = vote._free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        self.sockets.mkdir()
        shutil.chown(self.base, "postgres")
        shutil.chown(self.sockets, "postgres")

    def _command(self, tool: str, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", str(PG_BIN / tool), *args]

    def _options(self) -> str:
        return f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"

    def create(self) -> None:
        subprocess.run(
            self._command(
                "initdb",
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ),
            cwd=self.base,
            check=True,
            capture_output=True,
        )
        self.start()

    def ctl(self, *args: str) -> list[str]:
        return self._command("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", *args)

    def start(self) -> None:
        subprocess.run(
            self.ctl("-o", self._options(), "start"), cwd=self.base, check=True, capture_output=True
        )

    async def run(self, *args: str) -> None:
        """``pg_ctl`` without blocking the load generator."""
        if args[-1] == "start":
            args = ("-o", self._options(), *args)
        process = await asyncio.create_subprocess_exec(
            *self.ctl(*args),
            cwd=self.base,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if await process.wait() != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} a échoué (journal : {self.log})")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                self.ctl("-m", "immediate", "stop"), cwd=self.base, check=False, capture_output=True
            )
        shutil.rmtree(self.base, ignore_errors=True)


# --- The platform's processes --------------------------------------------------------------------


class Services:
    """Two gunicorn instances and the db_worker, each in a process group of its own."""

    def __init__(self, envs: dict[int, dict[str, str]], workers: int, logs: Path) -> None:
        self.envs, self.logs = envs, logs
        self.options = argparse.Namespace(workers=workers, worker_class="sync", threads=1)
        self.servers: dict[int, subprocess.Popen[bytes]] = {}
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_env = next(iter(envs.values()))
        self.held = False  # stopped on purpose: the supervisor leaves the worker down
        self.worker_stops: list[str] = []  # why the worker stopped by itself, each time

    def start(self) -> None:
        for port, env in self.envs.items():
            self.servers[port] = vote._gunicorn(
                "budgetcitoyen.wsgi:application",
                port,
                env,
                self.options,
                log=self.logs / f"gunicorn-{port}.log",
            )
        self.start_worker()
        self.held = False

    def start_worker(self) -> None:
        with (self.logs / "worker.log").open("ab") as output:
            self.worker = subprocess.Popen(
                [
                    vote.PYTHON,
                    "-m",
                    "budgetcitoyen",
                    "db_worker",
                    "--queue-name",
                    "default",
                    "--interval",
                    "1",
                    "--no-reload",
                ],
                env=self.worker_env,
                cwd=ROOT,
                start_new_session=True,
                stdout=output,
                stderr=output,
            )

    async def ready(self, seconds: float = 90) -> None:
        """Until each server answers its home page (as ``bench_vote_http._wait_ready``)."""

        async def one(port: int) -> None:
            deadline = time.monotonic() + seconds
            probe = vote.Browser(port, vote.Stats(), "10.0.0.1")
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    if (await probe.request("prêt ?", "GET", "/")).status in (200, 302):
                        return
                await asyncio.sleep(0.3)
            raise SystemExit(f"le serveur du port {port} ne répond pas")

        await asyncio.gather(*(one(port) for port in self.envs))

    def kill(self) -> None:
        """SIGKILL to every process group: masters, workers, the db_worker."""
        self.held = True
        for process in [*self.servers.values(), self.worker]:
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.worker = None

    async def supervise(self) -> None:
        """Start the worker again 5 s after it stops by itself, as systemd does."""
        while True:
            await asyncio.sleep(0.5)
            worker = self.worker
            if self.held or worker is None or worker.poll() is None:
                continue
            self.worker = None
            self.worker_stops.append(_last_error_line(self.logs / "worker.log"))
            await asyncio.sleep(WORKER_RESTART_DELAY)
            if not self.held and self.worker is None:
                self.start_worker()


def _last_error_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if "Error" in line]
    return lines[-1].strip()[:160] if lines else "sans message"


# --- The load -----------------------------------------------------------------------------------


@dataclass
class Event:
    name: str
    started: float
    ended: float
    status: int | str  # an HTTP status, or what happened to the connection
    body: str = ""
    retry_after: str = ""


@dataclass
class Voter:
    index: int
    email: str
    round: str
    browser: Witness
    choices: list[int] | None = None  # the choices of the last confirmation sent
    receipts: list[str] = field(default_factory=list)  # every receipt code shown to the voter
    confirmed: bool = False  # a confirmation was answered (its answer is the receipt)
    failure: str | None = None  # the first attempt's failed request
    confirm_started: float | None = None
    receipt_at: float | None = None
    stored_before_retry: bool = False
    retried: bool = False
    revoted: bool = False
    told_already_voted: bool = False


class Witness(vote.Browser):
    """The benchmark's browser, which also keeps the time and status of every request."""

    events: list[Event]  # shared by every voter (the statuses seen while the database is down)

    def __init__(self, port: int, stats: vote.Stats, address: str, events: list[Event]) -> None:
        super().__init__(port, stats, address)
        self.events, self.own = events, []

    async def request(
        self, name: str, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> vote.Result:
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(
                super().request(name, method, path, form), REQUEST_TIMEOUT
            )
        except (OSError, TimeoutError) as error:
            self._keep(Event(name, started, time.monotonic(), _connection_failure(error)))
            raise
        event = Event(name, started, time.monotonic(), result.status or "fermée sans réponse")
        if result.status >= 500:
            event.body = result.body.decode(errors="replace")
            event.retry_after = ",".join(result.headers.get("retry-after", []))
        self._keep(event)
        return result

    def _keep(self, event: Event) -> None:
        self.events.append(event)
        self.own.append(event)


def _connection_failure(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(error, TimeoutError):
        return "délai dépassé"
    return "connexion coupée"


def _failure(voter: Voter, step: str, error: BaseException | None) -> str:
    last = voter.browser.own[-1] if voter.browser.own else None
    if last is None:
        return f"{type(error).__name__ if error else 'échec'} ({step})"
    status = last.status
    if status == 200 and error is not None and not isinstance(error, (OSError, TimeoutError)):
        return f"page tronquée ({last.name})"  # the worker was killed while it sent the page
    return f"{'HTTP ' if isinstance(status, int) else ''}{status} ({last.name})"


class Campaign:
    def __init__(self, options: argparse.Namespace, ports: list[int], keys: list[str]) -> None:
        self.options, self.ports, self.keys = options, ports, keys
        self.next_index = 0
        self.voters: list[Voter] = []
        self.events: list[Event] = []
        self.stats = vote.Stats()
        self.rounds: list[dict[str, Any]] = []
        self.exhausted = False

    def new_voter(self, label: str) -> Voter | None:
        if self.next_index >= len(self.keys):
            self.exhausted = True
            return None
        index = self.next_index
        self.next_index += 1
        port = self.ports[index % len(self.ports)]
        browser = Witness(port, self.stats, f"10.1.{index // 250}.{index % 250 + 1}", self.events)
        browser.cookies["sessionid"] = self.keys[index]
        voter = Voter(index, f"votant{index}@bench.example", label, browser)
        self.voters.append(voter)
        return voter

    async def attempt(self, voter: Voter) -> bool:
        """One cast through the benchmark's ``cast``; what the voter sent and saw kept."""
        journal: dict[str, Any] = {}
        error: BaseException | None = None
        try:
            done = await vote.cast(voter.browser, journal=journal)
        except Exception as raised:  # a reset, a page without its form: the request failed
            done, error = False, raised
        if journal.get("choices") is not None:
            voter.choices = journal["choices"]
        voter.confirmed = voter.confirmed or bool(journal.get("confirmed"))
        if done:
            voter.receipts.append(journal["receipt"])
            confirm = [e for e in voter.browser.own if e.name == "confirmation"][-1]
            voter.confirm_started, voter.receipt_at = confirm.started, time.monotonic()
            return True
        if voter.failure is None:
            voter.failure = _failure(voter, journal.get("step", "?"), error)
        return False

    async def load(self, label: str, stop: asyncio.Event) -> None:
        async def worker() -> None:
            while not stop.is_set():
                voter = self.new_voter(label)
                if voter is None:
                    return
                if not await self.attempt(voter):
                    await asyncio.sleep(FAILURE_PAUSE)

        await asyncio.gather(*(worker() for _ in range(self.options.concurrency)))

    def recovered(self, since: float) -> float | None:
        """Seconds from ``since`` to the first receipt of a confirmation sent after it."""
        times = [
            v.receipt_at - since
            for v in self.voters
            if v.receipt_at is not None and v.confirm_started is not None
            if v.confirm_started >= since
        ]
        return min(times) if times else None

    # --- Phase A: the app servers and the worker killed ---------------------------------------

    async def crash_round(self, number: int, services: Services) -> None:
        label = f"A{number}"
        stop = asyncio.Event()
        started = time.monotonic()
        load = asyncio.create_task(self.load(label, stop))
        await asyncio.sleep(random.uniform(2, max(2.0, self.options.seconds)))
        stop.set()
        services.kill()
        killed_at = time.monotonic()
        await load
        await asyncio.sleep(1)
        services.start()
        await services.ready()
        ready = time.monotonic() - killed_at
        self.rounds.append(
            {
                "label": label,
                "title": f"manche {label} : SIGKILL des deux gunicorn et du db_worker "
                f"après {killed_at - started:.1f} s de vote, prêts {ready:.1f} s plus tard",
            }
        )

    # --- Phase B: PostgreSQL crashes or stops, the app servers stay up --------------------------

    async def database_round(self, label: str, cluster: Cluster, how: str) -> None:
        stop = asyncio.Event()
        load = asyncio.create_task(self.load(label, stop))
        await asyncio.sleep(random.uniform(2, max(2.0, self.options.seconds)))
        down = time.monotonic()
        if how == "immediate":
            await cluster.run("-m", "immediate", "restart")
            title = "PostgreSQL arrêté net et relancé (pg_ctl restart -m immediate)"
        else:
            await cluster.run("-m", "fast", "stop")
            await asyncio.sleep(5)
            await cluster.run("start")
            title = "PostgreSQL arrêté (pg_ctl stop -m fast), 5 s sans base, puis relancé"
        back = time.monotonic()
        recovery = None
        while time.monotonic() < back + RECOVERY_LIMIT and not self.exhausted:
            recovery = self.recovered(back)
            if recovery is not None:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # the load goes on a little once the service is back
        stop.set()
        await load
        during = [e for e in self.events if down <= e.ended <= back]
        sample = next((e for e in during if isinstance(e.status, int) and e.status >= 500), None)
        self.rounds.append(
            {
                "label": label,
                "title": f"manche {label} : {title}",
                "down_seconds": back - down,
                "statuses": Counter(str(e.status) for e in during),
                "sample": sample,
                "recovery": recovery,
            }
        )

    # --- After the rounds: the voters whose request failed ------------------------------------

    async def retry_failed(self, stored: set[str]) -> None:
        waiting = asyncio.Semaphore(self.options.concurrency)

        async def retry(voter: Voter) -> None:
            async with waiting:
                voter.stored_before_retry = voter.email in stored
                if not voter.stored_before_retry:
                    voter.retried = True
                    voter.revoted = await self.attempt(voter)
                    return
                # Stored, but the voter saw no receipt: what do they get when they come back?
                browser = voter.browser
                try:
                    page = await browser.request("retour : bulletin", "GET", "/voter/bulletin/")
                    home = await browser.request("retour : accueil du vote", "GET", "/voter/")
                    voter.told_already_voted = (
                        page.status == 302 and "déjà voté" in home.body.decode(errors="replace")
                    )
                except Exception:  # counted: told_already_voted stays False
                    pass

        await asyncio.gather(*(retry(v) for v in self.voters if not v.receipts))


# --- Checks, in a child process with Django set up ------------------------------------------


def check_child(path: str) -> None:
    """Read the voters' record (JSON), compare with the database, print the findings (JSON)."""
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    from budgetcitoyen.core.models import AuditEntry
    from budgetcitoyen.voting.models import Ballot, BallotChoice
    from budgetcitoyen.voting.services.casting import choices_signature, choices_text
    from budgetcitoyen.voting.services.receipts import receipt_hash

    record = json.loads(Path(path).read_text())
    ballots = {b.pk: b for b in Ballot.objects.select_related("user")}
    rows: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for ballot_id, project, points, position in BallotChoice.objects.order_by(
        "ballot_id", "position"
    ).values_list("ballot_id", "project_id", "points", "position"):
        rows[ballot_id].append((project, points, position))
    kind = ContentType.objects.get_for_model(Ballot)
    audited = Counter(
        AuditEntry.objects.filter(action="vote.ballot_recorded", content_type=kind).values_list(
            "object_id", flat=True
        )
    )
    problems: dict[int, list[str]] = {}
    for ballot in ballots.values():
        found = rows.get(ballot.pk, [])
        points = [(project, p) for project, p, _position in found]
        wrong = []
        if not found:
            wrong.append("aucun choix")
        if choices_text(points) != ballot.choices_text:
            wrong.append("choices_text différent des lignes de choix")
        if choices_signature(points) != ballot.choices_signature:
            wrong.append("signature des choix différente")
        if [position for *_rest, position in found] != list(range(1, len(found) + 1)):
            wrong.append("positions des choix discontinues")
        if audited[str(ballot.pk)] != 1:
            wrong.append(f"{audited[str(ballot.pk)]} entrée(s) vote.ballot_recorded au journal")
        if wrong:
            problems[ballot.pk] = wrong
    orphans = BallotChoice.objects.exclude(ballot_id__in=Ballot.objects.values("pk")).count()
    queued: Counter[str] = Counter()
    stuck: Counter[str] = Counter()
    for status, data in DBTaskResult.objects.filter(
        task_path__endswith="deliver_email", status__in=["READY", "RUNNING"]
    ).values_list("status", "args_kwargs"):
        for address in data["args"][0]["to"]:
            (queued if status == "READY" else stuck)[address.lower()] += 1
    by_email = {b.user.email.lower(): b for b in ballots.values() if b.user_id}
    known = set()
    voters = {}
    for voter in record["voters"]:
        email = voter["email"]
        known.add(email)
        ballot = by_email.get(email)
        if ballot is None:
            voters[email] = {"ballot": None}
            continue
        chosen = [project for project, *_rest in rows.get(ballot.pk, [])]
        sent = voter["choices"]
        voters[email] = {
            "ballot": ballot.pk,
            "choices_ok": sent is not None and sorted(sent) == sorted(chosen),
            "receipts_ok": [
                receipt_hash(code) == ballot.receipt_hash for code in voter["receipts"]
            ],
            "emailed_ok": [
                receipt_hash(code) == ballot.receipt_hash
                for code in record["emails"].get(email, [])
            ],
            "problems": problems.get(ballot.pk, []),
            "queued": queued[email],
            "stuck": stuck[email],
        }
    print(
        json.dumps(
            {
                "voters": voters,
                "ballots": len(ballots),
                "online_ballots": sum(1 for b in ballots.values() if b.channel == "online"),
                "strangers": sorted(set(by_email) - known),
                "half_written": {str(pk): wrong for pk, wrong in problems.items()},
                "orphan_choices": orphans,
            }
        )
    )


def _stored_emails(server: str, database: str) -> set[str]:
    import psycopg

    with psycopg.connect(f"{server}/{database}") as db:
        return {
            row[0].lower()
            for row in db.execute(
                "SELECT u.email FROM voting_ballot b JOIN accounts_user u ON u.id = b.user_id"
            )
        }


def _read_sink(path: Path) -> dict[str, list[str]]:
    """The receipt codes each address received, from the SMTP sink's lines."""
    codes: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text().splitlines():
        message = json.loads(line)
        found = RECEIPT_SUBJECT.search(message.get("subject", ""))
        if found:
            for address in message.get("to", []):
                codes[address.lower()].append(found.group(1))
    return codes


# --- Report -----------------------------------------------------------------------------------


def _page_summary(event: Event) -> str:
    title = re.search(r"<h1[^>]*>(.*?)</h1>", event.body, re.S)
    lead = re.search(r'<p class="lead"[^>]*>(.*?)</p>', event.body, re.S)
    words = [" ".join(unescape(TAG.sub("", m.group(1))).split()) for m in (title, lead) if m]
    text = " — ".join(words) or " ".join(unescape(TAG.sub(" ", event.body)).split())[:200]
    retry = f", Retry-After: {event.retry_after}" if event.retry_after else ", sans Retry-After"
    return f"HTTP {event.status} ({event.name}{retry}) : « {text} »"


def _figures(voters: list[Voter], found: dict[str, Any]) -> dict[str, int]:
    figures: Counter[str] = Counter()
    for voter in voters:
        result = found["voters"][voter.email]
        first_receipt = voter.receipts[:1] if voter.failure is None else []
        figures["acknowledged"] += bool(first_receipt)
        figures["failed"] += voter.failure is not None
        if result["ballot"] is not None:
            figures["stored"] += 1
            figures["half_written"] += bool(result["problems"])
            figures["wrong_choices"] += not result["choices_ok"]
        if voter.receipts and (result["ballot"] is None or not all(result["receipts_ok"])):
            figures["lost"] += 1
        if voter.failure is not None and voter.stored_before_retry:
            figures["stored_without_receipt"] += 1
            figures["told_already_voted"] += voter.told_already_voted
            figures["code_emailed"] += any(result.get("emailed_ok", []))
        if voter.retried:
            figures["retried"] += 1
            figures["revoted"] += voter.revoted and result["ballot"] is not None
    return figures


def _print_figures(title: str, figures: dict[str, int]) -> None:
    say(title)
    say(f"  bulletins acquittés (reçu affiché)         : {figures['acknowledged']}")
    say(f"  bulletins enregistrés (à la fin)           : {figures['stored']}")
    say(f"  acquittés perdus (doit être 0)             : {figures['lost']}")
    say(f"  choix différents de l'envoi (doit être 0)  : {figures['wrong_choices']}")
    say(f"  bulletins à moitié écrits (doit être 0)    : {figures['half_written']}")
    say(f"  votants dont une requête a échoué          : {figures['failed']}")
    say(
        f"  revotés avec succès ensuite                : {figures['revoted']} "
        f"sur {figures['retried']} sans bulletin"
    )
    say(
        f"  enregistrés sans reçu affiché              : {figures['stored_without_receipt']}"
        " (la confirmation est restée sans réponse)"
    )
    if figures["stored_without_receipt"]:
        say(
            f"    au retour : « déjà voté » {figures['told_already_voted']}, code reçu par "
            f"courriel {figures['code_emailed']}"
        )


def report(
    campaign: Campaign, found: dict[str, Any], services: Services, logs: Path, elapsed: float
) -> int:
    failed = False
    by_round: dict[str, list[Voter]] = defaultdict(list)
    for voter in campaign.voters:
        by_round[voter.round].append(voter)
    say("\n=== Résultats par manche ===")
    for round_ in campaign.rounds:
        voters = by_round[round_["label"]]
        _print_figures(f"\n{round_['title']}", _figures(voters, found))
        kinds = Counter(v.failure for v in voters if v.failure)
        if kinds:
            say("  requêtes en échec : " + ", ".join(f"{k} × {n}" for k, n in kinds.most_common()))
        if "statuses" in round_:
            statuses = ", ".join(f"{s} × {n}" for s, n in sorted(round_["statuses"].items()))
            say(
                f"  pendant la coupure ({round_['down_seconds']:.1f} s) : "
                f"{statuses or 'aucune réponse reçue'}"
            )
            if round_["sample"] is not None:
                say(f"  exemple de page : {_page_summary(round_['sample'])}")
            if round_["recovery"] is None:
                say(f"  LE SERVICE N'EST PAS REVENU dans les {RECOVERY_LIMIT} s")
                failed = True
            else:
                say(
                    f"  premier vote réussi {round_['recovery']:.2f} s après le retour de "
                    "PostgreSQL, sans relancer l'application"
                )
    total = _figures(campaign.voters, found)
    _print_figures("\n=== En tout ===", total)
    codes = Counter(str(e.status) for e in campaign.events)
    say("  réponses reçues : " + ", ".join(f"{s} × {n}" for s, n in sorted(codes.items())))
    errors_500 = [e for e in campaign.events if e.status == 500]
    if errors_500:
        failed = True
        say(f"  ERREURS 500 : {len(errors_500)}, par exemple {_page_summary(errors_500[0])}")
    journal = "".join(p.read_text(errors="replace") for p in logs.glob("gunicorn-*.log"))
    say(
        "  journal des serveurs : "
        f"{journal.count('Service Unavailable:')} réponses 503 journalisées, "
        f"{journal.count('Internal Server Error:')} erreurs 500 journalisées"
    )
    say(
        f"  db_worker arrêté de lui-même {len(services.worker_stops)} fois (base injoignable), "
        f"relancé {WORKER_RESTART_DELAY} s après comme le fait systemd"
        + (f" ; dernier message : {services.worker_stops[-1]}" if services.worker_stops else "")
    )
    stored = [r for r in found["voters"].values() if r["ballot"] is not None]
    delivered = sum(1 for r in stored if any(r["emailed_ok"]))
    queued = sum(1 for r in stored if not any(r["emailed_ok"]) and r["queued"])
    stuck = sum(1 for r in stored if not any(r["emailed_ok"]) and not r["queued"] and r["stuck"])
    lost_emails = len(stored) - delivered - queued - stuck
    wrong_codes = sum(1 for r in stored if r["emailed_ok"] and not all(r["emailed_ok"]))
    say(
        f"  courriels de reçu : {len(stored)} bulletins en ligne enregistrés, {delivered} remis "
        f"au serveur de courriel, {queued} en file pour le travailleur, {stuck} pris par un "
        f"travailleur tué, {lost_emails} perdus (arrêt entre l'enregistrement et l'envoi)"
    )
    if wrong_codes:
        failed = True
        say(f"  COURRIELS AVEC UN CODE QUI NE CORRESPOND PAS AU BULLETIN : {wrong_codes}")
    if found["strangers"]:
        failed = True
        say(f"  BULLETINS DE COMPTES HORS DE LA CHARGE : {len(found['strangers'])}")
    if found["half_written"] or found["orphan_choices"]:
        failed = True
        say(f"  BULLETINS À MOITIÉ ÉCRITS : {found['half_written']}")
        say(f"  CHOIX SANS BULLETIN : {found['orphan_choices']}")
    if total["lost"] or total["wrong_choices"] or total["half_written"]:
        failed = True
    if total["revoted"] < total["retried"]:
        failed = True
        say(f"  VOTANTS QUI N'ONT PAS PU REVOTER : {total['retried'] - total['revoted']}")
    if total["told_already_voted"] < total["stored_without_receipt"]:
        failed = True
        say("  DES VOTANTS ENREGISTRÉS SANS REÇU NE SONT PAS PRÉVENUS QU'ILS ONT DÉJÀ VOTÉ")
    if total["stored_without_receipt"]:
        say(
            f"\n{total['stored_without_receipt']} votant(s) ont un bulletin enregistré sans avoir "
            "vu leur reçu (arrêt entre l'enregistrement et la réponse de la confirmation, qui "
            "est le reçu). En revenant, ils lisent « Vous avez déjà voté » : leur bulletin "
            "compte. Le code de reçu leur est envoyé par courriel ; sans code, ils ne peuvent "
            "pas revoir leurs choix, mais la page du vote confirme que leur bulletin est "
            "enregistré."
        )
    if campaign.exhausted:
        say(
            "\n(Tous les votants du modèle ont servi : augmentez --voters pour des manches pleines.)"
        )
    say(
        f"\nDurée totale : {elapsed:.0f} s ; {len(campaign.voters)} votants, "
        f"{len(campaign.events)} requêtes."
    )
    say("ÉCHEC : voir les lignes en capitales ci-dessus." if failed else "Réussi.")
    return 1 if failed else 0


# --- Main --------------------------------------------------------------------------------------


def _interrupt(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="manches d'arrêt de l'application")
    parser.add_argument("--seconds", type=float, default=8, help="arrêt au bout de 2 à N s de vote")
    parser.add_argument("--concurrency", type=int, default=8, help="votants simultanés")
    parser.add_argument("--voters", type=int, default=1500, help="votants du modèle")
    parser.add_argument("--workers", type=int, default=2, help="workers par gunicorn")
    parser.add_argument(
        "--only",
        choices=["app", "postgresql"],
        help="seulement les arrêts de l'application (phase A) ou seulement ceux de PostgreSQL (B)",
    )
    parser.add_argument("--child", choices=["check"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "check":
        check_child(options.input)
        return 0
    if os.geteuid() != 0:
        raise SystemExit(
            "Lancez ce banc en root : PostgreSQL y est lancé par l'utilisateur postgres."
        )
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _interrupt)

    started = time.monotonic()
    cluster: Cluster | None = None
    services: Services | None = None
    sink: subprocess.Popen[bytes] | None = None
    work = Path(tempfile.mkdtemp(prefix="crash_restart_"))
    try:
        cluster = Cluster()
        progress(f"PostgreSQL de ce banc : {cluster.data}, port {cluster.port}")
        cluster.create()
        state = cluster.base / "state"
        os.environ.update(BENCH_PG_SERVER=cluster.url, BENCH_VOTE_STATE=str(state))
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
        )
        vote.SERVER, vote.STATE = cluster.url, state
        progress(f"Construction du modèle du banc de vote ({options.voters} votants)…")
        vote._psql(f'CREATE DATABASE "{vote.TEMPLATE}"')
        subprocess.run(
            [vote.PYTHON, vote.__file__, "--child", "build", "--voters", str(options.voters)],
            check=True,
        )
        vote._psql(f'CREATE DATABASE "{vote.RUN_DB}" TEMPLATE "{vote.TEMPLATE}"')
        vote.open_vote(vote.RUN_DB)
        keys = json.loads((state / "sessions.json").read_text())
        smtp_port, ports = vote._free_port(), [vote._free_port(), vote._free_port()]
        envs = {
            port: vote.platform_environment(
                database=vote.RUN_DB,
                port=port,
                smtp_port=smtp_port,
                var_dir=work / "var",
                workers=options.workers,
            )
            for port in ports
        }
        first = envs[ports[0]]
        subprocess.run(
            [vote.PYTHON, "-m", "budgetcitoyen", "collectstatic", "--noinput", "-v0"],
            env=first,
            cwd=ROOT,
            check=True,
        )
        mails = work / "sink.jsonl"
        # Its errors (an SMTP exchange cut by a killed worker) go to a log, not to the report.
        with mails.open("wb") as output, (work / "sink.log").open("wb") as errors:
            sink = subprocess.Popen(
                [vote.PYTHON, str(ROOT / "bench/smtp_sink.py"), str(smtp_port)],
                stdout=output,
                stderr=errors,
                start_new_session=True,
            )
        while not mails.read_text().strip():
            time.sleep(0.1)
        mails_ready = mails.read_text().splitlines()[0]
        progress(f"Serveur de courriel du banc prêt ({mails_ready}).")
        # What a server in service has done long before a crash: a checkpoint (every 5 minutes by
        # default), so that crash recovery replays the load, not the building of the template.
        vote._psql("CHECKPOINT")
        services = Services(envs, options.workers, work)
        campaign = Campaign(options, ports, keys)

        async def run() -> None:
            assert services is not None and cluster is not None
            services.start()
            await services.ready()
            supervisor = asyncio.create_task(services.supervise())
            progress(
                f"Deux serveurs gunicorn ({options.workers} workers sync chacun, ports "
                f"{ports[0]} et {ports[1]}), un db_worker ; {options.concurrency} votants "
                "simultanés."
            )
            for number in range(1, options.rounds + 1 if options.only != "postgresql" else 1):
                await campaign.crash_round(number, services)
                progress(f"  {campaign.rounds[-1]['title']}")
            for label, how in (("B1", "immediate"), ("B2", "stop")):
                if options.only == "app":
                    break
                await campaign.database_round(label, cluster, how)
                progress(f"  {campaign.rounds[-1]['title']}")
            progress("Les votants dont une requête a échoué reviennent…")
            stored = await asyncio.to_thread(_stored_emails, cluster.url, vote.RUN_DB)
            await campaign.retry_failed(stored)
            supervisor.cancel()

        asyncio.run(run())
        time.sleep(1)  # the sink writes its last lines
        record = work / "record.json"
        record.write_text(
            json.dumps(
                {
                    "voters": [
                        {"email": v.email, "choices": v.choices, "receipts": v.receipts}
                        for v in campaign.voters
                    ],
                    "emails": _read_sink(mails),
                }
            )
        )
        progress("Vérification dans la base…")
        checked = subprocess.run(
            [vote.PYTHON, __file__, "--child", "check", "--input", str(record)],
            env={**first, "DJANGO_SETTINGS_MODULE": "budgetcitoyen.settings"},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode != 0:
            say("La vérification a échoué :\n" + checked.stderr[-3000:])
            return 2
        found = json.loads(checked.stdout.strip().splitlines()[-1])
        return report(campaign, found, services, work, time.monotonic() - started)
    finally:
        if services is not None:
            services.kill()
        if sink is not None and sink.poll() is None:
            os.killpg(sink.pid, signal.SIGKILL)
            sink.wait()
        if cluster is not None:
            cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
