"""Pages of the supporting documents: staff ask, the holder answers, staff close or cancel;
the files are served to whoever may read the dossier. Anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from budgetcitoyen.core.errors import DomainError, refusal
from budgetcitoyen.core.forms import add_domain_error
from budgetcitoyen.core.http import file_response
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.views.common import own_dossier, visible_dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import edition_of_year
from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.forms_documents import AnswerForm, DocumentRequestForm
from budgetcitoyen.followup.models import DocumentRequest, SupportingDocument
from budgetcitoyen.followup.selectors import documents as selectors
from budgetcitoyen.followup.services import documents as services
from budgetcitoyen.followup.views import require_followup_staff

# --- Staff -------------------------------------------------------------------------------------


def _staff_request(request: HttpRequest, request_pk: int) -> DocumentRequest:
    require_followup_staff(request)
    found = DocumentRequest.objects.filter(pk=request_pk).select_related("dossier").first()
    if found is None:
        raise Http404
    annotated = selectors.request_of_dossier(found.dossier, found.pk)
    assert annotated is not None
    return annotated


def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = Dossier.objects.select_related("edition", "holder").filter(pk=pk).first()
    if dossier is None or not permissions.can_request_documents(request.user, dossier):
        raise Http404
    closed = refusal(services.check_can_request, dossier)
    status = 200 if closed is None else 409
    form = DocumentRequestForm(request.POST if request.method == "POST" else None, dossier=dossier)
    if request.method == "POST" and closed is None:
        if form.is_valid():
            try:
                services.document_request_create(
                    dossier=dossier,
                    by=request.user,
                    items=form.parsed_items(),
                    due_on=form.cleaned_data.get("due_on"),
                    message=form.cleaned_data.get("message") or "",
                    on_behalf_of=form.cleaned_data.get("on_behalf_of"),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("La demande de pièces est envoyée au porteur par courriel."),
                )
                return redirect("dossiers:staff_detail", pk=dossier.pk)
        else:
            status = 400
    return render(
        request,
        "followup/staff/documents_request_form.html",
        {"dossier": dossier, "form": form, "closed": closed},
        status=status,
    )


def staff_request(request: HttpRequest, request_pk: int) -> HttpResponse:
    document_request = _staff_request(request, request_pk)
    return render(
        request,
        "followup/staff/documents_request.html",
        {"dossier": document_request.dossier, "document_request": document_request},
    )


ENDINGS: dict[str, Any] = {
    "close": {
        "service": services.document_request_close,
        "done": _("La demande est close : les pièces sont acceptées."),
    },
    "cancel": {
        "service": services.document_request_cancel,
        "done": _("La demande est annulée ; le porteur en est informé par courriel."),
    },
}


def _end(request: HttpRequest, request_pk: int, ending: str) -> HttpResponse:
    document_request = _staff_request(request, request_pk)
    error_message = None
    status = 200
    if request.method == "POST":
        try:
            ENDINGS[ending]["service"](request=document_request, by=request.user)
        except DomainError as error:
            error_message = error.message
            status = error.status_code
        else:
            messages.success(request, str(ENDINGS[ending]["done"]))
            return redirect("followup:staff_document_request", request_pk=document_request.pk)
    elif not document_request.is_answerable:  # type: ignore[attr-defined]
        error_message = _("Cette demande est déjà %(status)s.") % {
            "status": document_request.get_status_display()
        }
    return render(
        request,
        "followup/staff/documents_confirm.html",
        {
            "dossier": document_request.dossier,
            "document_request": document_request,
            "ending": ending,
            "error_message": error_message,
        },
        status=status,
    )


def request_close(request: HttpRequest, request_pk: int) -> HttpResponse:
    return _end(request, request_pk, "close")


def request_cancel(request: HttpRequest, request_pk: int) -> HttpResponse:
    return _end(request, request_pk, "cancel")


def outstanding(request: HttpRequest) -> HttpResponse:
    require_followup_staff(request)
    editions = Edition.objects.order_by("-year")
    year = request.GET.get("edition", "")
    edition = edition_of_year(year) if year else None
    status = request.GET.get("statut", selectors.OUTSTANDING)
    if status not in dict(selectors.STATUS_FILTERS):
        status = selectors.OUTSTANDING
    filters = selectors.OutstandingFilters(edition=edition, status=status)
    rows = selectors.outstanding(filters)
    return render(
        request,
        "followup/staff/documents_outstanding.html",
        {
            "filters": filters,
            "editions": editions,
            "statuses": selectors.STATUS_FILTERS,
            "rows": rows,
            "late_count": len([r for r in rows if r.is_late]),  # type: ignore[attr-defined]
            "reports": selectors.overdue_reports(edition),
        },
    )


# --- Holder ------------------------------------------------------------------------------------


def _own_request(request: HttpRequest, pk: int, request_pk: int) -> DocumentRequest:
    dossier = own_dossier(request, pk)
    found = selectors.request_of_dossier(dossier, request_pk)
    if found is None:
        raise Http404
    return found


def holder_request(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    document_request = _own_request(request, pk, request_pk)
    answerable = document_request.item_list  # type: ignore[attr-defined]
    closed = refusal(services.check_answerable, document_request)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        items=answerable if closed is None else [],
    )
    status = 200
    if request.method == "POST":
        if closed is not None:
            status = 409
            form.add_error(None, closed)
        elif form.is_valid():
            try:
                refused = services.document_request_answer(
                    request=document_request, by=request.user, uploads=form.uploads(request.FILES)
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                if not refused:
                    messages.success(request, _("Vos pièces sont envoyées. Merci."))
                    return redirect(
                        "followup:holder_document_request",
                        pk=document_request.dossier_id,
                        request_pk=document_request.pk,
                    )
                for refused_file in refused:
                    add_domain_error(form, refused_file)
                status = 400
                messages.error(
                    request,
                    _(
                        "Des fichiers n'ont pas pu être enregistrés : voyez ci-dessous. Les autres sont bien envoyés."
                    ),
                )
            document_request = _own_request(request, pk, request_pk)  # what is stored now
        else:
            status = 400
    return render(
        request,
        "followup/holder/documents_request.html",
        {
            "dossier": document_request.dossier,
            "document_request": document_request,
            "form": form,
            "closed": closed,
            "removable": closed is None,
        },
        status=status,
    )


def file_remove(request: HttpRequest, pk: int, request_pk: int, file_pk: int) -> HttpResponse:
    document_request = _own_request(request, pk, request_pk)
    document = get_object_or_404(SupportingDocument, pk=file_pk, item__request=document_request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.supporting_document_remove(document=document, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Le fichier « %(name)s » est retiré.") % {"name": document.original_name}
        )
    return redirect(
        reverse(
            "followup:holder_document_request",
            kwargs={"pk": document_request.dossier_id, "request_pk": document_request.pk},
        )
    )


# --- Shared: the files -------------------------------------------------------------------------


def file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A file sent by the holder: to staff, the holder, and the committee members who may read
    the dossier; a 404 for anyone else."""
    dossier = visible_dossier(request, pk)
    if not permissions.can_see_supporting_documents(request.user, dossier):
        raise Http404
    document = get_object_or_404(SupportingDocument, pk=file_pk, item__request__dossier=dossier)
    return file_response(document.file, document.content_type, document.original_name, inline=False)
