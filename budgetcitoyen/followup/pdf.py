"""The funding agreement as a PDF (WeasyPrint), made from ``followup/agreement_pdf.html``.

The document prints only the agreement's terms, frozen once it is sent, and WeasyPrint writes
the same bytes for the same HTML: the PDF downloaded later has the SHA-256 kept at sending
(``FundingAgreement.sent_pdf_sha256``), which the pages compare.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import organisation
from budgetcitoyen.core.errors import DomainError
from budgetcitoyen.dossiers.models import StructureKind
from budgetcitoyen.followup.models import FundingAgreement


class PdfUnavailable(DomainError):
    """WeasyPrint cannot run: Pango, the system library it needs, is missing."""

    status_code = 503
    default_message = _(
        "La convention ne peut pas être produite en PDF pour le moment : réessayez plus tard "
        "ou prévenez l'équipe technique."
    )


def kind_label(agreement: FundingAgreement) -> str:
    """The beneficiary's form in words ("Association loi 1901"), or ""."""
    if agreement.beneficiary_kind not in StructureKind.values:
        return ""
    return str(StructureKind(agreement.beneficiary_kind).label)


def agreement_context(agreement: FundingAgreement) -> dict[str, Any]:
    award = agreement.award
    decision = award.decision
    return {
        **organisation.template_context(),
        "agreement": agreement,
        "award": award,
        "decision": decision,
        "dossier": decision.dossier,
        "edition": decision.edition,
        "category": decision.category,
        "instalments": list(agreement.instalments.order_by("position")),
        "kind_label": kind_label(agreement),
    }


def agreement_html(agreement: FundingAgreement) -> str:
    with translation.override("fr"):
        return render_to_string("followup/agreement_pdf.html", agreement_context(agreement))


def agreement_pdf(agreement: FundingAgreement) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as error:  # Pango is missing
        raise PdfUnavailable() from error
    return bytes(HTML(string=agreement_html(agreement)).write_pdf(pdf_variant="pdf/ua-1"))


def sha256_of_pdf(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()
