"""Forms of the committee workspace: they parse; the labelling services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.forms import Form
from budgetcitoyen.dossiers.forms import EuroField
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.labelling.models import Criterion, Opinion, Outcome


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ReviewForm(Form):
    opinion = forms.ChoiceField(
        label=_("Votre avis"), choices=Opinion.choices, widget=forms.RadioSelect
    )
    proposed_category = CategoryChoiceField(
        label=_("Catégorie proposée"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label=_("— Pas de proposition —"),
        help_text=_("Au vu des réponses du porteur : le comité qualifie la catégorie."),
    )
    comment = forms.CharField(
        label=_("Commentaire interne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Réservé au comité et à l'équipe : jamais montré au porteur."),
    )

    def __init__(self, *args: Any, dossier: Dossier, grid: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grid = grid
        field = self.fields["proposed_category"]
        field.queryset = dossier.edition.categories.order_by("priority")  # type: ignore[attr-defined]
        for criterion in grid:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[(n, str(n)) for n in range(criterion.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
            )
        self.order_fields(
            ["opinion", "proposed_category", *[f"score_{c.pk}" for c in grid], "comment"]
        )

    def scores(self) -> dict[str, Any]:
        return {str(c.pk): self.cleaned_data.get(f"score_{c.pk}") for c in self.grid}

    @property
    def score_fields(self) -> list[Any]:
        return [self[f"score_{c.pk}"] for c in self.grid]


class ConflictForm(Form):
    reason = forms.CharField(
        label=_("Nature du lien (facultatif)"),
        required=False,
        max_length=300,
        help_text=_("Par exemple : membre du conseil d'administration de la structure porteuse."),
    )


class DecisionForm(Form):
    outcome = forms.ChoiceField(
        label=_("Décision"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    category = CategoryChoiceField(
        label=_("Catégorie retenue"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label=_("— Choisissez —"),
    )
    labelled_amount = EuroField(label=_("Montant labellisé (€)"))
    public_title = forms.CharField(label=_("Titre public"), max_length=150, required=False)
    public_summary = forms.CharField(
        label=_("Résumé public"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    public_description = forms.CharField(
        label=_("Description publique"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    reason = forms.CharField(
        label=_("Motif adressé au porteur (si non labellisé)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Il est envoyé au porteur : écrivez-le pour lui."),
    )
    override_reason = forms.CharField(
        label=_("Motif de la décision hors période de labellisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Obligatoire en dehors de la période de labellisation ; il est consigné dans l'historique."
        ),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = dossier.edition.categories.order_by("priority")  # type: ignore[attr-defined]
        self.fields["public_title"].help_text = _(
            "Texte du porteur, corrigé seulement des coquilles ; l'original reste dans le dossier."
        )


class BulkAssignForm(Form):
    dossiers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Dossiers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,  # type: ignore[arg-type]
    )
    members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Membres du comité"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, dossiers: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["dossiers"].label_from_instance = lambda d: f"{d.reference} — {d.title}"  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class BalancedAssignForm(Form):
    members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Membres entre lesquels répartir"),
        queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )
    per_dossier = forms.IntegerField(
        label=_("Nombre de membres par dossier"), min_value=1, max_value=10, initial=2
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
