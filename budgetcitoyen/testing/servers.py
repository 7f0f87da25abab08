"""Two app servers (gunicorn, as in production) sharing the test database and one Redis.

``two_servers`` starts two gunicorn instances on two free loopback ports, against the test
database of the running pytest process (PostgreSQL only: the tests using it are transactional,
so what they write is committed and the servers read it), with a shared Redis cache (rate
limits and caches are counted across both, as behind a load balancer), waits until each
answers its health check, and stops them after the module. Each instance runs the project's
``deploy/gunicorn.conf.py`` with two gthread workers of four threads, so that requests sent at
once are served at once.

``browser_like`` gives an HTTP session that carries a signed-in person's session cookie and a
CSRF token, as a browser would.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
STARTUP_SECONDS = 30
HOST = "127.0.0.1"


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def forget_content_types(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The servers' middleware that drops the content types cached by an earlier test (see
    ``testing.server_settings``)."""
    from django.contrib.contenttypes.models import ContentType

    def middleware(request: HttpRequest) -> HttpResponse:
        ContentType.objects.clear_cache()
        return get_response(request)

    return middleware


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The URL of the database the running tests use (the test database, once set up)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _start(port: int, environ: dict[str, str], log: Path) -> AppServer:
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=environ,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one
    )
    handle.close()
    return AppServer(f"http://127.0.0.1:{port}", process, log)


def _wait_until_healthy(server: AppServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up:\n{server.tail()}")
        try:
            if requests.get(f"{server.url}/sante/", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{server.tail()}")


def _stop(server: AppServer) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def _forget_cache(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def two_servers(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[AppServer]]:
    if connection.vendor != "postgresql":
        pytest.skip("two app servers need PostgreSQL (SQLite is one file for one machine)")
    if not _redis_answers():
        pytest.skip(f"two app servers share a Redis cache: none answers at {REDIS_URL}")
    folder = tmp_path_factory.mktemp("servers")
    prefix = f"bc-test-{secrets.token_hex(6)}"
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budgetcitoyen.testing.server_settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS_ONLY": "0",
        # Plain HTTP between the tests and the servers: cookies without Secure, or no client
        # would send them back.
        "SECURE_COOKIES": "0",
        "CACHE_BACKEND": "redis",
        "REDIS_URL": REDIS_URL,
        "BUDGETCITOYEN_CACHE_PREFIX": prefix,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "BUDGETCITOYEN_VAR_DIR": str(folder),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
    }
    environ.pop("GUNICORN_CMD_ARGS", None)
    environ.pop("WEB_CONCURRENCY", None)
    servers = [_start(free_port(), environ, folder / f"gunicorn-{name}.log") for name in ("a", "b")]
    # The tests' own process shares the servers' cache as a third app server would: what its
    # factories and services change (an edition, a catalogue) replaces the shared versions the
    # servers read, so they never serve the current edition of an earlier test, emptied since.
    shared_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        for server in servers:
            _wait_until_healthy(server)
        with override_settings(CACHES=shared_cache):
            yield servers
    finally:
        for server in servers:
            _stop(server)
        _forget_cache(prefix)


class Browser(requests.Session):
    """Sends the CSRF cookie's token back in the header, as the site's forms do in a field:
    Django renews the token at sign-in, so it is read again before each request."""

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.headers["X-CSRFToken"] = self.cookies.get(settings.CSRF_COOKIE_NAME) or ""
        return super().request(method, url, *args, **kwargs)


def browser_like(user: Any = None) -> Browser:
    """An HTTP session as a browser has it: a CSRF token, and ``user`` signed in if given.

    The sign-in is Django's own (``Client.force_login`` writes the session row, committed by
    the transactional test); the servers read it from the shared database. Cookies are set
    for 127.0.0.1, every server's host: cookies ignore ports, as behind one load balancer.
    """
    from django.test import Client

    session = Browser()
    # An unmasked CSRF secret (32 characters), as Django itself keeps in the cookie.
    session.cookies.set(settings.CSRF_COOKIE_NAME, secrets.token_hex(16), domain=HOST)
    if user is not None:
        client = Client()
        client.force_login(user)
        session.cookies.set(
            settings.SESSION_COOKIE_NAME,
            client.cookies[settings.SESSION_COOKIE_NAME].value,
            domain=HOST,
        )
    return session


def at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Send every request at the same instant (one thread each, behind a barrier), in order."""
    barrier = threading.Barrier(len(calls))
    responses: list[requests.Response | BaseException] = [RuntimeError("not run")] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            responses[index] = calls[index]()
        except BaseException as error:  # reported below
            responses[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    failed = [r for r in responses if isinstance(r, BaseException)]
    if failed:
        raise failed[0]
    return [r for r in responses if isinstance(r, requests.Response)]
