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
from budgetcitoyen.followup.models import (
    DocumentRequest,
    FinalReport,
    FundingAgreement,
    NewsItem,
    Payment,
)
from budgetcitoyen.results.models import Award

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
        **_followup(dossier),
    }


def _file(stored: Any) -> dict[str, Any]:
    return {
        "name": stored.original_name,
        "type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "uploaded_at": stored.uploaded_at,
    }


def _followup(dossier: Dossier) -> dict[str, Any]:
    """What the follow-up holds about the dossier: documents asked and sent, and for a laureate
    its agreement, payments, news and final report."""
    data: dict[str, Any] = {
        "document_requests": [
            {
                "requested_at": r.requested_at,
                "due_on": r.due_on,
                "status": r.status,
                "message": r.message,
                "documents": [
                    {
                        "kind": item.kind,
                        "label": item.label,
                        "files": [_file(f) for f in item.files.order_by("pk")],
                    }
                    for item in r.items.order_by("position")
                ],
            }
            for r in DocumentRequest.objects.filter(dossier=dossier).order_by("pk")
        ]
    }
    award = Award.objects.filter(decision__dossier=dossier).first()
    if award is None:
        return data
    agreement = FundingAgreement.objects.filter(award=award).first()
    if agreement is not None:
        data["funding_agreement"] = {
            "reference": agreement.reference,
            "status": agreement.status,
            "amount": agreement.amount,
            "beneficiary_name": agreement.beneficiary_name,
            "siret": agreement.siret,
            "rna": agreement.rna,
            "beneficiary_address": agreement.beneficiary_address,
            "representative": agreement.representative,
            "signed_on": agreement.signed_on,
            "signed_scans": [_file(f) for f in agreement.scans.order_by("pk")],
            "payments": [
                {"amount": p.amount, "paid_on": p.paid_on, "instalment": p.instalment.label}
                for p in Payment.objects.filter(instalment__agreement=agreement)
                .select_related("instalment")
                .order_by("paid_on", "pk")
            ],
        }
    data["news"] = [
        {
            "title": n.title,
            "body": n.body,
            "happened_on": n.happened_on,
            "status": n.status,
            "photo": bool(n.photo),
            "refusal_reason": n.refusal_reason,
        }
        for n in NewsItem.objects.filter(award=award).order_by("pk")
    ]
    report = FinalReport.objects.filter(award=award).first()
    if report is not None:
        data["final_report"] = {
            **model_to_dict(
                report,
                fields=[
                    "status",
                    "achievements",
                    "beneficiaries_reached",
                    "spending",
                    "difficulties",
                    "amount_spent",
                ],
            ),
            "submitted_at": report.submitted_at,
            "attachments": [_file(f) for f in report.attachments.order_by("pk")],
        }
    return data
