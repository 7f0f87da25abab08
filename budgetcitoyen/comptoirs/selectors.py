"""Reads on comptoirs: the agenda, places left, a person's registrations, attendance, figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from budgetcitoyen.comptoirs import permissions
from budgetcitoyen.comptoirs.models import Comptoir, Registration
from budgetcitoyen.editions.models import Edition

Status = Registration.Status


def with_counts(qs: QuerySet[Comptoir]) -> QuerySet[Comptoir]:
    return qs.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
    )


def agenda(edition: Edition, *, territory_slug: str | None = None) -> QuerySet[Comptoir]:
    """The edition's comptoirs (cancelled ones included, shown as such), with their counts."""
    qs = Comptoir.objects.filter(edition=edition).select_related("commune", "territory")
    if territory_slug:
        qs = qs.filter(territory__slug=territory_slug)
    return with_counts(qs).order_by("starts_at", "pk")


def places_left(comptoir: Any) -> int:
    confirmed = getattr(comptoir, "confirmed_count", None)
    if confirmed is None:
        confirmed = comptoir.registrations.filter(status=Status.CONFIRMED).count()
    return max(comptoir.capacity - confirmed, 0)


def person_registrations(person: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .select_related("comptoir__commune", "comptoir__edition", "idea_territory")
        .order_by("-comptoir__starts_at", "-pk")
    )


def active_registration(person: Any, comptoir: Comptoir) -> Registration | None:
    if not getattr(person, "is_authenticated", False):
        return None
    return comptoir.registrations.filter(person=person, status__in=Registration.ACTIVE).first()


def attended_registrations(person: Any, edition: Edition) -> QuerySet[Registration]:
    """The registrations (ideas) of ``person`` at comptoirs of ``edition`` they attended.

    This is what unlocks filing a dossier: each dossier is tied to one of them.
    """
    return Registration.objects.filter(
        person=person,
        edition=edition,
        status=Status.CONFIRMED,
        attendance=Registration.Attendance.PRESENT,
    ).select_related("comptoir__commune")


def has_attended(person: Any, edition: Edition) -> bool:
    return attended_registrations(person, edition).exists()


def comptoir_registrants(comptoir: Comptoir) -> QuerySet[Registration]:
    """The sign-in sheet: confirmed first, then the waiting list, in arrival order."""
    return (
        comptoir.registrations.filter(status__in=Registration.ACTIVE)
        .select_related("person", "idea_territory")
        .order_by("-status", "ticket")  # "waitlisted" sorts after "confirmed" descending
    )


def managed_comptoirs(user: Any, edition: Edition | None = None) -> QuerySet[Comptoir]:
    """The comptoirs a user manages: all for staff, their own for an organiser."""
    qs = Comptoir.objects.select_related("commune", "territory", "edition")
    if edition is not None:
        qs = qs.filter(edition=edition)
    if not permissions.can_manage_every_comptoir(user):
        qs = qs.filter(organisers=user)
    return with_counts(qs).order_by("starts_at")


def edition_figures(edition: Edition) -> dict[str, Any]:
    """Ideas, registrations and attendees, in total, by territory and by comptoir."""
    registrations = Registration.objects.filter(edition=edition)
    present = Q(attendance=Registration.Attendance.PRESENT)

    def counts(qs: QuerySet[Registration]) -> dict[str, int]:
        return qs.aggregate(
            registrations=Count("pk"),
            ideas=Count("pk", filter=present),
            attendees=Count("person", filter=present, distinct=True),
        )

    by_territory = list(
        registrations.values("comptoir__territory__name")
        .annotate(
            registrations=Count("pk"),
            attendees=Count("person", filter=present, distinct=True),
            ideas=Count("pk", filter=present),
        )
        .order_by("comptoir__territory__name")
    )
    by_comptoir = list(
        registrations.values("comptoir_id", "comptoir__host_name")
        .annotate(
            registrations=Count("pk"),
            attendees=Count("person", filter=present, distinct=True),
            ideas=Count("pk", filter=present),
        )
        .order_by("comptoir_id")
    )
    return {
        "total": counts(registrations),
        "by_territory": by_territory,
        "by_comptoir": by_comptoir,
    }
