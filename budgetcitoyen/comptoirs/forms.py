"""Forms of the comptoirs pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.accounts.forms import first_name_field, last_name_field
from budgetcitoyen.comptoirs.models import StructureKind
from budgetcitoyen.core.forms import Form
from budgetcitoyen.territories.models import Territory


class IdeaForm(Form):
    idea_title = forms.CharField(
        label=_("Le titre de votre idée"),
        max_length=150,
        help_text=_("Même provisoire. 150 caractères au plus."),
    )
    idea_summary = forms.CharField(
        label=_("Votre idée en quelques lignes"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce qui vous anime, pour qui, où. 1 500 caractères au plus."),
    )
    idea_territory = forms.ModelChoiceField(
        label=_("Le territoire qu'elle concerne"),
        queryset=Territory.objects.order_by("name"),
        empty_label=_("— Choisissez un territoire —"),
    )
    structure_kind = forms.ChoiceField(
        label=_("Avez-vous déjà une structure ?"),
        choices=StructureKind.choices,
        widget=forms.RadioSelect,
    )


class RegistrationForm(IdeaForm):
    accessibility_needs = forms.CharField(
        label=_("Un besoin d'accessibilité ? (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Mobilité, audition, vue, garde d'enfant… L'équipe fera son possible pour vous accueillir."
        ),
    )


class WalkInForm(IdeaForm):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = first_name_field()
    last_name = last_name_field()

    field_order = ["email", "first_name", "last_name"]


class CancelComptoirForm(Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est envoyé à toutes les personnes inscrites."),
    )
