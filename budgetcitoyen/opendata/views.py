"""The open-data page, its DCAT catalogue and the reference files (projects, comptoirs,
communes).

The page and the catalogue are public pages served from the page cache (``core.pagecache``:
``ETag``, ``Last-Modified``, 304). The reference files are written by the platform's one
exporter and answer conditional requests by their content: their ``ETag`` is the SHA-256 of
their bytes, their ``Last-Modified`` the first time those bytes were served (kept in the
shared cache, so every process gives the same date).
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from budgetcitoyen.core import clock, pagecache
from budgetcitoyen.opendata import columns, selectors


@pagecache.public_page()
def index(request: HttpRequest) -> HttpResponse:
    """Every published edition's files, then the reference files, each column described."""
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": selectors.edition_datasets(),
            "reference": selectors.reference_dataset(),
            "licence_url": columns.LICENCE_URL,
            "licence_name": columns.LICENCE_NAME,
        },
    )


@pagecache.public_page()
def catalogue(request: HttpRequest) -> HttpResponse:
    """The DCAT catalogue in JSON-LD, for portals that harvest it (data.gouv.fr…)."""
    body = json.dumps(selectors.catalogue(), ensure_ascii=False, indent=2) + "\n"
    return HttpResponse(body.encode(), content_type="application/ld+json; charset=utf-8")


def _reference_file(request: HttpRequest, name: str) -> HttpResponseBase:
    response = selectors.reference_csv(name)
    digest = hashlib.sha256(response.content).hexdigest()
    etag = f'"{digest[:32]}"'
    first_seen = cache.get_or_set(f"opendata:seen:{digest}", clock.now().timestamp(), None)
    last_modified = int(float(first_seen or clock.now().timestamp()))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "no-cache"
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    return conditional or response


def projects_csv(request: HttpRequest) -> HttpResponseBase:
    return _reference_file(request, "projets")


def comptoirs_csv(request: HttpRequest) -> HttpResponseBase:
    return _reference_file(request, "comptoirs")


def communes_csv(request: HttpRequest) -> HttpResponseBase:
    return _reference_file(request, "communes")
