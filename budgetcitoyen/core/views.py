"""Pages every site owes its users: accessibility statement, legal notice, privacy, errors;
and the health check of the load balancer and the monitoring."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetcitoyen.core import health as checks
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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose CSRF check failed (settings.CSRF_FAILURE_VIEW): said in French, with what
    to do, instead of Django's page in English markup."""
    return render(request, "errors/403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


# How long a browser or a client is told to wait before trying again when the database cannot
# be reached: a restart of PostgreSQL or a failover takes seconds to a minute.
DATABASE_RETRY_AFTER = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; a 503 when what failed is reaching the database (see ``unavailable``).

    Django calls this handler while it handles the exception, so the exception is the one
    ``sys.exc_info()`` holds, wherever it was raised: a view, a middleware (the session saved
    on the way out), a context processor.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return unavailable(request)
    # No context processors here: the database may be what failed.
    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({"request_path": request.path}), status=500)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 when PostgreSQL is down, restarting or unreachable, in French, with Retry-After.

    Rendered from a page of its own that reads nothing from the database (no context
    processors: the header's edition and menu query it). Only errors of the connection reach
    here (``OperationalError``, ``InterfaceError``); a refused constraint or a bad query
    (``IntegrityError``, ``ProgrammingError``) stays a 500, a defect to correct.
    """
    template = loader.get_template("errors/503.html")
    response = HttpResponse(template.render({"request_path": request.path}), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _failure_message(check: checks.Check) -> str:
    if check.name == "database":
        return _("La base de données ne répond pas.")
    if check.name == "cache":
        return _("Le cache partagé (Redis ou sa table en base) ne répond pas.")
    if not check.answered:
        return _("La file des tâches de fond ne peut pas être lue.")
    return _("La file des tâches de fond prend du retard : le processus db_worker est-il lancé ?")


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the task queue are well, else 503 saying which.

    Reads no session and no user (a probe has neither), is never cached, is limited by no
    rate limit, and shows nothing personal: only timings and the queue's size and lag.
    """
    results = checks.run_checks()
    failed = [check for check in results if not check.ok]
    body: dict[str, object] = {
        "status": "error" if failed else "ok",
        "message": " ".join(_failure_message(check) for check in failed)
        if failed
        else _("Tout fonctionne."),
        "checks": {
            check.name: {"ok": check.ok, "milliseconds": check.milliseconds, **check.details}
            for check in results
        },
    }
    return JsonResponse(
        body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False}
    )
