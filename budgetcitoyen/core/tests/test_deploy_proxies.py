"""The shipped proxies let the application's French 503 through, and have a French page of
their own when no app server answers (``deploy/``, docs/DEPLOYMENT.md "Panne et redémarrage").

Checked against Debian's nginx 1.22 and Caddy 2.6 with two app servers: retrying on a 503
(nginx) or asking ``/sante/`` actively (Caddy) turned a PostgreSQL outage, which every app
server shares, into nginx's English "502 Bad Gateway" or Caddy's empty 503, for seconds after
PostgreSQL was back. These tests keep the files from going back.
"""

from __future__ import annotations

import re
from pathlib import Path

from budgetcitoyen.testing.a11y import assert_accessible

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
PAGE = ROOT / "budgetcitoyen/static/budgetcitoyen/indisponible.html"


def directives(text: str, name: str) -> list[str]:
    """The values of an nginx directive, comments left out."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    return re.findall(rf"^\s*{name}\s+([^;]*);", "\n".join(lines), re.M)


def test_nginx_never_passes_a_503_on_nor_counts_it_as_a_failure():
    (next_upstream,) = directives(
        (DEPLOY / "budgetcitoyen_proxy.conf").read_text(), "proxy_next_upstream"
    )
    conditions = next_upstream.split()
    assert "http_503" not in conditions
    assert "non_idempotent" not in conditions  # a ballot is never sent twice
    assert {"error", "timeout"} <= set(conditions)


def test_nginx_answers_its_own_errors_with_the_french_page():
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert directives(nginx, "error_page") == ["502 504 =503 /indisponible.html"]
    assert "proxy_intercept_errors" not in nginx  # the application's own pages pass through
    block = nginx.split("location = /indisponible.html", 1)[1].split("}", 1)[0]
    assert "internal;" in block
    assert "root /var/lib/budgetcitoyen/static/budgetcitoyen;" in block
    assert "Retry-After 30" in block


def test_caddy_takes_servers_out_only_when_they_do_not_answer():
    caddy = "\n".join(
        line.split("#", 1)[0] for line in (DEPLOY / "Caddyfile").read_text().splitlines()
    )
    assert "health_uri" not in caddy  # /sante/ fails on every server at once when PostgreSQL does
    assert re.search(r"^\s*fail_duration\s+\d+s$", caddy, re.M)
    errors = caddy.split("handle_errors", 1)[1]
    assert "rewrite * /indisponible.html" in errors
    assert "root * /var/lib/budgetcitoyen/static/budgetcitoyen" in errors
    assert "status 503" in errors and "Retry-After 30" in errors


def test_the_proxies_page_is_french_accessible_and_says_what_to_do():
    html = PAGE.read_text()
    assert '<html lang="fr">' in html
    assert "Service momentanément indisponible" in html
    assert "n'est pas perdu" in html
    assert 'href="/voter/"' in html and "vous pouvez voter à nouveau" in html
    assert "{%" not in html and "{{" not in html  # served as a file, never rendered
    assert_accessible(html)
