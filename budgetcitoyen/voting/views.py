"""Pages of the vote: signing in, the declaration, the ballot, receipts; staff and agents.

The voter's path: /voter/ → connexion (email, then code) → identité → bulletin → récapitulatif
→ reçu. Every step works without JavaScript; the script only updates the counter live.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from budgetcitoyen.accounts import signin
from budgetcitoyen.accounts.reauth import require_password_confirmed
from budgetcitoyen.ballots import rules
from budgetcitoyen.core.errors import (
    AlreadyDone,
    DomainError,
    InvalidInput,
    RateLimited,
    refusal,
)
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.core.ratelimit import client_ip, consume
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import edition_or_404, vote_rule_text
from budgetcitoyen.labelling.permissions import projects_are_public
from budgetcitoyen.territories.models import Commune, CommuneAlias
from budgetcitoyen.voting import ballotlines, catalogue, permissions, selectors, services
from budgetcitoyen.voting.forms import (
    CodeForm,
    EmailForm,
    IdentityForm,
    PaperBallotForm,
    ReceiptForm,
    ReviewDecisionForm,
)
from budgetcitoyen.voting.identity import has_unusual
from budgetcitoyen.voting.models import Ballot, IdentityReview

SESSION_EMAIL = "vote_email"
# The receipt code is shown in the confirmation's own answer, once (``_receipt_page``): no
# redirect, no cookie, no session write per ballot.


# --- Shared helpers ----------------------------------------------------------------------------


def _rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = render(request, "errors/429.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _with_form_error(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any, error: DomainError
) -> HttpResponse:
    if isinstance(error, RateLimited):
        return _rate_limited(request, error)
    add_domain_error(form, error)
    return render(request, template, {**context, "form": form}, status=error.status_code)


def _communes_datalist() -> list[tuple[str, str]]:
    """(value, label) of every commune and former commune, for the autocomplete list."""
    names = [(c.name, "") for c in Commune.objects.order_by("search_name").only("name")]
    aliases = [
        (a.name, _("ancienne commune, aujourd'hui %(commune)s") % {"commune": a.commune.name})
        for a in CommuneAlias.objects.select_related("commune").order_by("search_name")
    ]
    return names + aliases


def _ballot_context(edition: Edition, chosen: list[int]) -> dict[str, Any]:
    """The ballot's projects grouped by category, with what is currently chosen.

    The projects come from this process's memory (``voting.catalogue``); with nothing chosen
    (the page as first shown) their list is HTML drawn once per language and reused.
    """
    rule = rules.rule_of(edition)
    ballot = catalogue.ballot_of(edition)
    context: dict[str, Any] = {
        "edition": edition,
        "rule": rule,
        "rule_text": vote_rule_text(edition),
        "has_projects": bool(ballot.projects),
        "options": ballot.options,
        "counter": rule.counter(ballot.options, chosen),
        "counter_over": rule.excess(len(chosen)) > 0,
        "counter_states": catalogue.counter_states(ballot, rule),
        "chosen": chosen,
    }
    if chosen:
        context["groups"] = catalogue.groups_of(ballot, chosen)
    else:
        context["choices_html"] = catalogue.rendered_choices(ballot, rule, context)
    return context


def _summary_context(
    edition: Edition, chosen: list[int], points: list[tuple[int, int]]
) -> dict[str, Any]:
    """The summary: only the chosen projects, from the same kept ballot."""
    rule = rules.rule_of(edition)
    ballot = catalogue.ballot_of(edition)
    return {
        "edition": edition,
        "rule": rule,
        "counter": rule.counter(ballot.options, chosen),
        "summary": [({"project": ballot.by_pk[pk]}, p) for pk, p in points],
        "form_fields": rule.form_fields(ballot.options, chosen),
    }


def parse_choices(edition: Edition, data: Mapping[str, Any]) -> list[int]:
    """The ordered project ids a ballot form sends, whatever its shape (see ``rules``)."""
    return rules.rule_of(edition).parse(data)


def _voter(request: HttpRequest) -> Any:
    """The signed-in person (pages call ``_require_voter`` first)."""
    return request.user


def _require_voter(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('voting:sign_in')}?suivant={request.path}")
    return None


def _receipt_page(
    request: HttpRequest, edition: Edition, ballot_row: Ballot, code: str | None, status: int = 200
) -> HttpResponse:
    """The receipt: the code once, in the confirmation's own answer (no redirect, no cookie);
    any later visit says it was emailed. Never stored by a browser or a proxy."""
    context = {"edition": edition, "ballot": ballot_row, "code": code}
    response = render(request, "voting/receipt.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


# --- The voter's path -------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    edition = edition_or_404(request)
    closed = refusal(services.check_vote_open, edition)
    ballot = services.ballot_of(edition, request.user)
    declaration = services.declaration_of(edition, request.user)
    return render(
        request,
        "voting/home.html",
        {
            "edition": edition,
            "closed": closed,
            "ballot": ballot,
            "declaration": declaration,
            "rule_text": vote_rule_text(edition),
            "project_count": services.published_projects(edition).count()
            if projects_are_public(edition)
            else 0,
        },
    )


def _franceconnect_url() -> str | None:
    """The FranceConnect sign-in URL when it is configured (settings.FRANCECONNECT_CLIENT_ID)."""
    from django.conf import settings

    if not settings.FRANCECONNECT_ENABLED:
        return None
    return reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"})


def _franceconnect_identity(user: Any) -> dict[str, Any]:
    """Names and birth date FranceConnect vouched for, to prefill the declaration."""
    from datetime import date

    from django.conf import settings

    if not settings.FRANCECONNECT_ENABLED:
        return {}
    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.filter(user=user, provider="franceconnect").first()
    if account is None:
        return {}
    data = account.extra_data or {}
    values: dict[str, Any] = {
        "last_name": data.get("family_name", ""),
        "first_name": str(data.get("given_name", "")).split(" ")[0],
        "other_first_names": " ".join(str(data.get("given_name", "")).split(" ")[1:]),
    }
    with suppress(ValueError):
        values["birth_date"] = date.fromisoformat(str(data.get("birthdate", "")))
    return values


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("voting:identity")
    form = EmailForm(request.POST if request.method == "POST" else None)
    context = {"edition": edition_or_404(request), "franceconnect_url": _franceconnect_url()}
    if form.is_bound and form.is_valid():
        try:
            signin.code_request(email=form.cleaned_data["email"], ip=client_ip(request))
        except DomainError as error:
            return _with_form_error(request, "voting/sign_in.html", context, form, error)
        request.session[SESSION_EMAIL] = form.cleaned_data["email"].lower()
        return redirect("voting:sign_in_code")
    status = 400 if form.is_bound else 200
    return render(request, "voting/sign_in.html", {**context, "form": form}, status=status)


def sign_in_code(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SESSION_EMAIL)
    if not email:
        return redirect("voting:sign_in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"edition": edition_or_404(request), "email": email}
    if form.is_bound and form.is_valid():
        try:
            user = signin.code_verify(
                email=email, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except DomainError as error:
            return _with_form_error(request, "voting/sign_in_code.html", context, form, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(SESSION_EMAIL, None)
        messages.success(
            request, _("Vous êtes connecté avec l'adresse %(email)s.") % {"email": email}
        )
        return redirect("voting:identity")
    status = 400 if form.is_bound else 200
    return render(request, "voting/sign_in_code.html", {**context, "form": form}, status=status)


def identity(request: HttpRequest) -> HttpResponse:
    if (response := _require_voter(request)) is not None:
        return response
    edition = edition_or_404(request)
    if services.ballot_of(edition, request.user) is not None:
        return redirect("voting:home")
    declaration = services.declaration_of(edition, request.user)
    initial: dict[str, Any] = {}
    if declaration is not None:
        initial = {
            "last_name": declaration.last_name,
            "first_name": declaration.first_name,
            "other_first_names": declaration.other_first_names,
            "birth_date": declaration.birth_date,
            "commune": declaration.commune.name,
            "postal_code": declaration.postal_code,
        }
    else:
        person = _voter(request)
        initial = {"last_name": person.last_name, "first_name": person.first_name}
        initial.update(_franceconnect_identity(person))
    form = IdentityForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {
        "edition": edition,
        "closed": refusal(services.check_vote_open, edition),
        "communes": _communes_datalist(),
        "declaration": declaration,
    }
    if form.is_bound:
        if form.is_valid():
            try:
                services.declaration_save(
                    edition=edition,
                    user=request.user,
                    sworn=form.cleaned_data["sworn"],
                    **form.identity(),
                )
            except DomainError as error:
                return _with_form_error(request, "voting/identity.html", context, form, error)
            return redirect("voting:ballot")
        return render(request, "voting/identity.html", {**context, "form": form}, status=400)
    return render(request, "voting/identity.html", {**context, "form": form})


def ballot(request: HttpRequest) -> HttpResponse:
    """The ballot (GET), then its summary (POST): nothing is recorded before the confirmation."""
    if (response := _require_voter(request)) is not None:
        return response
    edition = edition_or_404(request)
    if services.ballot_of(edition, request.user) is not None:
        messages.info(request, _("Vous avez déjà voté : un bulletin enregistré est définitif."))
        return redirect("voting:home")
    closed = refusal(services.check_vote_open, edition)
    if closed:
        return render(
            request, "voting/closed.html", {"edition": edition, "message": closed}, status=409
        )
    if services.declaration_of(edition, request.user) is None:
        return redirect("voting:identity")
    chosen: list[int] = []
    error: str | None = None
    if request.method == "POST":
        try:
            chosen = parse_choices(edition, request.POST)
            points = services.ballot_check(edition, chosen)
        except DomainError as refused:
            error = refused.message
        else:
            if request.POST.get("action") != "modifier":
                return render(
                    request, "voting/summary.html", _summary_context(edition, chosen, points)
                )
    context = _ballot_context(edition, chosen)
    context["error"] = error
    return render(request, "voting/ballot.html", context, status=400 if error else 200)


def cast(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("voting:ballot")
    if (response := _require_voter(request)) is not None:
        return response
    edition = edition_or_404(request)
    chosen: list[int] = []
    try:
        consume("vote_cast", user=str(_voter(request).pk), ip=client_ip(request))
        chosen = parse_choices(edition, request.POST)
        ballot_row, code = services.ballot_cast(
            edition=edition, user=request.user, choices=chosen, ip=client_ip(request)
        )
    except RateLimited as error:
        return _rate_limited(request, error)
    except InvalidInput as error:
        # Back to the ballot with the choices sent still ticked (those that could be read).
        context = _ballot_context(edition, chosen)
        context["error"] = error.message
        return render(request, "voting/ballot.html", context, status=400)
    except AlreadyDone as error:
        recorded = services.ballot_of(edition, request.user)
        if recorded is None:  # pragma: no cover - AlreadyDone means a ballot exists
            raise
        # The same confirmation sent again (a reload of the receipt): the receipt, without
        # the code, which was shown once and emailed.
        messages.info(request, error.message)
        return _receipt_page(request, edition, recorded, None, status=error.status_code)
    except DomainError as error:
        return render(
            request,
            "voting/closed.html",
            {"edition": edition, "message": error.message},
            status=error.status_code,
        )
    return _receipt_page(request, edition, ballot_row, services.format_receipt(code))


def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt page opened again: the ballot's state; the code itself was shown once, in
    the confirmation's answer, and emailed."""
    if (response := _require_voter(request)) is not None:
        return response
    edition = edition_or_404(request)
    ballot_row = services.ballot_of(edition, request.user)
    if ballot_row is None:
        return redirect("voting:home")
    return _receipt_page(request, edition, ballot_row, None)


def verify(request: HttpRequest) -> HttpResponse:
    """Vérifier mon vote: the code shows the ballot's status and choices (POST: no code in URLs)."""
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    found: Ballot | None = None
    searched = False
    if form.is_bound and form.is_valid():
        try:
            found = services.receipt_lookup(code=form.cleaned_data["code"], ip=client_ip(request))
        except RateLimited as error:
            return _rate_limited(request, error)
        searched = True
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif searched and found is None:
        status = 404
    line = None
    if found is not None:
        line = selectors.published_line(found, form.cleaned_data["code"])
    return render(
        request,
        "voting/verify.html",
        {
            "form": form,
            "ballot": found,
            "line": line,
            "openssl_command": ballotlines.openssl_command(
                line.key if line and line.key else "CLE",
                services.normalise_receipt(form.cleaned_data["code"])
                if found is not None
                else "VOTRECODEDERECU0",
            ),
            "searched": searched,
            "shows_points": found is not None
            and rules.rule_class(found.edition.vote_rule).uses_points,
        },
        status=status,
    )


# --- Staff ------------------------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_follow_vote(request.user):
        raise Http404


def dashboard(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    return render(
        request,
        "voting/dashboard.html",
        {
            "edition": edition,
            "numbers": selectors.dashboard(edition),
            "editions": Edition.objects.all(),
        },
    )


def reviews(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    queue = list(selectors.reviews(edition))
    return render(
        request,
        "voting/reviews.html",
        {
            "edition": edition,
            "open": [r for r in queue if r.status == IdentityReview.Status.OPEN],
            "decided": [r for r in queue if r.status != IdentityReview.Status.OPEN],
        },
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    require_password_confirmed(request)
    review = get_object_or_404(
        IdentityReview.objects.select_related("edition", "decided_by"), pk=pk
    )
    form = ReviewDecisionForm(request.POST if request.method == "POST" else None)
    ballots = list(selectors.review_ballots(review))
    context = {
        "edition": review.edition,
        "review": review,
        "ballots": ballots,
        "unusual_characters": any(
            has_unusual(f"{b.last_name}{b.first_name}{b.other_first_names}") for b in ballots
        ),
        # A decision the rules no longer allow (results published): said once, without a form.
        "refusal": refusal(services.check_review_open, review.edition),
    }
    if form.is_bound and context["refusal"]:
        return render(request, "voting/review.html", {**context, "form": form}, status=409)
    if form.is_bound:
        if form.is_valid():
            try:
                services.review_decide(
                    review=review,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except InvalidInput as error:
                return _with_form_error(request, "voting/review.html", context, form, error)
            except DomainError as error:
                context["refusal"] = error.message
                return render(
                    request,
                    "voting/review.html",
                    {**context, "form": form},
                    status=error.status_code,
                )
            messages.success(
                request, _("Décision enregistrée ; les votants concernés sont informés.")
            )
            return redirect(f"{reverse('voting:reviews')}?edition={review.edition.year}")
        return render(request, "voting/review.html", {**context, "form": form}, status=400)
    return render(request, "voting/review.html", {**context, "form": form})


def ip_clusters(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    edition = edition_or_404(request)
    from django.conf import settings

    count, seconds = settings.BUDGETCITOYEN_IP_CLUSTER
    return render(
        request,
        "voting/ip_clusters.html",
        {
            "edition": edition,
            "clusters": selectors.ip_clusters(edition),
            "count": count,
            "minutes": seconds // 60,
        },
    )


# --- Agents: paper ballots -----------------------------------------------------------------------------------


def _require_agent(request: HttpRequest) -> None:
    if not permissions.can_enter_paper(request.user):
        raise Http404


def paper_list(request: HttpRequest) -> HttpResponse:
    _require_agent(request)
    edition = edition_or_404(request)
    return render(
        request,
        "voting/paper_list.html",
        {
            "edition": edition,
            "entries": list(selectors.paper_entries(edition, request.user)[:200]),
            "closed": refusal(services.check_paper_window, edition),
        },
    )


def paper_enter(request: HttpRequest) -> HttpResponse:
    _require_agent(request)
    edition = edition_or_404(request)
    form = PaperBallotForm(request.POST if request.method == "POST" else None)
    chosen: list[int] = []
    choice_error: str | None = None
    if form.is_bound:
        try:
            chosen = parse_choices(edition, request.POST)
        except DomainError as error:
            choice_error = error.message
    context = {
        **_ballot_context(edition, chosen),
        "communes": _communes_datalist(),
        "places": selectors.collection_points(edition),
        "closed": refusal(services.check_paper_window, edition),
    }
    if form.is_bound:
        if form.is_valid() and choice_error is None:
            try:
                entered, code = services.paper_ballot_enter(
                    edition=edition,
                    by=request.user,
                    choices=chosen,
                    collection_point=form.cleaned_data["collection_point"],
                    collected_on=form.cleaned_data["collected_on"],
                    sworn=form.cleaned_data["sworn"],
                    another_sheet=form.cleaned_data["another_sheet"],
                    **form.identity(),
                )
            except DomainError as error:
                if isinstance(error, InvalidInput) and "choices" in error.errors:
                    context["error"] = error.errors["choices"]
                return _with_form_error(request, "voting/paper_enter.html", context, form, error)
            message = _("Bulletin de %(name)s enregistré (reçu %(code)s).") % {
                "name": entered.full_name,
                "code": services.format_receipt(code),
            }
            if entered.status == Ballot.Status.UNDER_REVIEW:
                message += " " + _(
                    "Cette personne a déjà voté : ses bulletins sont transmis à l'équipe pour vérification."
                )
            messages.success(request, message)
            return redirect(f"{reverse('voting:paper_enter')}?edition={edition.year}")
        context["error"] = choice_error
        return render(request, "voting/paper_enter.html", {**context, "form": form}, status=400)
    return render(request, "voting/paper_enter.html", {**context, "form": form})
