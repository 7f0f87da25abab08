"""The access matrix as rules: for each URL, the status each role gets in each phase.

``EXPECTATIONS`` maps a URL's name (``namespace:name``, as in ``reverse()``) to a function of
(role, phase, state) returning the status a GET must answer. The state is the name under
which ``matrix_urls.TARGETS`` filled the URL ("own", "draft", "labelled"…; "" for URLs
without parameters). The roles and the objects are those of ``testing/matrix.py``:

- the holder owns the ``draft`` and the ``labelled`` dossier; ``other_draft``,
  ``not_labelled`` and ``withdrawn`` belong to people outside the cast;
- the committee member is assigned the ``labelled`` and ``not_labelled`` dossiers; the
  conflicted member declared a conflict on ``not_labelled``; the third member has nothing;
- the organiser organises the comptoir ``own`` only; the registrant holds a confirmed place
  there (``confirmed``), was marked absent, and cancelled another one (``cancelled``); ``waitlisted`` is a
  stranger's registration.

``LEAKS`` says which roles may read each marker string of the world; every page a role gets
with status 200 is searched for the markers it may not read.
"""

from __future__ import annotations

import functools
import html
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from budgetcitoyen.testing.matrix import PHASE_DATES, ROLES, World

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, CONFLICT = 200, 302, 403, 404, 405, 409

PHASES = list(PHASE_DATES)
STAFF = {"staff", "superuser"}
COMMITTEE = {"committee", "committee_unassigned", "committee_conflict"}

Rule = Callable[[str, str, str], int]


@dataclass(frozen=True)
class Probe:
    key: str
    state: str
    path: str


def since(phase: str, first: str) -> bool:
    """Whether ``phase`` is ``first`` or a later one."""
    return PHASES.index(phase) >= PHASES.index(first)


def can_view_dossier(role: str, state: str) -> bool:
    """The holder, staff, and the committee members a submitted dossier is assigned to."""
    if role in STAFF:
        return True
    if role == "holder":
        return state in ("draft", "labelled")
    return role == "committee" and state in ("labelled", "not_labelled")


def in_workspace(role: str, state: str) -> bool:
    """The committee workspace: staff see every submitted dossier, members their assigned ones."""
    if state in ("draft", "other_draft"):
        return False
    return role in STAFF or (role == "committee" and state in ("labelled", "not_labelled"))


# --- Rule builders -------------------------------------------------------------------------------


def always(status: int) -> Rule:
    return lambda role, phase, state: status


def signed_in(rule: Rule) -> Rule:
    """``login_required``: anonymous visitors are sent to the sign-in page."""
    return lambda role, phase, state: REDIRECT if role == "anonymous" else rule(role, phase, state)


def staff_only(status: int = OK, refused: int = NOT_FOUND) -> Rule:
    return lambda role, phase, state: status if role in STAFF else refused


def when(test: Callable[[str, str, str], bool], yes: int, no: int) -> Rule:
    return lambda role, phase, state: yes if test(role, phase, state) else no


# --- Per URL -------------------------------------------------------------------------------------


def _register(role: str, phase: str, state: str) -> int:
    if state == "unpublished":
        return NOT_FOUND
    already = (role == "registrant" and state == "own") or (role == "holder" and state == "other")
    return REDIRECT if already else OK


def _start(role: str, phase: str, state: str) -> int:
    if since(phase, "awaiting_labelling"):
        return CONFLICT
    return OK if role == "holder" else FORBIDDEN  # only those who attended a comptoir


def _own_dossier(draft: int, submitted: int) -> Rule:
    def rule(role: str, phase: str, state: str) -> int:
        if role != "holder" or state not in ("draft", "labelled"):
            return NOT_FOUND
        return draft if state == "draft" else submitted

    return rule


def _step(role: str, phase: str, state: str) -> int:
    # A draft is edited until the deposit closes; after, as a submitted one, back to its overview.
    draft = REDIRECT if since(phase, "awaiting_labelling") else OK
    return _own_dossier(draft, REDIRECT)(role, phase, state)


def _photo(role: str, phase: str, state: str) -> int:
    # Only complete dossiers carry a photo.
    return (
        OK if state not in ("draft", "other_draft") and can_view_dossier(role, state) else NOT_FOUND
    )


def _staff_detail(role: str, phase: str, state: str) -> int:
    if not can_view_dossier(role, state):
        return NOT_FOUND
    return REDIRECT if role == "holder" else OK


def _project(role: str, phase: str, state: str) -> int:
    if state != "labelled":
        return NOT_FOUND
    if since(phase, "vote") or role in STAFF or role == "holder":
        return OK
    return NOT_FOUND


def _results_file(role: str, phase: str, state: str) -> int:
    return OK if state == "published" and since(phase, "results") else NOT_FOUND


def _statistics_file(role: str, phase: str, state: str) -> int:
    # Staff read the figures live, as provisional, before the results.
    return OK if role in STAFF or _results_file(role, phase, state) == OK else NOT_FOUND


def _ballot(role: str, phase: str, state: str) -> int:
    if role in ("anonymous", "voter"):
        return REDIRECT
    return REDIRECT if phase == "vote" else CONFLICT  # no declaration yet: to the identity page


# --- followup progress ---
def _own_laureate(status: int) -> Rule:
    """A page of the holder's own laureate (its dossier is ``labelled``); 404 to anyone else."""
    return lambda role, phase, state: (
        status
        if role == "holder" and state in ("labelled", "news_draft", "news_published", "piece")
        else NOT_FOUND
    )


# --- end followup progress ---


def _admin(role: str, phase: str, state: str) -> int:
    return OK if role in STAFF else REDIRECT


# --- followup agreements ---
def _followup_staff(role: str, phase: str, state: str) -> int:
    """Staff's follow-up pages: a laureate exists once the results are published."""
    return OK if role in STAFF and since(phase, "results") else NOT_FOUND


def _agreement_edit(role: str, phase: str, state: str) -> int:
    """The agreement's form: for a draft (or none yet); a sent or signed one sends staff back
    to the laureate's page."""
    status = state.partition("_")[2]
    if role in STAFF and since(phase, "results") and status not in ("", "none", "draft"):
        return REDIRECT
    return _followup_staff(role, phase, state)


def _agreement_document(role: str, phase: str, state: str) -> int:
    """An agreement's page, PDF and scan: staff always, its holder once sent; the state is
    "<own|other>_<status of the agreement, or none>"."""
    owner, _, status = state.partition("_")
    if not since(phase, "results") or status in ("", "none"):
        return NOT_FOUND
    if role in STAFF:
        return OK
    return OK if role == "holder" and owner == "own" and status != "draft" else NOT_FOUND


def _followup_exports(role: str, phase: str, state: str) -> int:
    # No edition has published results before the results date: nothing to export.
    return _followup_staff(role, phase, state)


# --- end followup agreements ---


EXPECTATIONS: dict[str, Rule] = {
    # Public pages.
    "home": always(OK),
    "how_it_works": always(OK),
    "accessibility": always(OK),
    "legal_notice": always(OK),
    "privacy": always(OK),
    "health": always(OK),  # JSON for the load balancer; the same for everyone
    "set_language": always(REDIRECT),  # a POST form; a GET goes back
    "profile": signed_in(always(OK)),
    "my_data": signed_in(always(OK)),
    "my_data_download": signed_in(always(OK)),
    "my_account_erase": signed_in(always(NOT_ALLOWED)),  # a POST form
    # Comptoirs: public agenda, the person's registrations, the organiser space.
    "comptoirs:agenda": always(OK),
    "comptoirs:agenda_ics": always(OK),
    "comptoirs:detail": when(lambda r, p, s: s != "unpublished", OK, NOT_FOUND),
    "comptoirs:ics": when(lambda r, p, s: s != "unpublished", OK, NOT_FOUND),
    "comptoirs:register": signed_in(_register),
    "comptoirs:my_registrations": signed_in(always(OK)),
    "comptoirs:cancel": signed_in(
        when(lambda r, p, s: r == "registrant" and s != "waitlisted", OK, NOT_FOUND)
    ),
    "comptoirs:organiser_home": signed_in(
        when(lambda r, p, s: r in STAFF or r == "organiser", OK, FORBIDDEN)
    ),
    "comptoirs:sheet": signed_in(
        when(lambda r, p, s: r in STAFF or (r == "organiser" and s == "own"), OK, FORBIDDEN)
    ),
    "comptoirs:walk_in": signed_in(
        when(lambda r, p, s: r in STAFF or (r == "organiser" and s == "own"), OK, FORBIDDEN)
    ),
    "comptoirs:csv": signed_in(
        when(lambda r, p, s: r in STAFF or (r == "organiser" and s == "own"), OK, FORBIDDEN)
    ),
    "comptoirs:cancel_comptoir": signed_in(staff_only(OK, FORBIDDEN)),
    "comptoirs:attendance": signed_in(always(NOT_ALLOWED)),  # POST only
    # Dossiers: the holder's pages, the read-only views, staff's list.
    "dossiers:mine": signed_in(always(OK)),
    "dossiers:start": signed_in(_start),
    "dossiers:overview": _own_dossier(OK, OK),
    "dossiers:summary": _own_dossier(OK, REDIRECT),
    "dossiers:receipt": _own_dossier(NOT_FOUND, OK),
    "dossiers:withdraw": _own_dossier(OK, OK),
    "dossiers:delete": _own_dossier(OK, OK),
    "dossiers:photo_remove": _own_dossier(NOT_ALLOWED, NOT_ALLOWED),  # POST only
    "dossiers:attachment_remove": _own_dossier(NOT_ALLOWED, NOT_ALLOWED),  # POST only
    "dossiers:step": _step,
    "dossiers:photo": _photo,
    "dossiers:attachment": when(lambda r, p, s: can_view_dossier(r, s), OK, NOT_FOUND),
    "dossiers:printable": when(lambda r, p, s: can_view_dossier(r, s), OK, NOT_FOUND),
    "dossiers:pdf": when(lambda r, p, s: can_view_dossier(r, s), OK, NOT_FOUND),
    "dossiers:by_reference": when(lambda r, p, s: can_view_dossier(r, s), REDIRECT, NOT_FOUND),
    "dossiers:staff_detail": _staff_detail,
    "dossiers:staff_list": staff_only(),
    "dossiers:export_csv": staff_only(),
    "dossiers:export_xlsx": staff_only(),
    # Labelling: the committee workspace, staff's decisions, the public projects.
    "labelling:workspace": when(lambda r, p, s: r in STAFF or r in COMMITTEE, OK, NOT_FOUND),
    "labelling:dossier": when(lambda r, p, s: in_workspace(r, s), OK, NOT_FOUND),
    "labelling:conflict": when(lambda r, p, s: in_workspace(r, s), REDIRECT, NOT_FOUND),
    "labelling:decision": when(lambda r, p, s: r in STAFF and in_workspace(r, s), OK, NOT_FOUND),
    "labelling:assignments": staff_only(),
    "labelling:figures": staff_only(),
    "labelling:notify": staff_only(REDIRECT),
    "labelling:export_csv": staff_only(),
    "labelling:export_xlsx": staff_only(),
    "labelling:projects": always(OK),
    "labelling:project": _project,
    "labelling:project_photo": _project,
    # The vote.
    "voting:home": always(OK),
    "voting:sign_in": when(lambda r, p, s: r == "anonymous", OK, REDIRECT),
    "voting:sign_in_code": always(REDIRECT),  # no code asked for: back to the address
    "voting:identity": when(lambda r, p, s: r in ("anonymous", "voter"), REDIRECT, OK),
    "voting:ballot": _ballot,
    "voting:cast": always(REDIRECT),  # POST only; a GET goes back to the ballot
    "voting:receipt": when(lambda r, p, s: r == "voter", OK, REDIRECT),
    "voting:verify": always(OK),
    "voting:dashboard": staff_only(),
    "voting:reviews": staff_only(),
    "voting:review": staff_only(),
    "voting:ip_clusters": staff_only(),
    "voting:paper_list": when(lambda r, p, s: r in STAFF or r == "agent", OK, NOT_FOUND),
    "voting:paper_enter": when(lambda r, p, s: r in STAFF or r == "agent", OK, NOT_FOUND),
    # Results.
    "results:index": always(OK),
    "results:edition": when(lambda r, p, s: s == "published", OK, NOT_FOUND),
    "results:csv": _results_file,
    "results:json": _results_file,
    "results:ballots": _results_file,
    "results:staff": staff_only(),
    "stats:latest": always(OK),
    "stats:edition": lambda r, p, s: OK if s == "published" or r in STAFF else NOT_FOUND,
    "stats:csv": _statistics_file,
    "results:snapshot": staff_only(),
    "results:publish": always(NOT_ALLOWED),  # POST only, refused before any check
    "results:snapshot_ballots": staff_only(),
    # Open data: public at every date, each edition's files listed once its results are out.
    "opendata:index": always(OK),
    "opendata:catalogue": always(OK),
    "opendata:projets": always(OK),
    "opendata:comptoirs": always(OK),
    "opendata:communes": always(OK),
    # The public API (budgetcitoyen.api): the same answer for every role, staff included.
    "api:home": always(OK),
    "api:api-root": always(OK),
    "api:openapi-json": always(OK),
    "api:openapi-view": always(OK),
    "api:editions": always(OK),
    "api:edition": lambda r, p, s: OK if s == "published" else NOT_FOUND,
    "api:results": lambda r, p, s: _results_file("anonymous", p, s),
    "api:statistics": lambda r, p, s: _results_file("anonymous", p, s),
    "api:territories": always(OK),
    "api:communes": always(OK),
    "api:comptoirs": always(OK),
    "api:projects": always(OK),
    "api:project": lambda r, p, s: _project("anonymous", p, s),
    "api:unknown": always(NOT_FOUND),
    # The archive of editions and the import of past editions' results.
    "results:archive": always(OK),
    "results:import": staff_only(),
    # Representative pages of the Django admin and of allauth (see matrix_urls.FIXED).
    "admin:index": _admin,
    "admin:login": when(lambda r, p, s: r in STAFF, REDIRECT, OK),
    "admin:editions_edition_changelist": _admin,
    "admin:accounts_user_changelist": _admin,
    "admin:core_auditentry_changelist": _admin,
    "account_login": when(lambda r, p, s: r == "anonymous", OK, REDIRECT),
    "account_signup": when(lambda r, p, s: r == "anonymous", OK, REDIRECT),
    "account_logout": when(lambda r, p, s: r == "anonymous", REDIRECT, OK),
    "account_reset_password": always(OK),
    "account_email": signed_in(always(OK)),
    # --- followup agreements ---
    "followup:staff_laureates": staff_only(),
    "followup:staff_laureate": _followup_staff,
    "followup:agreement_edit": _agreement_edit,
    "followup:agreement_send": always(NOT_ALLOWED),  # POST only, refused before any check
    "followup:agreement_return_to_draft": always(NOT_ALLOWED),
    "followup:agreement_sign": always(NOT_ALLOWED),
    "followup:payment_add": always(NOT_ALLOWED),
    "followup:holder_agreement": _agreement_document,
    "followup:agreement_pdf": _agreement_document,
    "followup:agreement_scan": _agreement_document,
    "followup:export_payments_csv": _followup_exports,
    "followup:export_payments_xlsx": _followup_exports,
    "followup:export_agreements_csv": _followup_exports,
    "followup:export_agreements_xlsx": _followup_exports,
    # --- end followup agreements ---
    # --- followup progress ---
    # The holder's pages of their laureate (the labelled dossier of the world is one of the
    # demo's laureates); POST-only actions answer 405 to a GET once the object is theirs.
    "followup:holder_news": _own_laureate(OK),
    "followup:holder_news_edit": _own_laureate(OK),
    "followup:holder_news_submit": _own_laureate(NOT_ALLOWED),
    "followup:holder_news_delete": _own_laureate(NOT_ALLOWED),
    "followup:holder_report": _own_laureate(OK),
    "followup:holder_report_attachment_remove": _own_laureate(NOT_ALLOWED),
    # A published news item's photo is public; a draft's, its holder's and staff's.
    "followup:news_photo": when(
        lambda r, p, s: s == "news_published" or r in STAFF or r == "holder", OK, NOT_FOUND
    ),
    "followup:report_attachment": when(lambda r, p, s: r in STAFF or r == "holder", OK, NOT_FOUND),
    "followup:staff_news_queue": staff_only(),
    "followup:staff_news": staff_only(),
    "followup:staff_news_publish": staff_only(NOT_ALLOWED),
    "followup:staff_news_refuse": staff_only(NOT_ALLOWED),
    "followup:staff_news_unpublish": staff_only(NOT_ALLOWED),
    "followup:staff_milestones": staff_only(),
    "followup:staff_milestone_remove": staff_only(NOT_ALLOWED),
    "followup:staff_report": staff_only(),
    "followup:staff_report_accept": staff_only(NOT_ALLOWED),
    "followup:staff_report_return": staff_only(NOT_ALLOWED),
    # --- end followup progress ---
    # --- followup documents ---
    # Staff ask about any submitted dossier; a draft answers 409 (a French refusal, no form).
    "followup:document_request_create": lambda r, p, s: (
        (CONFLICT if s in ("draft", "other_draft") else OK) if r in STAFF else NOT_FOUND
    ),
    "followup:documents_outstanding": staff_only(),
    # The world's request (``document_request``, on the labelled dossier) is open.
    "followup:staff_document_request": staff_only(),
    "followup:document_request_close": staff_only(),  # a GET confirms first
    "followup:document_request_cancel": staff_only(),
    "followup:holder_document_request": _own_dossier(NOT_FOUND, OK),
    "followup:supporting_document_remove": _own_dossier(NOT_FOUND, NOT_ALLOWED),  # POST only
    "followup:supporting_document": when(lambda r, p, s: can_view_dossier(r, s), OK, NOT_FOUND),
    # --- end followup documents ---
    # --- followup public ---
    # The laureates and the feed of their news: public at every date (empty before results).
    "followup:laureates": always(OK),
    "followup:feed": always(OK),
    "api:laureates": always(OK),
    # --- end followup public ---
}


# Pages that read no edition and no date (beyond the layout's current edition, which every
# other page shows on every date): asked in the first phase only, for every role.
PHASELESS = {
    "accessibility",
    "health",
    "legal_notice",
    "privacy",
    "set_language",
    "profile",
    "my_data_download",
    "my_account_erase",
    # The API's description (its page, its OpenAPI document, its root) and its reference
    # data, and the communes' file: the code and the communes only.
    "api:home",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "api:territories",
    "api:communes",
    "opendata:communes",
    *(key for key in EXPECTATIONS if key.startswith(("admin:", "account_"))),
}


# A refusal the rules make the same in every phase (a page of staff's for a resident, another
# person's dossier, an unpublished edition's comptoir) is asked on the first date, during the
# vote, on the last date, and on every date where the page's rule changes for some other role
# (where the view's answer turns on the phase): there the view would open by mistake, if
# anywhere. Every page a role may read (200) is asked on every date, its body scanned for
# leaks, except to the roles that may read every marker (``reads_everything``: staff), for
# whom a page can only answer the wrong status: their pages are asked as refusals are.
ALWAYS_ASKED = {PHASES[0], "vote", PHASES[-1]}


@functools.cache
def constant_refusal(key: str, state: str, role: str) -> bool:
    answers = {EXPECTATIONS[key](role, phase, state) for phase in PHASES}
    return len(answers) == 1 and OK not in answers


@functools.cache
def rule_changes(key: str, state: str) -> set[str]:
    """The phases on which the page's expected answer changes for at least one role."""
    return {
        later
        for earlier, later in itertools.pairwise(PHASES)
        if any(
            EXPECTATIONS[key](role, earlier, state) != EXPECTATIONS[key](role, later, state)
            for role in ROLES
        )
    }


@functools.cache
def reads_everything(role: str) -> bool:
    """A role that may read every marker on every date (staff, superusers): no page can
    leak to it, so the pages it reads are asked as refusals are, for their status."""
    return all(allowed(role, phase) for allowed in LEAKS.values() for phase in PHASES)


# The API's JSON answers, which read no session (``api/http.py``): the same for every role. They
# are asked as an anonymous visitor on every date, with the proof that nothing read the session
# (no "Vary: Cookie", which reading it adds), and as every other role on the fixed dates.
SESSIONLESS = {
    key
    for key in EXPECTATIONS
    if key.startswith("api:") and key not in ("api:home", "api:openapi-view")  # HTML pages
}


def asked(key: str, state: str, role: str, phase: str) -> bool:
    """Whether the matrix asks this page as this role on this phase's date."""
    if key in PHASELESS:
        return phase == PHASES[0]
    if key in SESSIONLESS and role != "anonymous":
        return phase in ALWAYS_ASKED
    if not constant_refusal(key, state, role) and not reads_everything(role):
        return True
    return phase in ALWAYS_ASKED or phase in rule_changes(key, state)


# --- What no page may show to the wrong role ------------------------------------------------------

CONTACT_READERS = {"holder", "committee", *STAFF}

# marker name -> (role, phase) -> may that role read it in that phase?
LEAKS: dict[str, Callable[[str, str], bool]] = {
    "holder_email": lambda role, phase: role in CONTACT_READERS,
    "holder_phone": lambda role, phase: role in CONTACT_READERS,
    "draft_text": lambda role, phase: role in ("holder", *STAFF),
    "labelled_private_text": lambda role, phase: role in CONTACT_READERS,
    "not_labelled_text": lambda role, phase: role in ("committee", *STAFF),
    "review_comment": lambda role, phase: role in ("committee", *STAFF),
    "voter_email": lambda role, phase: role in ("voter", *STAFF),
    "unpublished_sha": lambda role, phase: role in STAFF,
    "published_sha": lambda role, phase: role in STAFF or since(phase, "results"),
    "news_draft_text": lambda role, phase: role in ("holder", *STAFF),
    "payment_reference": lambda role, phase: role in STAFF,
}


def leaks(world: World, role: str, phase: str, body: bytes) -> Iterator[str]:
    """The markers in ``body`` that ``role`` may not read in ``phase``."""
    text = html.unescape(body.decode("utf-8", errors="replace"))
    for name, allowed in LEAKS.items():
        if not allowed(role, phase) and world.markers[name] in text:
            yield name


# Cells where today's answer differs from the rule above, which is the correct behaviour:
# (URL name, state, role, phase) -> what is wrong. Asked by ``test_known_wrong`` as strict
# expected failures, and left out of the matrix cells, until the code is fixed.
KNOWN_WRONG: dict[tuple[str, str, str, str], str] = {}
