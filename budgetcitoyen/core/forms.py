"""Helpers shared by the forms of every app, and the one way in for what people send.

No field of the platform can hold a NUL or another control character (PostgreSQL refuses NUL
in text and JSON; the others are invisible and only come from crafted requests or bad
pastes), nor an id or a number beyond what the database stores. Every form of the platform
derives from ``Form`` or ``ModelForm`` here, every formset from ``BaseFormSet``
(``core/tests/test_input.py`` checks it): such a value is refused on its own field with a
French message, before the field reads it, and the other fields are read as usual, so
nothing else typed is lost. Query strings are checked once for every page by
``core.middleware.InputGuardMiddleware``; ids read from them go through
``core.inputs.parse_id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
)
from django.forms.utils import flatatt
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from budgetcitoyen.core.errors import DomainError, InvalidInput
from budgetcitoyen.core.inputs import MAX_ID, MAX_INTEGER, has_controls, strip_controls

CONTROL_MESSAGE = gettext_lazy(
    "Ce champ contenait un caractère de contrôle invisible, que nous avons retiré. "
    "Vérifiez le texte puis enregistrez de nouveau."
)
NUMBER_MESSAGE = gettext_lazy("Ce nombre est trop grand.")
CHOICE_MESSAGE = gettext_lazy("Ce choix n'existe pas.")
COUNT_MESSAGE = gettext_lazy(
    "Le nombre de lignes envoyé par le formulaire est invalide : rechargez la page. "
    "Les lignes déjà enregistrées sont conservées."
)

_INTEGER_LITERAL = re.compile(r"\s*[+-]?[0-9]+\s*")


def _is_multiline(widget: forms.Widget) -> bool:
    return isinstance(widget, forms.Textarea)


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, UploadedFile):
        yield value.name or ""
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _number_problem(field: forms.Field, value: Any) -> str | None:
    """An integer literal beyond what the field's column can hold (SQLite raises
    OverflowError beyond 64 bits, PostgreSQL "integer out of range")."""
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        if field.to_field_name is not None:
            return None
        limit, message = MAX_ID, CHOICE_MESSAGE
    elif isinstance(field, forms.IntegerField):
        limit, message = MAX_INTEGER, NUMBER_MESSAGE
    else:
        return None
    for text in _texts(value):
        if _INTEGER_LITERAL.fullmatch(text) and abs(int(text)) > limit:
            return str(message)
    return None


class CleanInputMixin:
    """Refuses, on its own field, what no field can hold; the other fields are read as usual.

    A text with control characters is shown back without them, with a message asking to
    check it; it is not saved until sent again clean.
    """

    fields: dict[str, forms.Field]
    data: Any
    files: Any
    is_bound: bool
    cleaned_data: dict[str, Any]
    _errors: Any

    def full_clean(self) -> None:
        refused = self._refuse_hostile_input() if self.is_bound else {}
        super().full_clean()  # type: ignore[misc]
        if not refused or not hasattr(self, "cleaned_data"):
            return
        for name, message in refused.items():
            self._errors.pop(name, None)
            self.add_error(name, message)  # type: ignore[attr-defined]

    def _refuse_hostile_input(self) -> dict[str, str]:
        refused: dict[str, str] = {}
        cleaned: dict[str, list[Any]] = {}
        for name, field in self.fields.items():
            key = self.add_prefix(name)  # type: ignore[attr-defined]
            value = field.widget.value_from_datadict(self.data, self.files, key)
            number = _number_problem(field, value)
            if number:
                # The field never reads it: an id beyond 64 bits breaks SQLite's query.
                refused[name] = number
                for data_key in _keys_of(self.data, key):
                    cleaned[data_key] = []
                continue
            multiline = _is_multiline(field.widget)
            if any(has_controls(text, multiline=multiline) for text in _texts(value)):
                refused[name] = str(CONTROL_MESSAGE)
                for data_key in _keys_of(self.data, key):
                    cleaned[data_key] = [
                        strip_controls(v, multiline=multiline) if isinstance(v, str) else v
                        for v in _getlist(self.data, data_key)
                    ]
        if cleaned:
            data = MultiValueDict({k: _getlist(self.data, k) for k in self.data})
            for data_key, values in cleaned.items():
                data.setlist(data_key, values)
            self.data = data
        return refused


def _keys_of(data: Any, key: str) -> list[str]:
    """The keys a field reads: its own, and those of a multi-widget (``key_0``, ``key_1``…)."""
    return [k for k in data if k == key or k.startswith(f"{key}_")]


def _getlist(data: Any, key: str) -> list[Any]:
    if hasattr(data, "getlist"):
        return list(data.getlist(key))
    value = data.get(key)
    return list(value) if isinstance(value, list | tuple) else [value]


# A date picked in the browser's calendar (ISO, what <input type="date"> sends), or typed the
# French way where the browser has no calendar.
CALENDAR_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
CALENDAR_DATE_HELP = gettext_lazy(
    "Format jj/mm/aaaa si votre navigateur ne propose pas de calendrier."
)
_DEFAULT_FORMATS: list[str] = []


def calendar_date_field(
    label: Any,
    *,
    required: bool = True,
    help_text: Any = CALENDAR_DATE_HELP,
    input_formats: list[str] | None = _DEFAULT_FORMATS,
) -> forms.DateField:
    """The site's date field: the browser's calendar, with its hint for those without one.
    ``input_formats=None`` keeps Django's formats of the active language."""
    formats = CALENDAR_DATE_FORMATS if input_formats is _DEFAULT_FORMATS else input_formats
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        input_formats=formats,
    )


class LongSelect(forms.Select):
    """A select with hundreds of options (the 887 communes), written in Python.

    Django's select draws each option through a template of its own, which took about a
    second for the communes' list on every page holding it (the profile, its error
    responses). This writes the same markup as Django's templates (``select.html``,
    ``select_option.html``, ``attrs.html``: the same attributes, groups and selected option)
    in a few milliseconds; ``core/tests/test_form_rendering.py`` compares the two.
    """

    def render(  # type: ignore[override]
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every part escaped by format_html


class Form(CleanInputMixin, forms.Form):
    """The base of every form of the platform."""


class ModelForm(CleanInputMixin, forms.ModelForm):
    """The base of every model form of the platform (the admin's included)."""


class BaseFormSet(forms.BaseFormSet):
    """A formset whose management counts are checked: a negative, huge or unreadable count
    (a tampered form) builds no form and is one French error; nothing saved is replaced."""

    count_message = COUNT_MESSAGE

    def count_problem(self) -> bool:
        if not self.is_bound:
            return False
        management = self.management_form
        if not management.is_valid():
            return True
        counts = management.cleaned_data
        total, initial = counts.get(TOTAL_FORM_COUNT), counts.get(INITIAL_FORM_COUNT)
        maximum = self.max_num if self.max_num is not None else MAX_INTEGER
        if total is None or initial is None or not 0 <= initial <= total <= maximum:
            return True
        limits = [counts.get(MIN_NUM_FORM_COUNT), counts.get(MAX_NUM_FORM_COUNT)]
        return any(n is not None and not 0 <= n <= MAX_INTEGER for n in limits)

    def total_form_count(self) -> int:
        return 0 if self.count_problem() else super().total_form_count()

    def initial_form_count(self) -> int:
        return 0 if self.count_problem() else super().initial_form_count()

    def full_clean(self) -> None:
        super().full_clean()
        if self.count_problem():
            self._non_form_errors = self.error_class(
                [str(self.count_message)],
                error_class="nonform",
                renderer=self.renderer,  # type: ignore[attr-defined]
            )


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: per field when it names fields, else at the top."""
    if isinstance(error, InvalidInput) and error.errors:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.message)
