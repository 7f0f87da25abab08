"""Security posture: the Content-Security-Policy of every page, HTTPS in production, no session
for anonymous reading, a cache shared by every process of a production site."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.sessions.models import Session
from django.test import Client

from budgetcitoyen.env import declared_workers

PUBLIC_PAGES = [
    "/",
    "/comment-ca-marche/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/comptoirs/",
    "/comptoirs/?tri=date",
    "/comptoirs/1/",
    "/comptoirs/agenda.ics",
    "/compte/login/",
    "/compte/signup/",
    "/compte/password/reset/",
    "/projets/",
    "/projets/?ordre=titre&q=solidaire",
    "/projets/1/",
    "/voter/",
    "/voter/connexion/",
    "/verifier-mon-vote/",
    "/resultats/",
    "/resultats/2025/",
    "/page-inexistante/",
]

STAFF_PAGES = [
    "/gestion/dossiers/",
    "/gestion/dossiers/1/",
    "/dossiers/1/imprimer/",
    "/comite/",
    "/comite/dossiers/1/",
    "/comite/dossiers/1/decision/",
    "/gestion/vote/",
    "/gestion/vote/verifications/",
    "/gestion/vote/adresses-ip/",
    "/saisie/bulletins/nouveau/",
    "/organisation/comptoirs/1/",
    "/admin/",
    "/admin/accounts/user/",
]

STAFF_EMAIL = "mission-ess@demo.budgetcitoyen.fr"


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def assert_no_inline_code(html: str, nonce: str | None) -> None:
    """Nothing the policy forbids: a script without src, an on* handler, a style attribute, a
    <style> element without the response's nonce."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json", script
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, element
        assert "style" not in element.attrs, element
    for style in soup.find_all("style"):
        assert nonce and style.get("nonce") == nonce, style


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "staff"])
def test_every_page_of_a_walk_has_a_strict_policy_and_no_inline_code(demo, persona):
    who = Client()
    if persona == "staff":
        who.force_login(_user(STAFF_EMAIL))
    for paths in [STAFF_PAGES if persona == "staff" else PUBLIC_PAGES]:
        for path in paths:
            response = who.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            policy = directives(response["Content-Security-Policy"])
            assert policy["default-src"] == ["'self'"], path
            assert policy["script-src"] == ["'self'"], path
            assert policy["object-src"] == ["'none'"], path
            assert policy["base-uri"] == ["'self'"], path
            assert policy["frame-ancestors"] == ["'none'"], path
            assert policy["form-action"] == ["'self'"], path
            assert "'unsafe-inline'" not in policy.get("style-src", []), path
            if response["Content-Type"].startswith("text/html"):
                nonces = [
                    value[len("'nonce-") : -1]
                    for value in policy.get("style-src", [])
                    if value.startswith("'nonce-")
                ]
                assert_no_inline_code(response.content.decode(), nonces[0] if nonces else None)


@pytest.mark.django_db
def test_a_private_file_keeps_its_sandbox(demo, client):
    from budgetcitoyen.labelling.models import Decision

    decision = Decision.objects.filter(dossier__photo__gt="", outcome="labelled").first()
    assert decision is not None
    response = client.get(f"/projets/{decision.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.django_db
def test_reading_the_public_pages_anonymously_creates_no_session(demo, client):
    for path in PUBLIC_PAGES:
        client.get(path)
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_the_catalogue_order_stays_stable_for_one_visitor(demo, client):
    import time_machine

    from budgetcitoyen.testing.factories import paris

    with time_machine.travel(paris(2025, 9, 15, 12), tick=False):  # during the vote
        first = client.get("/projets/?edition=2025")
        assert "catalogue_seed" in first.cookies
        again = client.get("/projets/?edition=2025")
    assert "catalogue_seed" not in again.cookies  # kept, not renewed
    assert _project_ids(first) == _project_ids(again)
    # Once the results are out the order is the result's, the same for everyone: no cookie.
    assert "catalogue_seed" not in Client().get("/projets/").cookies


def _project_ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    import re

    return re.findall(r'id="projet-(\d+)"', response.content.decode())


def _user(email: str):  # type: ignore[no-untyped-def]
    from budgetcitoyen.accounts.models import User

    return User.objects.get(email=email)


# --- Production settings, each in a fresh interpreter ------------------------------------------

_OURS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS_ONLY",
    "SECURE_COOKIES",
    "CACHE_BACKEND",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
    "BUDGETCITOYEN_TODAY",
    "DATABASE_URL",
}


def _production(tmp_path: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _OURS}
    clean.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="budgetcitoyen.exemple.fr",
        BUDGETCITOYEN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="budgetcitoyen.settings",
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=clean, capture_output=True, text=True
    )


@pytest.mark.slow  # a whole `check --deploy` in a fresh interpreter: about 3 s
def test_the_deploy_checks_find_nothing_to_warn_about_in_production(tmp_path):
    run = _production(
        tmp_path, ["-m", "budgetcitoyen", "check", "--deploy", "--fail-level", "WARNING"]
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "WARNING" not in run.stdout + run.stderr
    assert "no issues" in run.stdout


PROBE = (
    "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, "
    "settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE, "
    "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1])"
)


def test_production_is_https_only_with_a_shared_cache(tmp_path):
    run = _production(tmp_path, ["-c", PROBE])
    assert run.stdout.split() == ["True", "31536000", "True", "DatabaseCache"], run.stderr


def test_a_first_trial_over_plain_http_is_one_variable(tmp_path):
    run = _production(tmp_path, ["-c", PROBE], HTTPS_ONLY="0")
    assert run.stdout.split() == ["False", "0", "False", "DatabaseCache"], run.stderr


def test_redis_is_the_cache_when_configured(tmp_path):
    run = _production(tmp_path, ["-c", PROBE], REDIS_URL="redis://127.0.0.1:6379/0")
    assert run.stdout.split()[-1] == "RedisCache", run.stderr


def test_several_processes_with_a_per_process_cache_are_refused(tmp_path):
    run = _production(tmp_path, ["-c", PROBE], CACHE_BACKEND="memory", WEB_CONCURRENCY="3")
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr
    assert "3 processus servent le site avec un cache propre à chacun" in run.stderr
    alone = _production(tmp_path, ["-c", PROBE], CACHE_BACKEND="memory", WEB_CONCURRENCY="1")
    assert alone.returncode == 0, alone.stderr


@pytest.mark.parametrize(
    ("environ", "argv", "expected"),
    [
        ({}, ["pytest"], 1),
        ({"WEB_CONCURRENCY": "4"}, ["pytest"], 4),
        ({"GUNICORN_CMD_ARGS": "--bind 0:8000 --workers=3"}, ["x"], 3),
        ({"GUNICORN_CMD_ARGS": "-w 2"}, ["x"], 2),
        ({}, ["/opt/bc/bin/gunicorn", "budgetcitoyen.wsgi", "--workers", "3"], 3),
        ({}, ["/opt/bc/bin/gunicorn", "budgetcitoyen.wsgi", "-w5"], 5),
        ({"WEB_CONCURRENCY": "4"}, ["gunicorn", "budgetcitoyen.wsgi", "-w", "1"], 1),
        ({}, ["budgetcitoyen", "runserver", "--workers", "3"], 1),
    ],
)
def test_the_declared_worker_count_is_read_where_gunicorn_reads_it(environ, argv, expected):
    assert declared_workers(environ, argv) == expected


def test_the_policy_names_franceconnect_as_a_form_target_when_it_is_on(tmp_path):
    probe = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    run = _production(
        tmp_path,
        ["-c", probe],
        FRANCECONNECT_CLIENT_ID="client",
        FRANCECONNECT_SERVER_URL="https://fcp.integ01.dev-franceconnect.fr/api/v2",
    )
    assert json.loads(run.stdout) == ["'self'", "https://fcp.integ01.dev-franceconnect.fr"], (
        run.stderr
    )
