"""Every URL of the site, from the resolver, and the objects each is asked about.

``walk()`` lists every pattern (named or not) with its full route. ``TARGETS`` says, for the
patterns that take parameters, which objects of the matrix world fill them, each under a state
name the expectations read ("own", "other", "draft", "labelled"…). A pattern with parameters
and no entry here, or a pattern with no expectation in ``matrix_rules.EXPECTATIONS``, fails the
matrix test with its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from budgetcitoyen.testing.matrix import World


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route for an unnamed pattern
    route: str
    has_parameters: bool


def walk(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield Pattern(
                key=f"{namespace}{entry.name}" if entry.name else route,
                route=route,
                has_parameters=entry.pattern.regex.groups > 0,
            )


# The Django admin and allauth's account pages are other projects' views, tested there; the
# matrix asks a few representative URLs of each (below, in ``FIXED``) and leaves out the rest.
EXCLUDED_PREFIXES = ("admin/", "compte/")
EXCLUDED_BUT = {"profile", "my_data", "my_data_download", "my_account_erase"}  # ours

# Representative URLs of the excluded groups, reversed by name: the admin's index, its login,
# a changelist per kind of data (an edition, the accounts, the audit log), and allauth's
# sign-in, sign-up, sign-out, password reset and e-mail addresses.
FIXED = [
    "admin:index",
    "admin:login",
    "admin:editions_edition_changelist",
    "admin:accounts_user_changelist",
    "admin:core_auditentry_changelist",
    "account_login",
    "account_signup",
    "account_logout",
    "account_reset_password",
    "account_email",
]


def excluded(pattern: Pattern) -> bool:
    return pattern.route.startswith(EXCLUDED_PREFIXES) and pattern.key not in EXCLUDED_BUT


Kwargs = dict[str, object]
Targets = Callable[[World], dict[str, Kwargs]]


def _pk(*names: str) -> Targets:
    return lambda w: {name.split("_", 1)[1]: {"pk": w.ids[name]} for name in names}


COMPTOIRS = _pk("comptoir_own", "comptoir_other", "comptoir_unpublished")
MANAGED = _pk("comptoir_own", "comptoir_other")
# Pages that read a dossier are asked about one in each state (a draft, labelled, not
# labelled, withdrawn); pages of its holder's workflow, about the holder's draft and labelled
# dossier and a stranger's draft.
DOSSIERS = _pk("dossier_draft", "dossier_labelled", "dossier_not_labelled", "dossier_withdrawn")
OWN_DOSSIERS = _pk("dossier_draft", "dossier_other_draft", "dossier_labelled")
DECIDED = _pk("dossier_draft", "dossier_labelled", "dossier_not_labelled")
SNAPSHOTS = _pk("snapshot_published", "snapshot_unpublished")


def _years(w: World) -> dict[str, Kwargs]:
    return {"published": {"year": w.year}, "unpublished": {"year": w.unpublished_year}}


# --- followup agreements ---
def _awards(w: World) -> dict[str, Any]:
    """The holder's laureate ("own", the labelled dossier's award, if the demo funded it) and
    another holder's ("other"), read from the world's database."""
    from budgetcitoyen.results.models import Award

    own = Award.objects.filter(decision_id=w.ids["decision_labelled"]).first()
    other = (
        Award.objects.exclude(decision__dossier__holder_id=w.users["holder"]).order_by("pk").first()
    )
    return {name: award for name, award in (("own", own), ("other", other)) if award is not None}


def _agreement_status(award: Any) -> str:
    from budgetcitoyen.followup.models import FundingAgreement

    agreement = FundingAgreement.objects.filter(award=award).first()
    return agreement.status if agreement else "none"


def _laureates(w: World, *, with_agreement: bool) -> dict[str, Kwargs]:
    """Each award under its name, and with the state of its agreement ("own_sent",
    "other_none"…) for the pages that read the agreement."""
    return {
        (f"{name}_{_agreement_status(award)}" if with_agreement else name): {"pk": award.pk}
        for name, award in _awards(w).items()
    }


def _agreement_scans(w: World) -> dict[str, Kwargs]:
    from budgetcitoyen.followup.models import SignedAgreementScan

    found: dict[str, Kwargs] = {}
    for name, award in _awards(w).items():
        scan = SignedAgreementScan.objects.filter(agreement__award=award).first()
        if scan is not None:
            found[f"{name}_{_agreement_status(award)}"] = {"pk": award.pk, "scan_pk": scan.pk}
    return found


# --- end followup agreements ---
# --- followup progress ---
def _followup(w: World, **states: dict[str, str]) -> dict[str, Kwargs]:
    """Each state's kwargs, each naming an object of ``w.ids``; a state the world lacks an
    object for is left out."""
    return {
        state: {name: w.ids[key] for name, key in kwargs.items()}
        for state, kwargs in states.items()
        if all(key in w.ids for key in kwargs.values())
    }


def _news(w: World) -> dict[str, Kwargs]:
    return _followup(w, news_draft={"pk": "news_draft"}, news_published={"pk": "news_published"})


def _holder_news(w: World) -> dict[str, Kwargs]:
    return _followup(
        w,
        news_draft={"pk": "dossier_labelled", "news_pk": "news_draft"},
        news_published={"pk": "dossier_labelled", "news_pk": "news_published"},
    )


# --- end followup progress ---


TARGETS: dict[str, Targets] = {
    "comptoirs:detail": COMPTOIRS,
    "comptoirs:ics": COMPTOIRS,
    "comptoirs:register": COMPTOIRS,
    "comptoirs:cancel": _pk(
        "registration_confirmed", "registration_waitlisted", "registration_cancelled"
    ),
    "comptoirs:sheet": MANAGED,
    "comptoirs:attendance": lambda w: {
        name: {"pk": w.ids[f"comptoir_{name}"], "registration_pk": w.ids["registration_confirmed"]}
        for name in ("own", "other")
    },
    "comptoirs:walk_in": MANAGED,
    "comptoirs:csv": MANAGED,
    "comptoirs:cancel_comptoir": MANAGED,
    "dossiers:overview": DOSSIERS,
    "dossiers:summary": OWN_DOSSIERS,
    "dossiers:receipt": OWN_DOSSIERS,
    "dossiers:withdraw": OWN_DOSSIERS,
    "dossiers:delete": OWN_DOSSIERS,
    "dossiers:photo_remove": OWN_DOSSIERS,
    "dossiers:attachment_remove": lambda w: {
        "labelled": {"pk": w.ids["dossier_labelled"], "attachment_pk": w.ids["attachment"]}
    },
    "dossiers:step": lambda w: {
        state: {**kwargs, "step": "presentation"} for state, kwargs in OWN_DOSSIERS(w).items()
    },
    "dossiers:photo": DOSSIERS,
    "dossiers:attachment": lambda w: {
        "labelled": {"pk": w.ids["dossier_labelled"], "attachment_pk": w.ids["attachment"]}
    },
    "dossiers:printable": DOSSIERS,
    "dossiers:pdf": DOSSIERS,
    "dossiers:by_reference": lambda w: {
        name.split("_", 1)[1]: {"reference": reference} for name, reference in w.references.items()
    },
    "dossiers:staff_detail": DOSSIERS,
    "labelling:dossier": DOSSIERS,
    "labelling:conflict": DECIDED,
    "labelling:decision": DECIDED,
    "labelling:project": _pk("decision_labelled", "decision_not_labelled"),
    "labelling:project_photo": _pk("decision_labelled", "decision_not_labelled"),
    "results:edition": _years,
    "results:csv": _years,
    "results:json": _years,
    "results:ballots": _years,
    "results:snapshot": SNAPSHOTS,
    "stats:edition": _years,
    "stats:csv": lambda w: {
        state: {**kwargs, "key": "votants-ages"} for state, kwargs in _years(w).items()
    },
    "results:publish": SNAPSHOTS,
    "results:snapshot_ballots": SNAPSHOTS,
    "voting:review": lambda w: {"decided": {"pk": w.ids["review"]}},
    # The public API (budgetcitoyen.api).
    "api:edition": _years,
    "api:results": _years,
    "api:statistics": _years,
    "api:project": lambda w: {
        name.split("_", 1)[1]: {"project_id": w.ids[name]}
        for name in ("decision_labelled", "decision_not_labelled")
    },
    "api:unknown": lambda w: {"": {"rest": "nulle-part"}},
    # --- followup agreements ---
    "followup:staff_laureate": lambda w: _laureates(w, with_agreement=False),
    "followup:agreement_edit": lambda w: _laureates(w, with_agreement=True),
    "followup:agreement_send": lambda w: _laureates(w, with_agreement=False),
    "followup:agreement_return_to_draft": lambda w: _laureates(w, with_agreement=False),
    "followup:agreement_sign": lambda w: _laureates(w, with_agreement=False),
    "followup:payment_add": lambda w: _laureates(w, with_agreement=False),
    "followup:holder_agreement": lambda w: _laureates(w, with_agreement=True),
    "followup:agreement_pdf": lambda w: _laureates(w, with_agreement=True),
    "followup:agreement_scan": lambda w: _agreement_scans(w),
    # --- end followup agreements ---
    # --- followup progress ---
    # The world's follow-up objects (``matrix.build_world`` adds them: see _followup below);
    # a state whose object the world lacks is not asked.
    "followup:holder_news": OWN_DOSSIERS,
    "followup:holder_news_edit": lambda w: _holder_news(w),
    "followup:holder_news_submit": lambda w: _holder_news(w),
    "followup:holder_news_delete": lambda w: _holder_news(w),
    "followup:holder_report": OWN_DOSSIERS,
    "followup:holder_report_attachment_remove": lambda w: _followup(
        w, piece={"pk": "dossier_labelled", "attachment_pk": "report_attachment"}
    ),
    "followup:news_photo": lambda w: _news(w),
    "followup:report_attachment": lambda w: _followup(
        w, piece={"pk": "award_own", "attachment_pk": "report_attachment"}
    ),
    "followup:staff_news": lambda w: _news(w),
    "followup:staff_news_publish": lambda w: _news(w),
    "followup:staff_news_refuse": lambda w: _news(w),
    "followup:staff_news_unpublish": lambda w: _news(w),
    "followup:staff_milestones": lambda w: _followup(w, own={"pk": "award_own"}),
    "followup:staff_milestone_remove": lambda w: _followup(
        w, own={"pk": "award_own", "milestone_pk": "milestone"}
    ),
    "followup:staff_report": lambda w: _followup(w, own={"pk": "award_own"}),
    "followup:staff_report_accept": lambda w: _followup(w, own={"pk": "award_own"}),
    "followup:staff_report_return": lambda w: _followup(w, own={"pk": "award_own"}),
    # --- end followup progress ---
    # --- followup documents ---
    # The world needs an open request on the labelled dossier with one file sent
    # (``w.ids["document_request"]``, ``w.ids["supporting_document"]``).
    "followup:document_request_create": DOSSIERS,
    "followup:staff_document_request": lambda w: {
        "labelled": {"request_pk": w.ids["document_request"]}
    },
    "followup:document_request_close": lambda w: {
        "labelled": {"request_pk": w.ids["document_request"]}
    },
    "followup:document_request_cancel": lambda w: {
        "labelled": {"request_pk": w.ids["document_request"]}
    },
    "followup:holder_document_request": lambda w: {
        "labelled": {"pk": w.ids["dossier_labelled"], "request_pk": w.ids["document_request"]}
    },
    "followup:supporting_document_remove": lambda w: {
        "labelled": {
            "pk": w.ids["dossier_labelled"],
            "request_pk": w.ids["document_request"],
            "file_pk": w.ids["supporting_document"],
        }
    },
    "followup:supporting_document": lambda w: {
        "labelled": {"pk": w.ids["dossier_labelled"], "file_pk": w.ids["supporting_document"]}
    },
    # --- end followup documents ---
}
