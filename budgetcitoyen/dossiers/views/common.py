"""What every dossier page needs: the dossier, if the visitor may see it (else a 404)."""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
)
from django.shortcuts import get_object_or_404

from budgetcitoyen.dossiers import permissions
from budgetcitoyen.dossiers.models import Dossier

DOSSIER_RELATED = ("edition", "holder", "registration__comptoir", "territory", "wished_category")


def visible_dossier(request: HttpRequest, pk: int) -> Dossier:
    dossier = Dossier.objects.select_related(*DOSSIER_RELATED).filter(pk=pk).first()
    if dossier is None or not permissions.can_view_dossier(request.user, dossier):
        raise Http404
    return dossier


def own_dossier(request: HttpRequest, pk: int) -> Dossier:
    """The signed-in holder's dossier; 404 for anybody else, anonymous visitors included."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Dossier.objects.select_related(*DOSSIER_RELATED), pk=pk, holder=request.user
    )
