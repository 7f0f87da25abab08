""" "Mes données": download everything held about me, delete my account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import DomainError
from budgetcitoyen.core.http import content_disposition
from budgetcitoyen.privacy import selectors, services
from budgetcitoyen.privacy.forms import EraseAccountForm


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return _page(request, EraseAccountForm(user=request.user))


def _page(request: HttpRequest, form: EraseAccountForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "refusals": services.erasure_refusals(request.user)}
    return render(request, "privacy/my_data.html", context, status=status)


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        log_action(actor=request.user, action="privacy.data_downloaded", data={})
    body = json.dumps(
        selectors.personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"mes-donnees-budget-citoyen-{clock.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def my_account_erase(request: HttpRequest) -> HttpResponse:
    form = EraseAccountForm(request.POST, user=request.user)
    if services.erasure_refusals(request.user):
        return _page(request, EraseAccountForm(user=request.user), status=409)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        services.account_erase(user=request.user, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return _page(request, EraseAccountForm(user=request.user), status=error.status_code)
    logout(request)
    messages.success(request, _("Votre compte et vos données personnelles sont supprimés."))
    return redirect("home")
