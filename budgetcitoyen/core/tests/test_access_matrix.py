"""Every URL of the site, for every role, at a date in each phase: the expected status, and no
page showing a role what it must not read.

The URLs come from the resolver (``testing/matrix_urls.py``), so a new view cannot be
forgotten: a pattern without an expectation in ``testing/matrix_rules.py`` fails
``test_every_url_has_an_expectation``. The world is the demo edition plus the objects it lacks
(``testing/matrix.py``), committed once per module; each test is one (phase, role) cell and
reports all its wrong URLs at once. A refusal that is the same in every phase is asked on a few
dates only (``matrix_rules.asked``), and so is a page shown to staff, who may read every
marker, and an answer of the API, which reads no session. Cells where today's answer is wrong are listed in
``matrix_rules.KNOWN_WRONG`` and asked on their own, as expected failures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from budgetcitoyen.dossiers.views import documents
from budgetcitoyen.testing.dbsnapshot import capture, restore
from budgetcitoyen.testing.matrix import PHASE_DATES, ROLES, World, build_world
from budgetcitoyen.testing.matrix_rules import (
    EXPECTATIONS,
    KNOWN_WRONG,
    SESSIONLESS,
    Probe,
    asked,
    leaks,
)
from budgetcitoyen.testing.matrix_urls import FIXED, TARGETS, Pattern, excluded, walk

# Who may read what is decided in Python, not by the engine: CI walks the matrix on SQLite
# only (any_database): it was the largest part of the PostgreSQL pass.
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


@pytest.fixture(autouse=True)
def _quick_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint without the seconds it takes to load and to lay out: the matrix asks who may
    download a dossier's PDF; the dossier tests check the document."""

    class HTML:
        def __init__(self, **kwargs: object) -> None:
            pass

        def write_pdf(self, **kwargs: object) -> bytes:
            return b"%PDF-1.7"

    monkeypatch.setitem(sys.modules, "weasyprint", SimpleNamespace(HTML=HTML))
    # Nor the photo written into the page as a data URI (megabytes of base64 to render).
    monkeypatch.setattr(documents, "_photo_data_uri", lambda dossier: None)


@pytest.fixture(scope="module")
def world(demo_built, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """The demo and the matrix's extra objects, committed for the module, then taken away."""
    from budgetcitoyen.demo.editions import DEMO_YEAR
    from budgetcitoyen.editions.models import Edition

    with django_db_blocker.unblock():
        before = capture()
        restore(demo_built.snapshot)
        try:
            yield build_world(Edition.objects.get(is_demo=True, year=DEMO_YEAR))
        finally:
            restore(before)


def covered(pattern: Pattern) -> bool:
    return pattern.key in EXPECTATIONS and (not pattern.has_parameters or pattern.key in TARGETS)


def probes(world: World) -> list[Probe]:
    """Every URL to ask: the walked patterns filled with the world's ids, and the fixed ones."""
    found = []
    for pattern in walk():
        if excluded(pattern) or not covered(pattern):
            continue  # test_every_url_has_an_expectation names it
        if pattern.has_parameters:
            for state, kwargs in TARGETS[pattern.key](world).items():
                found.append(Probe(pattern.key, state, reverse(pattern.key, kwargs=kwargs)))
        else:
            found.append(Probe(pattern.key, "", reverse(pattern.key)))
    found += [Probe(name, "", reverse(name)) for name in FIXED]
    return found


def test_every_url_has_an_expectation() -> None:
    missing = [pattern.key for pattern in walk() if not excluded(pattern) and not covered(pattern)]
    missing += [name for name in FIXED if name not in EXPECTATIONS]
    assert not missing, (
        "URL sans statut attendu (matrix_rules.EXPECTATIONS) ou sans objets pour ses "
        f"paramètres (matrix_urls.TARGETS) : {missing}"
    )


def test_every_readable_page_is_asked_on_every_date_and_every_refusal_on_several(
    world: World,
) -> None:
    from budgetcitoyen.testing.matrix_rules import (
        ALWAYS_ASKED,
        PHASELESS,
        reads_everything,
        rule_changes,
    )

    assert {role for role in ROLES if reads_everything(role)} == {"staff", "superuser"}
    for probe in probes(world):
        if probe.key in PHASELESS:
            continue
        changes = rule_changes(probe.key, probe.state)
        for role in ROLES:
            dates = [phase for phase in PHASE_DATES if asked(probe.key, probe.state, role, phase)]
            answers = {EXPECTATIONS[probe.key](role, phase, probe.state) for phase in PHASE_DATES}
            if probe.key in SESSIONLESS and role != "anonymous":
                assert set(dates) == ALWAYS_ASKED, (probe, role)
            elif (len(answers) > 1 or 200 in answers) and not reads_everything(role):
                assert dates == list(PHASE_DATES), (probe, role)
            else:
                assert set(dates) >= ALWAYS_ASKED | changes, (probe, role)


def ask(world: World, phase: str, role: str, wanted: Callable[[Probe], bool]) -> list[str]:
    """GET every wanted probe as ``role`` on the phase's date; what differs from the rules."""
    from budgetcitoyen.accounts.models import User

    wrong = []
    with time_machine.travel(PHASE_DATES[phase], tick=False):
        client = Client()
        user_id = world.users[role]
        if user_id is not None:
            client.force_login(User.objects.get(pk=user_id))
        for probe in probes(world):
            if not wanted(probe):
                continue
            response = client.get(probe.path)
            expected = EXPECTATIONS[probe.key](role, phase, probe.state)
            where = f"{probe.path} ({probe.key} {probe.state})".replace(" )", ")")
            if response.status_code != expected:
                wrong.append(f"{where}: {response.status_code}, attendu {expected}")
            if probe.key in SESSIONLESS and "Cookie" in response.get("Vary", ""):
                wrong.append(f"{where}: a lu la session (Vary: Cookie)")
            if response.status_code == 200:
                body = (
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                    if response.streaming
                    else response.content
                )
                wrong += [f"{where}: montre {name}" for name in leaks(world, role, phase, body)]
    return wrong


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("phase", list(PHASE_DATES))
def test_matrix(world: World, phase: str, role: str) -> None:
    def wanted(probe: Probe) -> bool:
        if not asked(probe.key, probe.state, role, phase):
            return False
        return (probe.key, probe.state, role, phase) not in KNOWN_WRONG

    wrong = ask(world, phase, role, wanted)
    assert not wrong, f"{phase}, {role} :\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "key,state,role,phase",
    [
        pytest.param(*cell, marks=pytest.mark.xfail(strict=True, reason=reason))
        for cell, reason in KNOWN_WRONG.items()
    ]
    or [pytest.param("", "", "", "", marks=pytest.mark.skip(reason="aucun écart connu"))],
)
def test_known_wrong(world: World, key: str, state: str, role: str, phase: str) -> None:
    """Each cell where today's answer is wrong, against the correct rule: it fails until the
    code is fixed, then fails as an unexpected pass so that the cell leaves ``KNOWN_WRONG``."""
    wrong = ask(world, phase, role, lambda probe: (probe.key, probe.state) == (key, state))
    assert not wrong, "\n".join(wrong)
