"""The API's own pages: the French page that explains it (``/api/``), the index of version 1
(``/api/v1/``) and the JSON 404 of any other address under it."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from budgetcitoyen.api.http import JSON, json_error

ENDPOINTS = ("editions", "territories", "communes", "comptoirs", "projects")


def home(request: HttpRequest) -> HttpResponse:
    """What the API is, its licence, limits, pagination and examples."""
    count, _slash, seconds = settings.BUDGETCITOYEN_RATE_LIMITS["api:ip"].partition("/")
    base = request.build_absolute_uri(reverse("api:api-root")).rstrip("/")
    return render(
        request,
        "api/home.html",
        {
            "base": base,
            "rate_count": int(count),
            "rate_seconds": int(seconds),
            "docs_url": reverse("api:openapi-view"),
            "openapi_url": reverse("api:openapi-json"),
        },
    )


def index(request: HttpRequest) -> HttpResponse:
    data = {
        "detail": _("API publique du Budget citoyen, version 1, en lecture seule."),
        "documentation": reverse("api:openapi-view"),
        "openapi": reverse("api:openapi-json"),
        "licence": "Licence Ouverte 2.0",
        "endpoints": {name: reverse(f"api:{name}") for name in ENDPOINTS},
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=JSON)


def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return json_error(
        404,
        _("Aucune ressource à cette adresse. La liste des adresses de l'API est sur %(url)s.")
        % {"url": reverse("api:openapi-view")},
    )
