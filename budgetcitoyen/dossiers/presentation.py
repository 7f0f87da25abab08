"""What the full view of a dossier shows (holder, committee, staff, printable and PDF)."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.dossiers import rules, selectors
from budgetcitoyen.dossiers.models import Dossier


def dossier_context(dossier: Dossier) -> dict[str, Any]:
    """Everything a full view of the dossier shows."""
    return {
        "dossier": dossier,
        "stage": selectors.stage_of(dossier),
        "communes": list(dossier.communes.order_by("name")),
        "lines": list(dossier.financing_lines.all()),
        "plan_total": rules.plan_total(
            dossier.amount_requested,
            [rules.Line(li.source, li.amount) for li in dossier.financing_lines.all()],
        ),
        "attachments": list(dossier.attachments.all()),
        "steps": rules.STEPS,
    }
