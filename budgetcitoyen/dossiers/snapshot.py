"""The canonical JSON snapshot of a submitted dossier and its SHA-256.

Canonical: keys sorted, no insignificant whitespace, UTF-8, decimals as strings with two
decimals, dates in ISO 8601, instants in UTC. Anyone holding the snapshot can recompute
its hash (``sha256sum`` of the text), and rebuilding the snapshot from the stored dossier
gives the same text: that is what makes the receipt a proof.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from decimal import Decimal
from typing import Any

SNAPSHOT_FORMAT = "budgetcitoyen.dossier/1"

SWORN_STATEMENT = (
    "Je certifie sur l'honneur l'exactitude des informations de ce dossier et je m'engage à "
    "fournir, sur demande du Département, les justificatifs correspondants."
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def build_snapshot(dossier: Any) -> dict[str, Any]:
    """Everything submitted, as plain JSON values. Files appear by name, type, size, SHA-256."""
    registration = dossier.registration
    return {
        "format": SNAPSHOT_FORMAT,
        "reference": dossier.reference,
        "edition": dossier.edition.year,
        "submitted_at": dossier.submitted_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "holder": {
            "email": dossier.holder.email,
            "name": dossier.holder.get_full_name(),
        },
        "comptoir": {
            "registration": registration.pk,
            "host": registration.comptoir.host_name,
            "date": registration.comptoir.starts_at.date().isoformat(),
            "idea": registration.idea_title,
        },
        "presentation": {
            "title": dossier.title,
            "summary": dossier.summary,
            "description": dossier.description,
            "photo": (
                {
                    "name": dossier.photo_name,
                    "content_type": dossier.photo_content_type,
                    "size": dossier.photo_size,
                    "sha256": dossier.photo_sha256,
                }
                if dossier.photo
                else None
            ),
        },
        "project": {
            "objectives": dossier.objectives,
            "social_utility": dossier.social_utility,
            "beneficiaries": dossier.beneficiaries,
            "territory": dossier.territory.name if dossier.territory else None,
            "communes": [
                {"insee": c.insee_code, "name": c.name}
                for c in dossier.communes.order_by("insee_code")
            ],
            "start_date": dossier.start_date.isoformat() if dossier.start_date else None,
            "duration_months": dossier.duration_months,
            "partners": dossier.partners,
        },
        "carrier": {
            "kind": dossier.structure_kind,
            "name": dossier.structure_name,
            "siret": dossier.siret,
            "rna": dossier.rna,
            "address": dossier.structure_address,
            "contact": {
                "name": dossier.contact_name,
                "role": dossier.contact_role,
                "email": dossier.contact_email,
                "phone": dossier.contact_phone,
            },
        },
        "money": {
            "total_cost": _money(dossier.total_cost),
            "amount_requested": _money(dossier.amount_requested),
            "financing_plan": [
                {"source": line.source, "amount": _money(line.amount), "secured": line.is_secured}
                for line in dossier.financing_lines.order_by("position")
            ],
        },
        "wished_category": dossier.wished_category.name if dossier.wished_category else None,
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in dossier.attachments.order_by("uploaded_at", "pk")
        ],
        "sworn_statement": SWORN_STATEMENT,
    }


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
