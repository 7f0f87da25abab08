"""A dossier's files and documents, for whoever may see it: photo, attachments, printable, PDF."""

from __future__ import annotations

import base64

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from budgetcitoyen.core.http import content_disposition, file_response
from budgetcitoyen.dossiers import permissions
from budgetcitoyen.dossiers.models import Attachment, Dossier
from budgetcitoyen.dossiers.presentation import dossier_context
from budgetcitoyen.dossiers.views.common import visible_dossier

# --- Shared by holder, committee and staff -------------------------------------------------


def by_reference(request: HttpRequest, reference: str) -> HttpResponse:
    dossier = Dossier.objects.filter(reference__iexact=reference).first()
    if dossier is None or not permissions.can_view_dossier(request.user, dossier):
        raise Http404
    if dossier.holder_id == request.user.pk:
        return redirect("dossiers:overview", pk=dossier.pk)
    return redirect("dossiers:staff_detail", pk=dossier.pk)


def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = visible_dossier(request, pk)
    if not dossier.photo:
        raise Http404
    return file_response(dossier.photo, dossier.photo_content_type, dossier.photo_name, inline=True)


def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    dossier = visible_dossier(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, dossier=dossier)
    return file_response(item.file, item.content_type, item.original_name, inline=False)


def _photo_data_uri(dossier: Dossier) -> str | None:
    if not dossier.photo:
        return None
    try:
        with dossier.photo.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode("ascii")
    except FileNotFoundError:
        return None
    return f"data:{dossier.photo_content_type};base64,{data}"


def printable(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    context = dossier_context(dossier)
    context["photo_src"] = reverse("dossiers:photo", args=[dossier.pk]) if dossier.photo else None
    return render(request, "dossiers/printable.html", context)


def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    try:
        from weasyprint import HTML
    except OSError:  # Pango, a system library WeasyPrint needs, is missing
        return render(request, "dossiers/pdf_unavailable.html", {"dossier": dossier}, status=503)
    context = dossier_context(dossier)
    context["photo_src"] = _photo_data_uri(dossier)
    context["for_pdf"] = True
    html = render_to_string("dossiers/printable.html", context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    name = dossier.reference or f"brouillon-{dossier.pk}"
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"dossier-{name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
