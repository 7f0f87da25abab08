"""Pages every site owes its users: accessibility statement, legal notice, privacy, errors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from budgetcitoyen.core import retention


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibilite.html")


def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/mentions_legales.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request, "pages/donnees_personnelles.html", {"processings": retention.processings()}
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the database may be what failed.
    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({"request_path": request.path}), status=500)
