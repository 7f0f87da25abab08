"""Pages of the comptoirs: public agenda, registration, my registrations, organiser space."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from budgetcitoyen.comptoirs import permissions, selectors, services
from budgetcitoyen.comptoirs.calendar import comptoirs_ics
from budgetcitoyen.comptoirs.forms import CancelComptoirForm, RegistrationForm, WalkInForm
from budgetcitoyen.comptoirs.models import Comptoir, Registration
from budgetcitoyen.core import clock
from budgetcitoyen.core.errors import DomainError, InvalidInput, passes, refusal
from budgetcitoyen.core.exports import csv_response
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.core.http import content_disposition
from budgetcitoyen.core.phones import display_phone
from budgetcitoyen.editions.selectors import current_edition_for
from budgetcitoyen.territories.selectors import territory_list


def _public_comptoir(pk: int) -> Comptoir:
    comptoir = get_object_or_404(
        Comptoir.objects.select_related("edition", "commune", "territory"), pk=pk
    )
    if not comptoir.edition.is_published:
        raise Http404
    return comptoir


def agenda(request: HttpRequest) -> HttpResponse:
    edition = current_edition_for(request)
    territory_slug = request.GET.get("territoire") or None
    by_date = request.GET.get("tri") == "date"
    comptoirs = list(selectors.agenda(edition, territory_slug=territory_slug)) if edition else []
    now = clock.now()
    for comptoir in comptoirs:
        comptoir.places_left = selectors.places_left(comptoir)  # type: ignore[attr-defined]
        comptoir.is_past = comptoir.ends_at <= now  # type: ignore[attr-defined]
    if by_date:
        groups = [(None, comptoirs)]
    else:
        ordered = sorted(comptoirs, key=lambda c: (c.territory.name, c.starts_at))
        groups = [
            (name, list(items)) for name, items in groupby(ordered, key=lambda c: c.territory.name)
        ]
    return render(
        request,
        "comptoirs/agenda.html",
        {
            "edition": edition,
            "groups": groups,
            "count": len(comptoirs),
            "territories": territory_list(),
            "territory_slug": territory_slug,
            "by_date": by_date,
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _public_comptoir(pk)
    return render(
        request,
        "comptoirs/detail.html",
        {
            "comptoir": comptoir,
            "places_left": selectors.places_left(comptoir),
            "waitlisted": comptoir.registrations.filter(
                status=Registration.Status.WAITLISTED
            ).count(),
            "is_past": comptoir.ends_at <= clock.now(),
            "verdict": services.registration_verdict(comptoir, request.user),
            "can_manage": permissions.can_manage_comptoir(request.user, comptoir),
        },
    )


def comptoir_ics(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _public_comptoir(pk)
    response = HttpResponse(
        comptoirs_ics([comptoir], name=str(comptoir)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(f"comptoir-{comptoir.pk}.ics")
    return response


def agenda_ics(request: HttpRequest) -> HttpResponse:
    edition = current_edition_for(request)
    comptoirs = selectors.agenda(edition) if edition else []
    name = _("Comptoirs à initiatives citoyennes")
    response = HttpResponse(
        comptoirs_ics(comptoirs, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition("comptoirs.ics", inline=True)
    return response


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _public_comptoir(pk)
    verdict = services.registration_verdict(comptoir, request.user)
    if selectors.active_registration(request.user, comptoir) is not None:
        messages.info(request, verdict.reason)
        return redirect("comptoirs:my_registrations")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not verdict.allowed:
        status = verdict.error.status_code if verdict.error else 409
    elif request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                comptoir=comptoir, person=request.user, **form.cleaned_data
            )
        except InvalidInput as error:
            add_domain_error(form, error)
            status = error.status_code
        except DomainError as error:
            # The situation changed since the page was shown: say why once, above the form.
            verdict = services.registration_verdict(comptoir, request.user)
            if verdict.allowed:  # pragma: no cover - a refusal the verdict does not know
                add_domain_error(form, error)
            status = error.status_code
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request,
                    _("Votre place est confirmée. Un courriel récapitulatif vous a été envoyé."),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Le comptoir est complet : vous êtes en liste d'attente, en position %(position)d."
                    )
                    % {"position": services.waitlist_position(registration)},
                )
            return redirect("comptoirs:my_registrations")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "comptoirs/register.html",
        {
            "comptoir": comptoir,
            "form": form,
            "verdict": verdict,
        },
        status=status,
    )


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    registrations = list(selectors.person_registrations(request.user))
    for registration in registrations:
        registration.position = services.waitlist_position(registration)  # type: ignore[attr-defined]
        registration.cancellable = passes(services.check_cancellable, registration)  # type: ignore[attr-defined]
    return render(
        request,
        "comptoirs/my_registrations.html",
        {"registrations": registrations},
    )


@login_required
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("comptoir__commune"), pk=pk, person=request.user
    )
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, by=request.user)
        except DomainError as error:
            return render(
                request,
                "comptoirs/cancel.html",
                {"registration": registration, "refusal": error.message},
                status=error.status_code,
            )
        messages.success(request, _("Votre inscription est annulée."))
        return redirect("comptoirs:my_registrations")
    return render(
        request,
        "comptoirs/cancel.html",
        {
            "registration": registration,
            "refusal": refusal(services.check_cancellable, registration),
        },
    )


# --- Organiser space ----------------------------------------------------------------------------


def _managed_comptoir(request: HttpRequest, pk: int) -> Comptoir:
    comptoir = get_object_or_404(
        Comptoir.objects.select_related("edition", "commune", "territory"), pk=pk
    )
    if not permissions.can_manage_comptoir(request.user, comptoir):
        raise PermissionDenied
    return comptoir


def _require_organiser(request: HttpRequest) -> None:
    if not permissions.can_use_organiser_space(request.user):
        raise PermissionDenied


@login_required
def organiser_home(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    comptoirs = selectors.managed_comptoirs(request.user)
    edition = current_edition_for(request)
    figures = (
        selectors.edition_figures(edition)
        if edition and permissions.can_manage_every_comptoir(request.user)
        else None
    )
    return render(
        request, "comptoirs/organiser_home.html", {"comptoirs": comptoirs, "figures": figures}
    )


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _managed_comptoir(request, pk)
    registrants = list(selectors.comptoir_registrants(comptoir))
    confirmed = [r for r in registrants if r.status == Registration.Status.CONFIRMED]
    waiting = [r for r in registrants if r.status == Registration.Status.WAITLISTED]
    return render(
        request,
        "comptoirs/sheet.html",
        {
            "comptoir": comptoir,
            "confirmed": confirmed,
            "waiting": waiting,
            "places_left": max(comptoir.capacity - len(confirmed), 0),
            "attendance_open": passes(services.check_attendance_window, comptoir),
            "walk_in_open": passes(services.check_walk_in_window, comptoir),
            "is_staff_user": permissions.can_manage_every_comptoir(request.user),
        },
    )


@login_required
@require_POST
def mark_attendance(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    comptoir = _managed_comptoir(request, pk)
    registration = get_object_or_404(Registration, pk=registration_pk, comptoir=comptoir)
    present = request.POST.get("attendance") == "present"
    try:
        services.attendance_mark(registration=registration, present=present, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("comptoirs:sheet", pk=comptoir.pk)
    name = registration.person.display_name
    messages.success(
        request,
        (_("%(name)s : présent.") if present else _("%(name)s : absent.")) % {"name": name},
    )
    return redirect(reverse("comptoirs:sheet", args=[comptoir.pk]) + f"#inscrit-{registration.pk}")


@login_required
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _managed_comptoir(request, pk)
    form = WalkInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.walk_in_register(comptoir=comptoir, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request, _("Inscription sur place enregistrée, personne notée présente.")
            )
            return redirect("comptoirs:sheet", pk=comptoir.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request, "comptoirs/walk_in.html", {"comptoir": comptoir, "form": form}, status=status
    )


@login_required
def registrants_csv(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _managed_comptoir(request, pk)
    header = [
        "Ordre d'arrivée",
        "Statut",
        "Position en attente",
        "Prénom",
        "Nom",
        "Courriel",
        "Téléphone",
        "Titre de l'idée",
        "Idée",
        "Territoire",
        "Structure",
        "Accessibilité",
        "Sur place",
        "Présence",
    ]
    rows = [
        [
            registration.ticket,
            registration.get_status_display(),
            services.waitlist_position(registration) or "",
            registration.person.first_name,
            registration.person.last_name,
            registration.person.email,
            display_phone(registration.person.phone),
            registration.idea_title,
            registration.idea_summary,
            registration.idea_territory.name,
            registration.get_structure_kind_display(),
            registration.accessibility_needs,
            registration.is_walk_in,
            registration.get_attendance_display(),
        ]
        for registration in selectors.comptoir_registrants(comptoir)
    ]
    return csv_response(f"comptoir-{comptoir.pk}-inscrits.csv", header, rows)


@login_required
def cancel_comptoir(request: HttpRequest, pk: int) -> HttpResponse:
    comptoir = _managed_comptoir(request, pk)
    if not permissions.can_manage_every_comptoir(request.user):
        raise PermissionDenied
    form = CancelComptoirForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            count = services.comptoir_cancel(
                comptoir=comptoir, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request,
                ngettext(
                    "Comptoir annulé ; %(count)d personne prévenue.",
                    "Comptoir annulé ; %(count)d personnes prévenues.",
                    count,
                )
                % {"count": count},
            )
            return redirect("comptoirs:sheet", pk=comptoir.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "comptoirs/cancel_comptoir.html",
        {"comptoir": comptoir, "form": form},
        status=status,
    )
