"""One form style for the whole site: every form is drawn by ``templates/django/forms/``.

Each field has its label before it (a box to tick has its statement beside it, as its
label), its hint and its error tied to it by ``aria-describedby``; a form in error opens
with a summary that names and links each field to correct.
"""

from __future__ import annotations

import inspect
import re

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django import forms
from django.template import Context, Template
from django.test import Client

from budgetcitoyen.core import forms as core_forms
from budgetcitoyen.core.tests.test_input import _import_every_form_module, _subclasses
from budgetcitoyen.testing.a11y import accessibility_problems

SKIPPED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def _position(tag: Tag) -> tuple[int, int]:
    return (tag.sourceline or 0, tag.sourcepos or 0)


def field_problems(html: str) -> list[str]:
    """What breaks the site's form style in ``html``, field by field."""
    soup = BeautifulSoup(html, "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    problems = []
    for control in soup.find_all(["input", "select", "textarea"]):
        kind = control.get("type", "text") if control.name == "input" else control.name
        if kind in SKIPPED_TYPES:
            continue
        ident = control.get("id")
        label = soup.find("label", attrs={"for": ident}) if ident else None
        wrapping = control.find_parent("label")
        if kind in ("checkbox", "radio"):
            if label is None and wrapping is None:
                problems.append(f"{ident}: case sans étiquette")
            elif (
                label is not None
                and label.find_parent(class_="choice") is None
                and control.find_parent("fieldset") is None
            ):
                problems.append(f"{ident}: case hors d'une présentation en choix")
            continue
        if label is None:
            problems.append(f"{ident}: champ sans étiquette")
            continue
        if _position(label) > _position(control):
            problems.append(f"{ident}: l'étiquette suit le champ")
        for suffix in ("_helptext", "_error"):
            if f"{ident}{suffix}" in ids:
                described = str(control.get("aria-describedby", "")).split()
                if f"{ident}{suffix}" not in described:
                    problems.append(f"{ident}: {suffix[1:]} non relié par aria-describedby")
    for fieldset in soup.find_all("fieldset"):
        if fieldset.find("input", attrs={"type": "radio"}) and not fieldset.find("legend"):
            problems.append("groupe de boutons radio sans légende")
    return problems


def _instantiable_forms() -> list[type[forms.BaseForm]]:
    _import_every_form_module()
    found = []
    for cls in _subclasses(core_forms.CleanInputMixin):
        if not issubclass(cls, forms.BaseForm) or ".tests" in cls.__module__:
            continue
        required = [
            p
            for name, p in inspect.signature(cls.__init__).parameters.items()
            if name not in ("self", "args", "kwargs")
            and p.default is inspect.Parameter.empty
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        if not required and not getattr(cls, "_meta", None):
            found.append(cls)
    return sorted(found, key=lambda c: c.__qualname__)


FORMS = _instantiable_forms()


def test_most_forms_of_the_site_are_checked_here():
    assert len(FORMS) >= 10, [c.__qualname__ for c in FORMS]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_draws_labels_first_and_ties_hints_and_errors(form_class):
    try:
        empty, sent = form_class(), form_class(data={})
    except TypeError:  # needs an object of the domain: drawn by the page tests instead
        pytest.skip("formulaire à construire avec des arguments")
    for form in (empty, sent):
        html = f"<main>{form}</main>"
        assert field_problems(html) == []
        assert [
            p for p in accessibility_problems(html) if "describedby" in p or "reliée" in p
        ] == []


@pytest.mark.django_db
def test_allauth_forms_are_drawn_the_same_way():
    from allauth.account.forms import LoginForm, ResetPasswordForm, SignupForm

    for form in (LoginForm(data={}), SignupForm(data={}), ResetPasswordForm(data={})):
        html = form.as_p()  # what allauth's templates call
        assert 'class="field' in html
        assert 'class="form-errors error-summary"' in html
        assert field_problems(html) == []


class Statement(core_forms.Form):
    name = forms.CharField(label="Nom", help_text="Tel qu'il figure sur vos papiers.")
    colour = forms.ChoiceField(
        label="Couleur", choices=[("a", "Rouge"), ("b", "Vert")], widget=forms.RadioSelect
    )
    sworn = forms.BooleanField(label="Je déclare sur l'honneur que c'est exact.")


def test_a_statement_to_tick_is_the_label_beside_its_box():
    soup = BeautifulSoup(str(Statement()), "html.parser")
    choice = soup.select_one(".choice")
    assert choice is not None
    box, label = choice.find("input"), choice.find("label")
    assert box["type"] == "checkbox" and label["for"] == box["id"] == "id_sworn"
    assert label.get_text(strip=True) == "Je déclare sur l'honneur que c'est exact."
    assert _position(box) < _position(label)


def test_a_radio_group_is_a_fieldset_with_its_legend_and_hint_ties():
    soup = BeautifulSoup(str(Statement(data={})), "html.parser")
    fieldset = soup.find("fieldset")
    assert fieldset.find("legend").get_text(strip=True) == "Couleur"
    assert "id_colour_error" in fieldset["aria-describedby"]
    name = soup.find("input", attrs={"name": "name"})
    assert name["aria-describedby"].split() == ["id_name_helptext", "id_name_error"]
    assert name["aria-invalid"] == "true"
    # Labels above the field, without a trailing colon.
    assert soup.find("label", attrs={"for": "id_name"}).get_text() == "Nom"


def test_the_error_summary_names_and_links_each_field_in_error():
    soup = BeautifulSoup(str(Statement(data={})), "html.parser")
    summary = soup.select_one(".error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    assert summary.find("strong").get_text(strip=True) == "3 champs sont à corriger :"
    links = [(a["href"], a.get_text()) for a in summary.find_all("a")]
    assert links == [
        ("#id_name", "Nom"),
        ("#id_colour", "Couleur"),
        ("#id_sworn", "Je déclare sur l'honneur que c'est exact."),
    ]
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert {href[1:] for href, _ in links} <= ids
    assert "Ce champ est obligatoire" in summary.get_text()


def test_one_field_in_error_is_said_in_the_singular_and_a_valid_form_has_no_summary():
    one = Statement(data={"name": "Dupont", "colour": "a"})
    soup = BeautifulSoup(str(one), "html.parser")
    assert soup.select_one(".error-summary strong").get_text(strip=True) == (
        "Un champ est à corriger :"
    )
    valid = Statement(data={"name": "Dupont", "colour": "a", "sworn": "on"})
    assert valid.is_valid() and "error-summary" not in str(valid)
    assert "error-summary" not in str(Statement())


def test_an_error_of_the_whole_form_is_said_first():
    form = Statement(data={"name": "Dupont", "colour": "a", "sworn": "on"})
    form.is_valid()
    form.add_error(None, "Le vote est clos.")
    summary = BeautifulSoup(str(form), "html.parser").select_one(".error-summary")
    assert "Votre demande n'a pas pu être enregistrée" in summary.get_text()
    assert "Le vote est clos." in summary.get_text()
    assert summary.find("a") is None


def test_the_include_of_the_pages_draws_the_same_form():
    html = Template('{% include "includes/form.html" %}').render(
        Context({"form": Statement(data={})})
    )
    assert html.count('class="form-errors error-summary"') == 1 and 'class="choice"' in html


# --- Pages --------------------------------------------------------------------------------


@pytest.fixture
def during_2025_vote(db):  # type: ignore[no-untyped-def]
    from budgetcitoyen.testing.factories import EditionFactory, paris

    EditionFactory(year=2025)
    with time_machine.travel(paris(2025, 9, 15, 12), tick=False):
        yield


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.django_db
def test_the_identity_page_sent_empty_lists_and_links_each_field(during_2025_vote):
    from budgetcitoyen.testing.factories import verified_person

    client = Client()
    client.force_login(verified_person())
    page = client.get("/voter/identite/")
    assert page.status_code == 200 and field_problems(page.content.decode()) == []
    response = client.post("/voter/identite/", {})
    assert response.status_code == 400
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.select_one("main .error-summary")
    assert summary is not None and summary["role"] == "alert"
    hrefs = [a["href"] for a in summary.find_all("a")]
    assert hrefs == [
        "#id_last_name",
        "#id_first_name",
        "#id_birth_date",
        "#id_commune",
        "#id_postal_code",
    ]
    assert re.search(r"5 champs sont à corriger :", _text(response))
    assert "Un champ est à corriger." not in _text(response)
    assert field_problems(html) == []
    assert accessibility_problems(html) == []
    sworn = soup.find("input", attrs={"name": "sworn"})
    assert sworn.find_parent(class_="choice") is not None


@pytest.mark.django_db
def test_the_receipt_check_and_the_catalogue_search_have_labels_above(during_2025_vote):
    verify = Client().post("/verifier-mon-vote/", {})
    assert verify.status_code in (200, 400)
    html = verify.content.decode()
    assert field_problems(html) == [] and '<a href="#id_code">' in html
    catalogue = Client().get("/projets/")
    assert field_problems(catalogue.content.decode()) == []
    assert "<br><input" not in catalogue.content.decode()


# --- The menu and the visual defects ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "resident", "staff", "superuser"])
def test_the_menu_is_a_disclosure_on_phones_and_groups_the_staff_links(during_2025_vote, persona):
    from budgetcitoyen.testing.cast import make_persona

    client = Client()
    user = make_persona(persona)
    if user is not None:
        client.force_login(user)
    soup = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    nav = soup.find("nav", id="navigation")
    button = nav.select_one("details.menu-phone > summary.menu-button")
    assert button is not None and button.get_text(strip=True) == "Menu"
    wide = nav.select_one(".menu-wide > .nav-list")
    top = [li for li in wide.find_all("li", recursive=False)]
    assert len(top) <= 8  # one row at 1280 px
    groups = {
        g.find("summary").get_text(strip=True): [a.get_text(strip=True) for a in g.find_all("a")]
        for g in wide.select(".nav-group details")
    }
    if persona == "anonymous":
        assert groups == {}
    else:
        assert "Mes inscriptions" in groups["Mon espace"]
    if persona in ("staff", "superuser"):
        assert "Suivi du vote" in groups["Gestion"]
    else:
        assert "Gestion" not in groups
    # The phone menu holds the same links.
    phone_links = [a["href"] for a in nav.select(".menu-phone a")]
    assert phone_links == [a["href"] for a in nav.select(".menu-wide a")]


@pytest.mark.django_db
def test_an_agenda_card_keeps_its_time_on_one_line():
    from budgetcitoyen.testing.factories import ComptoirFactory

    comptoir = ComptoirFactory()  # 9 h 30
    html = Template('{% include "comptoirs/_card.html" %}').render(Context({"comptoir": comptoir}))
    assert '<span class="nowrap">9 h 30</span>' in html


def _rule(css: str, selector: str) -> str:
    match = re.search(r"(?m)^" + re.escape(selector) + r" \{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def test_the_stylesheet_styles_every_form_and_reads_the_phase_as_a_status():
    from pathlib import Path

    import budgetcitoyen

    css = (Path(budgetcitoyen.__file__).parent / "static/budgetcitoyen/site.css").read_text()
    assert ".form input" not in css and ".form label" not in css  # not only inside .form
    assert "min-height: 2.75rem" in css and "font-size: max(1rem, 1em)" in css
    badge = _rule(css, ".phase-badge")
    assert "border" not in badge and "999px" not in badge  # no button-like pill
    assert "margin-top: 0" in _rule(css, ".card-title, .card h2.card-title")
    assert ".nowrap { white-space: nowrap; }" in css


def _select_markup(html: str) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    """Each element of a select, its attributes and its text, whatever the spacing."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        (
            tag.name,
            tuple(
                sorted((k, " ".join(v) if isinstance(v, list) else v) for k, v in tag.attrs.items())
            ),
            tag.get_text() if tag.name == "option" else "",
        )
        for tag in soup.find_all(["select", "optgroup", "option"])
    ]


@pytest.mark.parametrize("value", [None, "", "2", "7", ["2"]])
def test_the_long_select_writes_what_django_s_templates_write(value):  # type: ignore[no-untyped-def]
    choices = [
        ("", "— Choisissez <votre> commune —"),
        ("Arras & environs", [(1, "Achicourt"), (2, "L'Écluse « d'eau »")]),
        ("Lens", [(7, 'Lens "centre"')]),
        (9, "Hors groupe"),
    ]
    attrs = {"id": "id_commune", "aria-describedby": "id_commune_helptext", "required": True}
    ours = core_forms.LongSelect(choices=choices).render("commune", value, attrs)
    django = forms.Select(choices=choices).render("commune", value, attrs)
    assert _select_markup(ours) == _select_markup(django)
    assert "<votre>" not in ours and "&lt;votre&gt;" in ours
