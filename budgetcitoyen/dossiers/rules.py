"""The rules a dossier must meet: identifiers, amounts, financing plan, completeness.

Pure functions over plain values (and a dossier for completeness), shared by forms (to
tell a person at once) and services (which enforce them whatever the form sent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siret

# Amounts in messages: "12 500,50", the unit written by the message itself.
from budgetcitoyen.core.formatting import number as format_euros
from budgetcitoyen.core.formatting import parse_amount
from budgetcitoyen.dossiers.models import StructureKind

SUMMARY_MAX_LENGTH = 500
MAX_ATTACHMENTS = 10
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_DURATION_MONTHS = 60
MAX_AMOUNT = Decimal("9999999999.99")


@dataclass(frozen=True)
class Step:
    slug: str
    label: Any
    fields: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        "presentation",
        gettext_lazy("Présentation publique"),
        ("title", "summary", "description", "photo"),
    ),
    Step(
        "projet",
        gettext_lazy("Le projet"),
        (
            "objectives",
            "social_utility",
            "beneficiaries",
            "territory",
            "communes",
            "start_date",
            "duration_months",
            "partners",
        ),
    ),
    Step(
        "porteur",
        gettext_lazy("La structure porteuse"),
        (
            "structure_kind",
            "structure_name",
            "siret",
            "rna",
            "structure_address",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
        ),
    ),
    Step(
        "budget",
        gettext_lazy("Le budget"),
        ("total_cost", "amount_requested", "financing_lines"),
    ),
    Step("categorie", gettext_lazy("La catégorie souhaitée"), ("wished_category",)),
    Step("pieces", gettext_lazy("Pièces jointes"), ("attachments",)),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def step_of(field: str) -> Step:
    for step in STEPS:
        if field in step.fields:
            return step
    raise KeyError(field)


# --- Identifiers ---------------------------------------------------------------------------


def siret_error(value: str) -> str | None:
    """Why ``value`` is not a SIRET number, or None. Spaces are ignored by the caller.

    python-stdnum checks the Luhn key of the SIRET and of its SIREN, and knows La Poste's
    exception: its establishments (SIREN 356 000 000) are checked by the sum of their digits,
    a multiple of 5, except the head office (356 000 000 00048), which follows Luhn.
    """
    if not re.fullmatch(r"[0-9]{14}", value):
        return _("Le numéro SIRET compte 14 chiffres.")
    try:
        siret.validate(value)
    except InvalidChecksum:
        return _("Ce numéro SIRET n'existe pas : vérifiez les chiffres (clé de contrôle).")
    except ValidationError:  # pragma: no cover - the pattern above rules the others out
        return _("Le numéro SIRET compte 14 chiffres.")
    return None


def rna_error(value: str) -> str | None:
    if not re.fullmatch(r"W\d{9}", value):
        return _("Le numéro RNA commence par W, suivi de 9 chiffres (par exemple W623001234).")
    return None


def normalise_identifier(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


# Which identifier each kind of structure has: SIRET, RNA, either, or none.
IDENTIFIERS: dict[str, tuple[str, ...]] = {
    StructureKind.ASSOCIATION: ("rna", "siret"),
    StructureKind.COOPERATIVE: ("siret",),
    StructureKind.MUTUAL: ("siret",),
    StructureKind.FOUNDATION: ("siret",),
    StructureKind.ESUS: ("siret",),
    StructureKind.COLLECTIVE: (),
}


def identifier_errors(kind: str, siret: str, rna: str) -> dict[str, str]:
    """Format errors of the identifiers given, and the one missing for the kind, if any."""
    errors: dict[str, str] = {}
    if siret and (message := siret_error(siret)):
        errors["siret"] = message
    if rna and (message := rna_error(rna)):
        errors["rna"] = message
    if rna and kind and "rna" not in IDENTIFIERS.get(kind, ()):
        errors["rna"] = _("Seule une association a un numéro RNA.")
    return errors


def missing_identifier(kind: str, siret: str, rna: str) -> dict[str, str]:
    wanted = IDENTIFIERS.get(kind, ())
    if wanted == ("siret",) and not siret:
        return {"siret": _("Indiquez le numéro SIRET de la structure.")}
    if wanted == ("rna", "siret") and not (siret or rna):
        return {"rna": _("Indiquez le numéro RNA de l'association (ou son numéro SIRET).")}
    return {}


# --- Money ---------------------------------------------------------------------------------


def parse_euros(text: str) -> Decimal:
    """Read an amount typed the French way ("12 500,50 €", "12500.5") exactly.

    Raises ValueError with a French message.
    """
    try:
        amount = parse_amount(text)
    except ValueError as exc:
        raise ValueError(
            _(
                "Indiquez un montant en euros, avec au plus deux décimales (par exemple 12 500 ou 12 500,50)."
            )
        ) from exc
    if amount > MAX_AMOUNT:
        raise ValueError(_("Ce montant est trop élevé."))
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Line:
    source: str
    amount: Decimal
    is_secured: bool = False


def plan_total(amount_requested: Decimal | None, lines: Iterable[Line]) -> Decimal:
    """The financing plan adds up: the amount requested plus every other source."""
    return (amount_requested or Decimal("0")) + sum((line.amount for line in lines), Decimal("0"))


def amount_errors(
    total_cost: Decimal | None, amount_requested: Decimal | None, largest_maximum: Decimal | None
) -> dict[str, str]:
    """Errors of the amounts themselves (checked as soon as they are typed)."""
    errors: dict[str, str] = {}
    if total_cost is not None and total_cost <= 0:
        errors["total_cost"] = _("Le coût total doit être supérieur à zéro.")
    if amount_requested is not None:
        if amount_requested <= 0:
            errors["amount_requested"] = _("Le montant demandé doit être supérieur à zéro.")
        elif largest_maximum is not None and amount_requested > largest_maximum:
            errors["amount_requested"] = _(
                "Le montant demandé ne peut dépasser %(max)s €, le plafond le plus élevé des catégories de l'édition."
            ) % {"max": format_euros(largest_maximum)}
        elif total_cost is not None and total_cost > 0 and amount_requested > total_cost:
            errors["amount_requested"] = _(
                "Le montant demandé ne peut dépasser le coût total du projet."
            )
    return errors


def category_cap_error(
    amount_requested: Decimal | None, category_name: str, category_cap: Decimal | None
) -> str | None:
    """Why the amount requested is over its wished category's cap per project, or None.

    A warning on the budget and category steps while the draft is written (the amount and the
    category are chosen on different steps), a refusal at submission (``completeness``).
    """
    if amount_requested is None or category_cap is None or amount_requested <= category_cap:
        return None
    return _(
        "Le montant demandé (%(amount)s €) dépasse le plafond de la catégorie « %(category)s » : "
        "%(cap)s € par projet. Baissez le montant demandé ou choisissez une autre catégorie."
    ) % {
        "amount": format_euros(amount_requested),
        "category": category_name,
        "cap": format_euros(category_cap),
    }


def dossier_cap_error(dossier: Any) -> str | None:
    """``category_cap_error`` for a dossier's saved amount and wished category."""
    category = dossier.wished_category if dossier.wished_category_id else None
    if category is None:
        return None
    return category_cap_error(
        dossier.amount_requested, category.name, category.max_amount_per_project
    )


def financing_errors(
    total_cost: Decimal | None, amount_requested: Decimal | None, lines: Sequence[Line]
) -> list[str]:
    """Why the financing plan is not balanced (empty when it is)."""
    if total_cost is None or amount_requested is None:
        return []
    errors = []
    for line in lines:
        if not line.source.strip():
            errors.append(_("Chaque ligne du plan de financement doit indiquer sa source."))
            break
    total = plan_total(amount_requested, lines)
    if total != total_cost:
        gap = total_cost - total
        if gap > 0:
            errors.append(
                _(
                    "Le plan de financement totalise %(total)s € pour un coût de %(cost)s € : il manque %(gap)s €."
                )
                % {
                    "total": format_euros(total),
                    "cost": format_euros(total_cost),
                    "gap": format_euros(gap),
                }
            )
        else:
            errors.append(
                _(
                    "Le plan de financement totalise %(total)s € pour un coût de %(cost)s € : %(gap)s € de trop."
                )
                % {
                    "total": format_euros(total),
                    "cost": format_euros(total_cost),
                    "gap": format_euros(-gap),
                }
            )
    return errors


# --- Completeness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    step: str
    field: str
    message: str


REQUIRED_TEXT = {
    "title": gettext_lazy("Le titre du projet."),
    "summary": gettext_lazy("Le résumé."),
    "description": gettext_lazy("La description."),
    "objectives": gettext_lazy("Les objectifs du projet."),
    "social_utility": gettext_lazy("L'utilité sociale et la dimension ESS."),
    "beneficiaries": gettext_lazy("Les bénéficiaires."),
    "structure_kind": gettext_lazy("Le type de structure porteuse."),
    "structure_name": gettext_lazy("Le nom de la structure porteuse."),
    "structure_address": gettext_lazy("L'adresse de la structure."),
    "contact_name": gettext_lazy("La personne à contacter."),
    "contact_email": gettext_lazy("Le courriel de contact."),
}


def completeness(dossier: Any, *, largest_maximum: Decimal | None) -> list[Missing]:
    """Everything that keeps ``dossier`` from being submitted, in the order of the steps."""
    found: list[Missing] = []

    def miss(field: str, message: Any) -> None:
        found.append(Missing(step_of(field).slug, field, str(message)))

    for step in STEPS:
        if step.slug in (dossier.pending_input or {}):
            found.append(
                Missing(
                    step.slug,
                    "",
                    _("L'étape « %(step)s » contient des erreurs à corriger.")
                    % {"step": step.label},
                )
            )
    for field, label in REQUIRED_TEXT.items():
        if not str(getattr(dossier, field) or "").strip():
            miss(field, label)
    if dossier.summary and len(dossier.summary) > SUMMARY_MAX_LENGTH:
        miss("summary", _("Le résumé dépasse 500 caractères."))
    if dossier.territory_id is None:
        miss("territory", _("Le territoire du projet."))
    if not dossier.communes.exists():
        miss("communes", _("Au moins une commune où le projet se déroule."))
    if dossier.start_date is None:
        miss("start_date", _("La date de démarrage."))
    if not dossier.duration_months:
        miss("duration_months", _("La durée du projet."))
    for field, message in identifier_errors(
        dossier.structure_kind, dossier.siret, dossier.rna
    ).items():
        miss(field, message)
    for field, message in missing_identifier(
        dossier.structure_kind, dossier.siret, dossier.rna
    ).items():
        miss(field, message)
    if dossier.total_cost is None:
        miss("total_cost", _("Le coût total du projet."))
    if dossier.amount_requested is None:
        miss("amount_requested", _("Le montant demandé."))
    for field, message in amount_errors(
        dossier.total_cost, dossier.amount_requested, largest_maximum
    ).items():
        miss(field, message)
    lines = [Line(li.source, li.amount, li.is_secured) for li in dossier.financing_lines.all()]
    for message in financing_errors(dossier.total_cost, dossier.amount_requested, lines):
        miss("financing_lines", message)
    if dossier.wished_category_id is None:
        miss("wished_category", _("La catégorie souhaitée."))
    elif dossier.wished_category.edition_id != dossier.edition_id:
        miss("wished_category", _("La catégorie choisie n'appartient pas à cette édition."))
    elif (over_cap := dossier_cap_error(dossier)) is not None:
        miss("wished_category", over_cap)
    order = {step.slug: index for index, step in enumerate(STEPS)}
    return sorted(found, key=lambda m: order[m.step])
