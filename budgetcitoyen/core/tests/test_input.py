"""The one way in for input: what no field can hold is refused on its field, in French."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.test import Client

import budgetcitoyen
from budgetcitoyen.core import forms as core_forms
from budgetcitoyen.core.inputs import MAX_ID, clean_raw_input, parse_id, strip_controls


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _import_every_form_module() -> None:
    for module in pkgutil.walk_packages(budgetcitoyen.__path__, "budgetcitoyen."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "admin"):
            importlib.import_module(module.name)


def test_every_form_of_the_platform_derives_from_the_base():
    _import_every_form_module()
    ours = [
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("budgetcitoyen.") and ".tests" not in cls.__module__
    ]
    assert len(ours) > 15
    assert [c.__qualname__ for c in ours if not issubclass(c, core_forms.CleanInputMixin)] == []
    formsets = [c for c in _subclasses(forms.BaseFormSet) if getattr(c, "form", None) in ours]
    assert formsets
    assert [c for c in formsets if not issubclass(c, core_forms.BaseFormSet)] == []


class Sample(core_forms.Form):
    name = forms.CharField(required=False)
    text = forms.CharField(required=False, widget=forms.Textarea)
    count = forms.IntegerField(required=False)
    tags = forms.MultipleChoiceField(required=False, choices=[("a", "a"), ("b", "b")])


def test_a_control_character_is_refused_on_its_field_and_shown_back_without_it():
    form = Sample({"name": "Jean\x00ne", "text": "ligne 1\r\nligne\t2", "count": "3"})
    assert not form.is_valid()
    assert list(form.errors) == ["name"]
    assert "caractère de contrôle" in form.errors["name"][0]
    assert form.cleaned_data == {"text": "ligne 1\r\nligne\t2", "count": 3, "tags": []}
    assert form["name"].value() == "Jeanne"


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\n", "\r"])
def test_a_one_line_field_refuses_every_control_but_the_tab(character):
    assert "name" in Sample({"name": f"a{character}b"}).errors
    assert Sample({"name": "a\tb"}).is_valid()


def test_a_multiline_field_keeps_its_line_breaks_and_refuses_the_rest():
    assert Sample({"text": "a\r\nb\tc"}).is_valid()
    assert "text" in Sample({"text": "a\x0bb"}).errors


def test_numbers_beyond_a_column_are_refused_in_french():
    form = Sample({"count": "9" * 30, "name": "ok"})
    assert form.errors == {"count": ["Ce nombre est trop grand."]}
    assert form.cleaned_data["name"] == "ok"


def test_a_choice_list_with_a_control_character_is_refused():
    assert "tags" in Sample({"tags": ["a", "b\x00"]}).errors


def test_an_id_beyond_64_bits_is_an_unknown_choice(db):
    from budgetcitoyen.territories.models import Territory

    class Choose(core_forms.Form):
        territory = forms.ModelChoiceField(queryset=Territory.objects.all())
        several = forms.ModelMultipleChoiceField(queryset=Territory.objects.all(), required=False)

    form = Choose({"territory": str(2**64), "several": ["1", str(10**30)]})
    assert form.errors == {
        "territory": ["Ce choix n'existe pas."],
        "several": ["Ce choix n'existe pas."],
    }


class Line(core_forms.Form):
    label = forms.CharField(required=False)


Lines = forms.formset_factory(Line, formset=core_forms.BaseFormSet, extra=1, max_num=5)


@pytest.mark.parametrize(
    "total, initial",
    [("-5", "0"), ("abc", "0"), ("9" * 25, "0"), ("6", "0"), ("2", "3"), ("2", "-1"), ("", "")],
)
def test_a_tampered_management_count_builds_no_form_and_is_one_french_error(total, initial):
    formset = Lines({"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": initial}, prefix="form")
    assert not formset.is_valid()
    assert formset.forms == []
    assert formset.non_form_errors() == [str(core_forms.COUNT_MESSAGE)]


def test_a_sound_management_count_is_read_as_usual():
    formset = Lines(
        {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-label": "x"}, prefix="form"
    )
    assert formset.is_valid() and len(formset.forms) == 2


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 30, None),
        ("0", None),
        ("-1", None),
        ("1e3", None),
        ("²", None),
        ("٣", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_raw_input_is_kept_without_control_characters():
    assert strip_controls("a\x00b\r\n", multiline=False) == "ab"
    assert clean_raw_input({"k\x00": ["v\x00", "w"]}) == {"k": ["v", "w"]}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=a%00b", "edition=2025%0d%0aX-Injected:1", "a%01=1"])
def test_a_query_string_with_a_control_character_is_a_french_400(query):
    response = Client().get(f"/projets/?{query}")
    assert response.status_code == 400
    assert "caractère de contrôle" in response.content.decode()


@pytest.mark.django_db
def test_a_query_string_with_a_tab_or_ordinary_text_goes_through():
    assert Client().get("/?q=a%09b%20%C3%A9").status_code == 200
