"""Hostile text fed to every form of the platform, through the test client, on the demo.

For each form, Hypothesis puts one hostile value (``testing/hostile.py``) into one of the
fields the page shows, the others keeping what the page filled in. Whatever it is: never a
500, never a script sent back unescaped, and a refused request (4xx) leaves the rows it
could have written as they were (the dossier steps save what parsed, by design: there no
stored text may hold a control character). Run on PostgreSQL in CI, where NUL matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.db.models import Model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcitoyen.core import ratelimit
from budgetcitoyen.core.inputs import CONTROL_CHARACTERS
from budgetcitoyen.testing.cast import confirm_password
from budgetcitoyen.testing.hostile import SCRIPT, PageForm, hostile_text, page_forms
from budgetcitoyen.testing.matrix import PHASE_DATES

pytestmark = pytest.mark.django_db

DEMO = "@demo.budgetcitoyen.fr"
DEMO_PASSWORD = "demo-budget-citoyen"  # demo.accounts.DEMO_PASSWORD


def _comptoir(demo: Any) -> int:
    return demo.comptoirs.order_by("starts_at").first().pk


def _organised_comptoir(demo: Any) -> int:
    return demo.comptoirs.filter(organisers__email=f"organisatrice{DEMO}").order_by("pk")[0].pk


def _future_comptoir(demo: Any) -> int:
    after = PHASE_DATES["comptoirs"]
    return (
        demo.comptoirs.filter(starts_at__gt=after, is_cancelled=False).order_by("starts_at")[0].pk
    )


def _draft(demo: Any) -> int:
    return demo.dossiers.get(holder__email=f"porteur{DEMO}", status="draft").pk


def _undecided(demo: Any) -> Any:
    """A dossier under review: the demo's labelling is over, so one refusal is taken back."""
    from budgetcitoyen.dossiers.models import Dossier
    from budgetcitoyen.labelling.models import Decision, Review

    review = (
        Review.objects.filter(dossier__edition=demo, dossier__decision__isnull=True)
        .select_related("dossier", "member")
        .first()
    )
    if review is None:
        review = Review.objects.filter(
            dossier__edition=demo, dossier__decision__outcome="not_labelled"
        ).select_related("dossier", "member")[0]
        Decision.objects.filter(dossier=review.dossier).delete()
        Dossier.objects.filter(pk=review.dossier_id).update(status=Dossier.Status.SUBMITTED)
    return review


def _submitted(demo: Any) -> int:
    return demo.dossiers.filter(holder__email=f"porteur{DEMO}", submitted_at__isnull=False)[0].pk


def _open_review(demo: Any) -> int:
    from budgetcitoyen.results.models import ResultSnapshot
    from budgetcitoyen.voting.models import IdentityReview

    review = IdentityReview.objects.filter(edition=demo).order_by("pk")[0]
    IdentityReview.objects.filter(pk=review.pk).update(status=IdentityReview.Status.OPEN)
    # As during the vote: no result is published yet, so the review can be decided.
    ResultSnapshot.objects.filter(edition=demo).update(published_at=None)
    return review.pk


def _porteur_award(demo: Any) -> Any:
    """The demo porteur's laureate: its agreement is signed, its first instalment paid."""
    from budgetcitoyen.results.models import Award

    return Award.objects.get(
        snapshot__edition=demo, decision__dossier__holder__email=f"porteur{DEMO}"
    )


def _models(*labels: str) -> list[type[Model]]:
    from django.apps import apps

    return [apps.get_model(label) for label in labels]


def _step_url(step: str) -> Callable[[Any], str]:
    return lambda demo: f"/mes-dossiers/{_draft(demo)}/{step}/"


@dataclass
class Target:
    name: str
    persona: str | Callable[[Any], Any] | None  # a demo account's prefix, or who; None: anonymous
    phase: str
    url: Callable[[Any], str]
    watched: list[str] = field(default_factory=list)  # models a refusal must leave unchanged
    saves_what_parsed: bool = False
    confirms_password: bool = False  # a staff action that matters (accounts.reauth)
    before: Callable[[Client], Any] | None = None  # what the person did to reach the form
    page: Callable[[Any], str] | None = None  # where the form is shown, when not at its URL


TARGETS = [
    Target(
        "inscription à un comptoir",
        "habitante",
        "comptoirs",
        lambda d: f"/comptoirs/{_comptoir(d)}/inscription/",
        ["comptoirs.Registration"],
    ),
    Target(
        "inscription sur place",
        "organisatrice",
        "comptoirs",
        lambda d: f"/organisation/comptoirs/{_organised_comptoir(d)}/sur-place/",
        ["comptoirs.Registration", "accounts.User"],
    ),
    *[
        Target(
            f"dossier, étape {step}",
            "porteur",
            "deposit",
            _step_url(step),
            ["dossiers.FinancingLine"] if step != "budget" else [],
            saves_what_parsed=True,
        )
        for step in ("presentation", "projet", "porteur", "budget")
    ],
    Target("code de vote demandé", None, "vote", lambda d: "/voter/connexion/", ["accounts.User"]),
    Target(
        "identité du votant",
        "habitante",
        "vote",
        lambda d: "/voter/identite/",
        ["voting.VoterDeclaration", "voting.Ballot"],
    ),
    Target(
        "bulletin papier",
        "agent",
        "counting",
        lambda d: "/saisie/bulletins/nouveau/",
        ["voting.Ballot", "voting.BallotChoice"],
    ),
    Target("vérification d'un reçu", None, "results", lambda d: "/verifier-mon-vote/"),
    Target("recherche dans le catalogue", None, "vote", lambda d: "/projets/"),
    Target("filtres des dossiers", "mission-ess", "labelling", lambda d: "/gestion/dossiers/"),
    Target(
        "avis d'un rapporteur",
        lambda d: _undecided(d).member,
        "labelling",
        lambda d: f"/comite/dossiers/{_undecided(d).dossier_id}/",
        ["labelling.Review", "labelling.Decision"],
    ),
    Target(
        "décision de labellisation",
        "mission-ess",
        "labelling",
        lambda d: f"/comite/dossiers/{_undecided(d).dossier_id}/decision/",
        ["labelling.Decision", "dossiers.Dossier"],
        confirms_password=True,
    ),
    Target(
        "conflit d'intérêts",
        lambda d: _undecided(d).member,
        "labelling",
        lambda d: f"/comite/dossiers/{_undecided(d).dossier_id}/conflit/",
        ["labelling.ConflictOfInterest", "labelling.Review"],
        page=lambda d: f"/comite/dossiers/{_undecided(d).dossier_id}/",
    ),
    Target(
        "retrait d'un dossier",
        "porteur",
        "awaiting_labelling",
        lambda d: f"/mes-dossiers/{_submitted(d)}/retirer/",
        ["dossiers.Dossier"],
    ),
    Target(
        "annulation d'un comptoir",
        "mission-ess",
        "comptoirs",
        lambda d: f"/organisation/comptoirs/{_future_comptoir(d)}/annuler/",
        ["comptoirs.Comptoir", "comptoirs.Registration"],
    ),
    Target(
        "code de vote reçu",
        None,
        "vote",
        lambda d: "/voter/connexion/code/",
        ["accounts.User"],  # a wrong code counts as an attempt, by design
        before=lambda c: c.post("/voter/connexion/", {"email": f"nouvelle{DEMO}"}),
    ),
    Target(
        "décision sur un vote multiple",
        "mission-ess",
        "vote",
        lambda d: f"/gestion/vote/verifications/{_open_review(d)}/",
        ["voting.IdentityReview", "voting.Ballot"],
        confirms_password=True,
    ),
    Target(
        "suppression de son compte",
        "habitante",
        "results",
        lambda d: "/compte/donnees/supprimer/",
        ["accounts.User"],
        page=lambda d: "/compte/donnees/",
    ),
    Target(
        "actualité d'un lauréat",
        "porteur",
        "results",
        lambda d: f"/mes-dossiers/{_porteur_award(d).decision.dossier_id}/suivi/actualites/",
        ["followup.NewsItem"],
    ),
    Target(
        "demande de pièces justificatives",
        "mission-ess",
        "labelling",
        lambda d: f"/gestion/dossiers/{_submitted(d)}/pieces/demander/",
        ["followup.DocumentRequest", "followup.RequestedDocument"],
    ),
    Target(
        "versement à un lauréat",
        "mission-ess",
        "results",
        lambda d: f"/gestion/suivi/laureats/{_porteur_award(d).pk}/versements/",
        ["followup.Payment"],
        confirms_password=True,
        page=lambda d: f"/gestion/suivi/laureats/{_porteur_award(d).pk}/",
    ),
    Target("profil", "habitante", "vote", lambda d: "/compte/profil/", ["accounts.User"]),
    Target("création de compte", None, "comptoirs", lambda d: "/compte/signup/", ["accounts.User"]),
]


def _rows(models: list[type[Model]]) -> list[list[tuple[Any, ...]]]:
    return [list(m.objects.order_by("pk").values_list()) for m in models]  # type: ignore[attr-defined]


def _stored_controls(demo: Any) -> list[str]:
    from budgetcitoyen.dossiers.models import Dossier

    draft = Dossier.objects.get(pk=_draft(demo))
    texts = [str(v) for v in vars(draft).values() if isinstance(v, str | dict)]
    return [t for t in texts if CONTROL_CHARACTERS.search(t)]


def _the_form(forms: list[PageForm], target: Target, url: str) -> PageForm:
    wanted = "get" if target.name.startswith(("recherche", "filtres")) else "post"
    candidates = [f for f in forms if f.method == wanted]
    if target.page:  # the page shows several forms: the one that posts to the URL
        candidates = [f for f in candidates if f.action == url]
    assert candidates, f"{target.name}: no {wanted} form on the page"
    return max(candidates, key=lambda f: len(f.text_fields))


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_hostile_text_in_any_field_is_refused_cleanly(demo, target):
    from budgetcitoyen.accounts.models import User

    with time_machine.travel(PHASE_DATES[target.phase], tick=False):
        client = Client()
        if callable(target.persona):
            client.force_login(target.persona(demo))
        elif target.persona:
            client.force_login(User.objects.get(email=f"{target.persona}{DEMO}"))
        if target.confirms_password:
            confirm_password(client, DEMO_PASSWORD)
        if target.before:
            target.before(client)
        url = target.url(demo)
        shown = target.page(demo) if target.page else url
        page = client.get(shown)
        assert page.status_code == 200, f"{target.name}: {shown} answers {page.status_code}"
        form = _the_form(page_forms(page.content.decode()), target, url)
        watched = _models(*target.watched)

        # 5 examples per form in the fast suite, 40 with --slow: each example is a request on
        # the demo, and 24 forms at 200 examples took two minutes of the CI's ten.
        @settings(
            max_examples=40 if settings().max_examples > 25 else 5,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(name=st.sampled_from(sorted(set(form.text_fields))), text=hostile_text())
        def send(name: str, text: str) -> None:
            ratelimit.reset()  # rate limits: every example reaches the form
            data = {**form.data, name: [text]}
            before = _rows(watched)
            if form.method == "get":
                response = client.get(f"{url}?{urlencode(data, doseq=True)}")
            else:
                response = client.post(form.action or url, data)
            body = response.content.decode(errors="replace")
            assert response.status_code < 500, (name, text)
            assert SCRIPT not in body, (name, text)
            if response.status_code >= 400:
                assert _rows(watched) == before, (name, text)
            if target.saves_what_parsed:
                assert _stored_controls(demo) == [], (name, text)

        send()


def test_a_lone_surrogate_never_reaches_a_form(demo):
    """Bytes that would decode to a lone surrogate become U+FFFD: nothing worse to refuse."""
    with time_machine.travel(PHASE_DATES["results"], tick=False):
        response = Client().post(
            "/verifier-mon-vote/",
            b"code=\xed\xa0\x80abc",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code < 500
