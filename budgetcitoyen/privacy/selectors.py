"""Everything the platform holds about one person, as plain data (the "Mes données" file).

Ballots are listed by their existence and status, never their choices: the ballot is secret,
and a file a voter can download is a file someone could make them show; the receipt check
already tells a voter that their ballot counts.
"""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict

from budgetcitoyen.core import clock
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.rules import STEPS

# What a holder typed, step by step: the fields of the dossier's steps that hold a value of their
# own (the photo, attachments and financing plan are listed apart, relations by their name).
_LISTED_APART = {"photo", "attachments", "financing_lines", "communes"}
DOSSIER_FIELDS = [
    name
    for step in STEPS
    for name in step.fields
    if name not in _LISTED_APART and not Dossier._meta.get_field(name).is_relation
]
DOSSIER_RELATIONS = [
    name
    for step in STEPS
    for name in step.fields
    if name not in _LISTED_APART and Dossier._meta.get_field(name).is_relation
]
IDENTITY_FIELDS = ["last_name", "first_name", "other_first_names", "birth_date", "postal_code"]


def _commune(commune: Any) -> str | None:
    return f"{commune.name} ({commune.insee_code})" if commune else None


def personal_data(user: Any) -> dict[str, Any]:
    """One JSON-ready dictionary of the account and everything tied to it."""
    data: dict[str, Any] = {
        "exported_at": clock.now(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "commune": _commune(user.commune),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "comptoir_registrations": [
            {
                "edition": r.edition.year,
                "comptoir": str(r.comptoir),
                "status": r.status,
                "idea_title": r.idea_title,
                "idea_summary": r.idea_summary,
                "accessibility_needs": r.accessibility_needs,
                "attendance": r.attendance,
                "registered_at": r.created_at,
            }
            for r in user.comptoir_registrations.select_related(
                "edition", "comptoir__commune"
            ).order_by("created_at")
        ],
        "dossiers": [_dossier(d) for d in user.dossiers.select_related("edition").order_by("pk")],
        "voter_declarations": [
            {
                "edition": d.edition.year,
                **model_to_dict(d, fields=IDENTITY_FIELDS),
                "commune": _commune(d.commune),
                "sworn_at": d.sworn_at,
            }
            for d in user.voter_declarations.select_related("edition", "commune").order_by("pk")
        ],
        "ballots": [
            {
                "edition": b.edition.year,
                "channel": b.channel,
                "status": b.status,
                "cast_at": b.cast_at,
                **model_to_dict(b, fields=IDENTITY_FIELDS),
                "commune": _commune(b.commune),
                "ip_address": b.ip_address,
            }
            for b in user.ballots.select_related("edition", "commune").order_by("pk")
        ],
        "audit_log": [
            {"at": e.created_at, "action": e.action, "object": e.object_label}
            for e in AuditEntry.objects.filter(actor=user).order_by("created_at", "pk")
        ],
    }
    return data


def _name(related: Any) -> str | None:
    return str(getattr(related, "name", related)) if related is not None else None


def _dossier(dossier: Dossier) -> dict[str, Any]:
    return {
        "edition": dossier.edition.year,
        "reference": dossier.reference,
        "status": dossier.status,
        "submitted_at": dossier.submitted_at,
        **model_to_dict(dossier, fields=DOSSIER_FIELDS),
        **{name: _name(getattr(dossier, name)) for name in DOSSIER_RELATIONS},
        "communes": [_commune(c) for c in dossier.communes.order_by("name")],
        "photo": dossier.photo_name or None,
        "attachments": [
            {"name": a.original_name, "type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in dossier.attachments.order_by("pk")
        ],
        "financing_lines": [
            {"source": line.source, "amount": line.amount, "secured": line.is_secured}
            for line in dossier.financing_lines.order_by("position")
        ],
    }
