"""Checks on every request, before any view reads it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from budgetcitoyen.core.inputs import has_controls

JSON_PREFIX = "/api/v1/"  # the public API's answers, errors included, are JSON


class InputGuardMiddleware:
    """Answers a French 400 to a query string holding a control character (NUL, line breaks…).

    No filter, search or page number can hold one: PostgreSQL refuses NUL in a query, a line
    break ends up in headers and file names. A query string is the address itself, so there
    is nothing typed to keep; forms check their own fields (``core.forms``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            has_controls(text, multiline=False)
            for key, values in request.GET.lists()
            for text in (key, *values)
        ):
            reason = _(
                "L'adresse demandée contient un caractère de contrôle invisible, que le "
                "site ne peut pas lire. Retirez-le de l'adresse, ou revenez à la page "
                "précédente."
            )
            if request.path_info.startswith(JSON_PREFIX):  # the API answers its errors in JSON
                return JsonResponse({"detail": reason}, status=400)
            return render(request, "errors/400.html", {"reason": reason}, status=400)
        return self.get_response(request)
