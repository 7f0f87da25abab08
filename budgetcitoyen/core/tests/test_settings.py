"""Settings come from the environment; each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from budgetcitoyen.env import env_bool, env_int, env_list, parse_frozen_now

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "OPTIONS": db.get("OPTIONS", {}),
    "TIME_ZONE": settings.TIME_ZONE,
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "LANGUAGES": [code for code, _name in settings.LANGUAGES],
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "NOW": settings.BUDGETCITOYEN_NOW.isoformat() if settings.BUDGETCITOYEN_NOW else None,
    "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
}))
"""


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "BUDGETCITOYEN_TODAY",
            "EMAIL_BACKEND",
            "BUDGETCITOYEN_VAR_DIR",
            "BEHIND_HTTPS_PROXY",
            "TRUSTED_PROXY_COUNT",
        }
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "budgetcitoyen.settings"
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_in(tmp_path: Path, **env: str) -> dict:
    result = load_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr


def test_the_client_address_trusts_as_many_proxies_as_configured(tmp_path):
    assert settings_in(tmp_path, SECRET_KEY="s")["TRUSTED_PROXY_COUNT"] == 0
    behind = settings_in(tmp_path, SECRET_KEY="s", BEHIND_HTTPS_PROXY="1")
    assert behind["TRUSTED_PROXY_COUNT"] == 1
    two = settings_in(tmp_path, SECRET_KEY="s", BEHIND_HTTPS_PROXY="1", TRUSTED_PROXY_COUNT="2")
    assert two["TRUSTED_PROXY_COUNT"] == 2
    refused = load_settings(tmp_path, SECRET_KEY="s", TRUSTED_PROXY_COUNT="-1")
    assert refused.returncode != 0 and "TRUSTED_PROXY_COUNT" in refused.stderr


def test_debug_is_off_unless_set(tmp_path):
    values = settings_in(tmp_path, SECRET_KEY="s3cret")
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == []
    assert values["EMAIL_BACKEND"] == "budgetcitoyen.core.mail.SMTPBackend"


def test_development_has_a_default_key_and_console_email(tmp_path):
    values = settings_in(tmp_path, DEBUG="1")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("dev-only")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_default_database_is_sqlite_in_var_with_wal(tmp_path):
    values = settings_in(tmp_path, DEBUG="true")
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(tmp_path.resolve() / "var" / "budgetcitoyen.sqlite3")
    assert "journal_mode=WAL" in values["OPTIONS"]["init_command"]
    assert values["OPTIONS"]["timeout"] >= 5
    assert (tmp_path / "var").is_dir()


def test_database_url_selects_postgresql(tmp_path):
    values = settings_in(
        tmp_path, DEBUG="1", DATABASE_URL="postgres://bc:pw@db.example:5432/budget"
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "budget"


def test_paris_time_and_french_first(tmp_path):
    values = settings_in(tmp_path, DEBUG="1")
    assert values["TIME_ZONE"] == "Europe/Paris"
    assert values["LANGUAGE_CODE"] == "fr"
    assert values["LANGUAGES"] == ["fr", "en"]


def test_allowed_hosts_come_from_a_comma_separated_list(tmp_path):
    values = settings_in(
        tmp_path, SECRET_KEY="x", ALLOWED_HOSTS="budgetcitoyen.pasdecalais.fr, www.example.fr"
    )
    assert values["ALLOWED_HOSTS"] == ["budgetcitoyen.pasdecalais.fr", "www.example.fr"]


def test_the_demo_clock_is_refused_in_production(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x", BUDGETCITOYEN_TODAY="2025-09-01")
    assert result.returncode != 0
    assert "BUDGETCITOYEN_TODAY n'est accepté qu'en mode développement" in result.stderr


def test_the_demo_clock_is_read_in_development(tmp_path):
    values = settings_in(tmp_path, DEBUG="1", BUDGETCITOYEN_TODAY="2025-09-01T08:15")
    assert values["NOW"] == "2025-09-01T08:15:00+02:00"


def test_a_malformed_debug_value_is_refused(tmp_path):
    result = load_settings(tmp_path, DEBUG="peut-être")
    assert result.returncode != 0
    assert "DEBUG doit valoir" in result.stderr


class TestEnvHelpers:
    @pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", "oui"])
    def test_true_words(self, raw):
        assert env_bool("X", environ={"X": raw}) is True

    @pytest.mark.parametrize("raw", ["0", "false", "no", "off", "non", ""])
    def test_false_words(self, raw):
        assert env_bool("X", True, environ={"X": raw}) is False

    def test_bool_default(self):
        assert env_bool("X", environ={}) is False

    def test_int(self):
        assert env_int("X", 3, environ={"X": "12"}) == 12
        assert env_int("X", 3, environ={}) == 3
        with pytest.raises(ImproperlyConfigured, match="nombre entier"):
            env_int("X", 3, environ={"X": "douze"})

    def test_list(self):
        assert env_list("X", ["a"], environ={}) == ["a"]
        assert env_list("X", ["a"], environ={"X": "b, c,,"}) == ["b", "c"]

    def test_frozen_now_formats(self):
        from zoneinfo import ZoneInfo

        paris = ZoneInfo("Europe/Paris")
        assert parse_frozen_now("2025-02-10", paris).hour == 12
        assert parse_frozen_now("2025-02-10T09:30", paris).minute == 30
        with pytest.raises(ImproperlyConfigured, match="AAAA-MM-JJ"):
            parse_frozen_now("10/02/2025", paris)
