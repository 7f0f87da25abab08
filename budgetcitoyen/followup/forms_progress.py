"""Forms of a laureate's progress: they parse what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from budgetcitoyen.core.forms import Form, calendar_date_field
from budgetcitoyen.dossiers.forms import EuroField, MultipleFileField
from budgetcitoyen.followup.models import Milestone
from budgetcitoyen.followup.services.progress import MAX_TEXT

MAX_REASON = 2000


class MilestoneForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("Étape"), choices=Milestone.Kind.choices)
    reached_on = calendar_date_field(gettext_lazy("Date"))
    progress = forms.IntegerField(
        label=gettext_lazy("Avancement (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy(
            "De 0 à 100. Laissé vide, l'avancement reste celui de la dernière étape ; "
            "« Projet réalisé » vaut 100."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Obligatoire pour un abandon (publié sur la fiche du projet), et pour un projet "
            "réalisé dont le rapport final n'est pas encore accepté."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Précision publique (facultatif)"), required=False, max_length=300
    )


class ReasonForm(Form):
    """A refusal, an unpublication or a removal: the reason is required."""

    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewsForm(Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=150)
    body = forms.CharField(
        label=gettext_lazy("Texte"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8})
    )
    happened_on = calendar_date_field(gettext_lazy("Date de l'événement"))
    photo = forms.FileField(
        label=gettext_lazy("Une photo (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=gettext_lazy("JPEG ou PNG, 10 Mo au plus."),
    )
    photo_alt = forms.CharField(
        label=gettext_lazy("Description de la photo"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Obligatoire avec une photo : ce qu'elle montre, pour les personnes qui ne la "
            "voient pas."
        ),
    )
    remove_photo = forms.BooleanField(label=gettext_lazy("Retirer la photo"), required=False)

    def __init__(self, *args: object, has_photo: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not has_photo:
            del self.fields["remove_photo"]


class ReportForm(Form):
    achievements = forms.CharField(
        label=gettext_lazy("Ce qui a été réalisé"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Les actions menées, ce qui a changé grâce au projet."),
    )
    beneficiaries_reached = forms.CharField(
        label=gettext_lazy("Publics touchés"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Qui a bénéficié du projet, et combien de personnes environ."),
    )
    spending = forms.CharField(
        label=gettext_lazy("Utilisation de l'aide"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("À quoi l'aide du Département a servi, poste par poste."),
    )
    difficulties = forms.CharField(
        label=gettext_lazy("Difficultés et suites (facultatif)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    amount_spent = EuroField(
        label=gettext_lazy("Dépenses réalisées (€)"),
        help_text=gettext_lazy("Le total des dépenses du projet, par exemple « 12 500,50 »."),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Ajouter des pièces (facultatif)"),
        help_text=gettext_lazy(
            "PDF, JPEG ou PNG, 10 Mo au plus chacune, 10 pièces au plus : factures, photos, "
            "bilan financier… Vous pouvez en choisir plusieurs à la fois."
        ),
    )


class ReviewForm(Form):
    """Staff's observations on a report: optional to accept, required to return it."""

    comment = forms.CharField(
        label=gettext_lazy("Observations au porteur"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
