"""Forms of the vote. They parse what was typed; the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import organisation
from budgetcitoyen.core.forms import Form
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.territories.selectors import AmbiguousCommune, resolve_commune

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]


class EmailForm(Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Nous vous y envoyons un code à 6 chiffres, valable 15 minutes."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Cette adresse électronique n'est pas valide (exemple : nom@exemple.fr)."),
        },
    )


class CodeForm(Form):
    code = forms.CharField(
        label=_("Code reçu par courriel"),
        max_length=12,
        help_text=_("6 chiffres."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        error_messages={"required": _("Saisissez le code reçu par courriel.")},
    )


class IdentityForm(Form):
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Indiquez votre nom.")},
    )
    first_name = forms.CharField(
        label=_("Premier prénom"),
        max_length=100,
        help_text=_("Tel qu'il figure sur vos papiers, par exemple « Jean-Pierre »."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Indiquez votre prénom.")},
    )
    other_first_names = forms.CharField(
        label=_("Autres prénoms (facultatif)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        input_formats=DATE_FORMATS,
        help_text=_("Au format JJ/MM/AAAA, par exemple 14/07/1990."),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "bday"}),
        error_messages={
            "required": _("Indiquez votre date de naissance, par exemple 14/07/1990."),
            "invalid": _("Date de naissance non reconnue : écrivez-la au format JJ/MM/AAAA."),
        },
    )
    commune = forms.CharField(
        label=_("Commune de résidence"),
        max_length=120,
        help_text=organisation.with_names_lazy(
            _(
                "Commencez à taper son nom : la liste propose les communes %(area_of)s, "
                "anciennes communes comprises."
            )
        ),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "list": "communes"}),
        error_messages={"required": _("Indiquez votre commune de résidence.")},
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=5,
        min_length=5,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
        ),
        error_messages={
            "required": _("Indiquez votre code postal."),
            "min_length": _("Un code postal a 5 chiffres."),
        },
    )
    sworn = forms.BooleanField(
        label=organisation.with_names_lazy(
            _(
                "Je déclare sur l'honneur que ces informations sont exactes, que je réside "
                "%(area_in)s et que je ne vote qu'une fois. Tout vote multiple entraîne "
                "l'annulation de tous mes votes."
            )
        ),
        required=False,
    )

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Un code postal a 5 chiffres."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Namesakes the postal code does not separate are the person's to choose between: an
        # error on the field, never a silent pick that would decide eligibility.
        self.resolved_commune: Commune | None = None
        if data.get("commune"):
            try:
                self.resolved_commune = resolve_commune(
                    data["commune"], data.get("postal_code", "")
                )
            except AmbiguousCommune as exc:
                self.add_error("commune", exc.message)
        return data

    def identity(self) -> dict[str, Any]:
        """The declared identity, commune resolved, for the services."""
        data = self.cleaned_data
        return {
            "last_name": data.get("last_name", ""),
            "first_name": data.get("first_name", ""),
            "other_first_names": data.get("other_first_names", ""),
            "birth_date": data.get("birth_date"),
            "commune": self.resolved_commune,
            "postal_code": data.get("postal_code", ""),
        }


class PaperBallotForm(IdentityForm):
    collection_point = forms.CharField(
        label=_("Maison du Département (lieu de dépôt)"),
        max_length=150,
        widget=forms.TextInput(attrs={"list": "lieux"}),
        error_messages={"required": _("Indiquez le lieu de dépôt du bulletin.")},
    )
    collected_on = forms.DateField(
        label=_("Date de dépôt"),
        input_formats=DATE_FORMATS,
        help_text=_("Au format JJ/MM/AAAA."),
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={
            "required": _("Indiquez la date de dépôt du bulletin."),
            "invalid": _("Date non reconnue : écrivez-la au format JJ/MM/AAAA."),
        },
    )
    another_sheet = forms.BooleanField(
        label=_(
            "Il s'agit d'un autre bulletin papier de la même personne (et non d'une seconde "
            "saisie du même bulletin)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sworn"].label = _("La déclaration sur l'honneur est signée sur le bulletin")
        for name in (
            "last_name",
            "first_name",
            "other_first_names",
            "birth_date",
            "commune",
            "postal_code",
        ):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["first_name"].help_text = ""
        self.fields["commune"].help_text = _("Nom de la commune ou code INSEE.")
        self.order_fields(
            [
                "collection_point",
                "collected_on",
                "last_name",
                "first_name",
                "other_first_names",
                "birth_date",
                "commune",
                "postal_code",
                "sworn",
            ]
        )


class ReceiptForm(Form):
    code = forms.CharField(
        label=_("Code de reçu"),
        max_length=40,
        help_text=_("16 caractères, par exemple 7KQ2-M9XD-PR4T-1B8C (tirets facultatifs)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 24}),
        error_messages={"required": _("Saisissez votre code de reçu.")},
    )


class ReviewDecisionForm(Form):
    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("annul", _("Vote multiple : annuler tous les bulletins de cette personne")),
            (
                "dismiss",
                _("Personnes différentes (homonymes) : classer, les bulletins restent valides"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une décision.")},
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour classer ; communiqué aux votants concernés."),
    )
