"""Writes on editions and categories; the rules of an edition's calendar and settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from budgetcitoyen.ballots import rules as ballot_rules
from budgetcitoyen.core import pagecache
from budgetcitoyen.core.audit import changes, log_action
from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.editions.models import Category, Edition

EDITION_FIELDS = [
    "year",
    "title",
    "introduction",
    "is_published",
    "is_demo",
    "is_imported",
    "comptoirs_start",
    "comptoirs_end",
    "deposit_start",
    "deposit_end",
    "labelling_start",
    "labelling_end",
    "vote_start",
    "vote_end",
    "results_at",
    "vote_rule",
    "vote_min_choices",
    "vote_max_choices",
    "minimum_voter_age",
    "age_reference_date",
    "allocation_rule",
    "allocation_threshold",
]
CATEGORY_FIELDS = ["name", "description", "envelope", "max_amount_per_project", "priority"]


def calendar_errors(edition: Edition) -> dict[str, str]:
    """Every broken rule of the calendar, as ``{field: French message}``."""
    errors: dict[str, str] = {}
    e = edition

    def need(field: str, ok: bool, message: str) -> None:
        if not ok and field not in errors:
            errors[field] = message

    windows = [
        (
            "comptoirs_end",
            e.comptoirs_start,
            e.comptoirs_end,
            _("La fin des comptoirs doit suivre leur début."),
        ),
        (
            "deposit_end",
            e.deposit_start,
            e.deposit_end,
            _("La clôture du dépôt doit suivre son ouverture."),
        ),
        (
            "labelling_end",
            e.labelling_start,
            e.labelling_end,
            _("La fin de la labellisation doit suivre son début."),
        ),
        ("vote_end", e.vote_start, e.vote_end, _("La clôture du vote doit suivre son ouverture.")),
    ]
    for field, start, end, message in windows:
        if start is None or end is None:
            continue
        need(field, start < end, message)
    if e.comptoirs_start and e.deposit_end:
        need(
            "comptoirs_start",
            e.comptoirs_start < e.deposit_end,
            _(
                "Les comptoirs doivent commencer avant la clôture du dépôt : y participer est obligatoire pour déposer."
            ),
        )
    if e.deposit_end and e.labelling_start:
        need(
            "labelling_start",
            e.deposit_end <= e.labelling_start,
            _("La labellisation ne peut commencer qu'après la clôture du dépôt des dossiers."),
        )
    if e.labelling_end and e.vote_start:
        need(
            "vote_start",
            e.labelling_end <= e.vote_start,
            _("Le vote ne peut s'ouvrir qu'après la fin de la labellisation."),
        )
    if e.vote_end and e.results_at:
        need(
            "results_at",
            e.vote_end <= e.results_at,
            _("Les résultats ne peuvent être publiés qu'après la clôture du vote."),
        )
    return errors


def vote_settings_errors(edition: Edition) -> dict[str, str]:
    errors: dict[str, str] = {}
    # An unknown rule is reported on its field by the field's choices.
    rule = ballot_rules.RULES.get(edition.vote_rule)
    if rule is not None:
        errors.update(rule.settings_errors(edition.vote_min_choices, edition.vote_max_choices))
    if edition.age_reference_date and edition.vote_end:
        from django.utils import timezone

        if edition.age_reference_date > timezone.localdate(edition.vote_end):
            errors["age_reference_date"] = _(
                "L'âge doit être calculé au plus tard le dernier jour du vote."
            )
    return errors


def _normalise_vote_settings(edition: Edition) -> None:
    """Drop the numbers a rule does not use, so what is stored is what applies."""
    rule = ballot_rules.RULES.get(edition.vote_rule)
    if rule is not None:
        edition.vote_min_choices, edition.vote_max_choices = rule.normalise_settings(
            edition.vote_min_choices, edition.vote_max_choices
        )


def edition_validate(edition: Edition) -> None:
    """Raise Django's ValidationError (per field) when the calendar or settings break a rule."""
    _normalise_vote_settings(edition)
    errors = {**calendar_errors(edition), **vote_settings_errors(edition)}
    if errors:
        raise ValidationError(errors)


def _full_clean(edition: Edition) -> None:
    try:
        edition.full_clean(validate_unique=True, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidInput(
            errors={
                field: " ".join(str(m) for m in messages)
                for field, messages in exc.message_dict.items()
            }
        ) from exc


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


@transaction.atomic
def edition_create(*, by: Any | None, **values: Any) -> Edition:
    unknown = set(values) - set(EDITION_FIELDS)
    if unknown:
        raise TypeError(f"champs inconnus : {sorted(unknown)}")
    edition = Edition(**values)
    _full_clean(edition)
    edition.save()
    pagecache.invalidate()
    log_action(
        actor=by,
        action="editions.edition_created",
        obj=edition,
        data=_snapshot(edition, EDITION_FIELDS),
    )
    return edition


@transaction.atomic
def edition_update(*, edition: Edition, by: Any | None, **values: Any) -> Edition:
    unknown = set(values) - set(EDITION_FIELDS)
    if unknown:
        raise TypeError(f"champs inconnus : {sorted(unknown)}")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    before = _snapshot(edition, EDITION_FIELDS)
    for field, value in values.items():
        setattr(edition, field, value)
    _full_clean(edition)
    diff = changes(before, _snapshot(edition, EDITION_FIELDS))
    if diff:
        edition.save()
        pagecache.invalidate()
        log_action(actor=by, action="editions.edition_updated", obj=edition, data={"changes": diff})
    return edition


def _category_check(category: Category) -> None:
    try:
        category.full_clean(exclude=["edition"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidInput(
            errors={f: " ".join(str(m) for m in msgs) for f, msgs in exc.message_dict.items()}
        ) from exc
    errors: dict[str, str] = {}
    if category.envelope is not None and category.envelope < 0:
        errors["envelope"] = _("L'enveloppe ne peut pas être négative.")
    if category.max_amount_per_project is not None and category.max_amount_per_project <= 0:
        errors["max_amount_per_project"] = _("Le montant maximum par projet doit être positif.")
    if category.priority is not None and category.priority < 1:
        errors["priority"] = _("La priorité commence à 1.")
    siblings = Category.objects.filter(edition_id=category.edition_id).exclude(pk=category.pk)
    if siblings.filter(priority=category.priority).exists():
        errors["priority"] = _("Une autre catégorie de l'édition a déjà cette priorité.")
    if siblings.filter(name__iexact=category.name).exists():
        errors["name"] = _("Une autre catégorie de l'édition porte déjà ce nom.")
    if errors:
        raise InvalidInput(errors=errors)


def _save_category(category: Category) -> None:
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:  # a concurrent save took the same name or priority
        raise InvalidInput(
            _("Une autre catégorie de l'édition a déjà ce nom ou cette priorité.")
        ) from exc


@transaction.atomic
def category_create(*, edition: Edition, by: Any | None, **values: Any) -> Category:
    category = Category(edition=edition, **values)
    _category_check(category)
    _save_category(category)
    pagecache.invalidate()
    log_action(
        actor=by,
        action="editions.category_created",
        obj=category,
        data={"edition": edition.year, **_snapshot(category, CATEGORY_FIELDS)},
    )
    return category


@transaction.atomic
def category_update(*, category: Category, by: Any | None, **values: Any) -> Category:
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = _snapshot(category, CATEGORY_FIELDS)
    for field, value in values.items():
        setattr(category, field, value)
    _category_check(category)
    diff = changes(before, _snapshot(category, CATEGORY_FIELDS))
    if diff:
        _save_category(category)
        pagecache.invalidate()
        log_action(
            actor=by, action="editions.category_updated", obj=category, data={"changes": diff}
        )
    return category


@transaction.atomic
def category_delete(*, category: Category, by: Any | None) -> None:
    pagecache.invalidate()
    log_action(
        actor=by,
        action="editions.category_deleted",
        obj=category,
        data={"edition": category.edition.year, **_snapshot(category, CATEGORY_FIELDS)},
    )
    category.delete()
