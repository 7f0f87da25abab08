"""The API's URLs, under ``/api/``: the French page explaining it, then version 1 under ``v1/``
(ninja's operations, its OpenAPI document and docs page), every view wrapped by
``http.public_endpoint``; any other address under ``v1/`` is a 404 in French JSON."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from budgetcitoyen.api import views
from budgetcitoyen.api.endpoints import api
from budgetcitoyen.api.http import public_endpoint

app_name = "api"


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern]:
    wrapped = []
    for entry in patterns:
        assert isinstance(entry, URLPattern), "the API has no nested URL resolver"
        # ninja's root only names the API's prefix (and answers an HTML 404): an index instead.
        view = views.index if entry.name == "api-root" else entry.callback
        wrapped.append(
            URLPattern(entry.pattern, public_endpoint(view), entry.default_args, entry.name)
        )
    return wrapped


urlpatterns = [
    path("", views.home, name="home"),
    # ninja's patterns, in this namespace ("api:editions", "api:openapi-json"…).
    path("v1/", include(_wrapped(api.urls[0]))),
    re_path(r"^v1/(?P<rest>.+)$", public_endpoint(views.unknown), name="unknown"),
]
