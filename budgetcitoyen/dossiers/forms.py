"""Forms of the dossier steps: they parse what a person typed; the services decide.

Each step form knows its dossier (for the edition's categories and maximum) and gives the
values it could read (``valid_values``) even when other fields have errors, so the view
can save them: a draft never loses what was typed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgetcitoyen.core import organisation
from budgetcitoyen.core.formatting import number
from budgetcitoyen.core.forms import BaseFormSet, Form, calendar_date_field
from budgetcitoyen.core.phones import PhoneField
from budgetcitoyen.dossiers import rules
from budgetcitoyen.dossiers.models import Dossier, StructureKind
from budgetcitoyen.dossiers.services import largest_maximum
from budgetcitoyen.territories import selectors as territories
from budgetcitoyen.territories.models import Commune, Territory

TEXTAREA = {"rows": 5}


class EuroField(forms.CharField):
    """An amount typed the French way ("12 500,50"), read as an exact Decimal."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            # Typed back as a person types it: French, ordinary spaces.
            return number(value, locale="fr_FR").replace("\u202f", " ")
        return value

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            return rules.parse_euros(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class CommunesField(forms.CharField):
    """One commune per line: a name (former names too), an INSEE code, or "Name (postal code)"."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(c.name for c in value)
        return value

    def clean(self, value: Any) -> list[Commune]:  # type: ignore[override]
        text = super().clean(value) or ""
        found: list[Commune] = []
        problems: list[str] = []
        for line in [part.strip() for part in re.split(r"[\n;]", text)]:
            if not line:
                continue
            commune, problem = resolve_commune(line)
            if commune is None:
                problems.append(problem)
            elif commune not in found:
                found.append(commune)
        if problems:
            raise forms.ValidationError(problems)
        return found


def resolve_commune(text: str) -> tuple[Commune | None, str]:
    """One line of the communes field: the commune, or why there is none."""
    match = re.fullmatch(r"(.*?)\s*\((\d{5})\)", text)
    try:
        commune = territories.resolve_commune(text)
    except territories.AmbiguousCommune as exc:
        return None, exc.message
    # A postal code written beside the name must serve the commune.
    if (
        commune is not None
        and match
        and match.group(1)
        and not commune.postal_codes.filter(code=match.group(2)).exists()
    ):
        commune = None
    if commune is None:
        return None, _("« %(text)s » : commune inconnue %(area_in)s.") % {
            "text": text,
            **organisation.names(),
        }
    return commune, ""


class StepForm(Form):
    """A step of the dossier: built from the dossier, gives back what it could read."""

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        self.dossier = dossier
        kwargs.setdefault("initial", self.initial_from(dossier))
        super().__init__(*args, **kwargs)

    def initial_from(self, dossier: Dossier) -> dict[str, Any]:
        return {name: getattr(dossier, name, None) for name in self.base_fields}

    def valid_values(self) -> dict[str, Any]:
        """The fields that parsed, whatever happened to the others."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and name in self.saved_fields()
        }

    def saved_fields(self) -> set[str]:
        return set(self.base_fields)


class PresentationForm(StepForm):
    title = forms.CharField(
        label=gettext_lazy("Titre du projet"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Court et parlant : c'est lui que les habitants liront. 150 caractères au plus."
        ),
    )
    summary = forms.CharField(
        label=gettext_lazy("Résumé"),
        max_length=rules.SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": rules.SUMMARY_MAX_LENGTH}),
        help_text=gettext_lazy(
            "500 caractères au plus. Il sera affiché sur la fiche publique si le projet est labellisé."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Le projet en détail : ce qui sera fait, comment, avec qui."),
    )
    photo = forms.FileField(
        label=gettext_lazy("Une photo (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=gettext_lazy(
            "JPEG ou PNG, 10 Mo au plus. Elle illustrera la fiche publique du projet."
        ),
    )

    def saved_fields(self) -> set[str]:
        return {"title", "summary", "description"}

    def initial_from(self, dossier: Dossier) -> dict[str, Any]:
        return {
            "title": dossier.title,
            "summary": dossier.summary,
            "description": dossier.description,
        }


class ProjectForm(StepForm):
    objectives = forms.CharField(
        label=gettext_lazy("Objectifs"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    social_utility = forms.CharField(
        label=gettext_lazy("Utilité sociale et dimension ESS"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=gettext_lazy(
            "En quoi le projet répond à un besoin social, et comment il s'inscrit dans l'économie sociale et solidaire "
            "(gouvernance, coopération, lucrativité limitée…)."
        ),
    )
    beneficiaries = forms.CharField(
        label=gettext_lazy("Bénéficiaires"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Qui profitera du projet, et combien de personnes environ."),
    )
    territory = forms.ModelChoiceField(
        label=gettext_lazy("Territoire"),
        queryset=Territory.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("— Choisissez un territoire —"),
    )
    communes = CommunesField(
        label=gettext_lazy("Communes où le projet se déroule"),
        required=False,
        help_text=gettext_lazy(
            "Une commune par ligne : son nom, ou son nom suivi du code postal entre parenthèses, "
            "par exemple « Arras » ou « Saint-Omer (62500) »."
        ),
    )
    start_date = calendar_date_field(gettext_lazy("Date de démarrage"), required=False)
    duration_months = forms.IntegerField(
        label=gettext_lazy("Durée (en mois)"),
        required=False,
        min_value=1,
        max_value=rules.MAX_DURATION_MONTHS,
    )
    partners = forms.CharField(
        label=gettext_lazy("Partenaires (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Structures, communes, entreprises associées au projet, et leur rôle."
        ),
    )

    def initial_from(self, dossier: Dossier) -> dict[str, Any]:
        initial = super().initial_from(dossier)
        initial["communes"] = list(dossier.communes.order_by("name")) if dossier.pk else []
        return initial


class CarrierForm(StepForm):
    structure_kind = forms.ChoiceField(
        label=gettext_lazy("Type de structure"),
        choices=StructureKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    structure_name = forms.CharField(
        label=gettext_lazy("Nom de la structure"), max_length=200, required=False
    )
    siret = forms.CharField(
        label=gettext_lazy("Numéro SIRET"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "14 chiffres. Obligatoire sauf pour une association qui donne son numéro RNA, et pour un collectif."
        ),
    )
    rna = forms.CharField(
        label=gettext_lazy("Numéro RNA (associations)"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "W suivi de 9 chiffres, par exemple W623001234 (récépissé de déclaration en préfecture)."
        ),
    )
    structure_address = forms.CharField(
        label=gettext_lazy("Adresse de la structure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Personne à contacter"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_role = forms.CharField(
        label=gettext_lazy("Sa fonction (facultatif)"), max_length=100, required=False
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Son courriel"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = PhoneField(
        label=gettext_lazy("Son téléphone (facultatif)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("siret", "rna"):
            if field in data:
                data[field] = rules.normalise_identifier(data[field])
        kind = data.get("structure_kind", "")
        errors = rules.identifier_errors(kind, data.get("siret", ""), data.get("rna", ""))
        for field, message in errors.items():
            self.add_error(field, message)
        return data


class FinancingLineForm(Form):
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200, required=False)
    amount = EuroField(label=gettext_lazy("Montant (€)"))
    is_secured = forms.BooleanField(label=gettext_lazy("Acquis"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") is not None and not (data.get("source") or "").strip():
            self.add_error("source", _("Indiquez d'où vient ce montant."))
        if (
            (data.get("source") or "").strip()
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("Indiquez le montant de cette source."))
        return data


FinancingLineFormSet = forms.formset_factory(
    FinancingLineForm, formset=BaseFormSet, extra=3, max_num=30
)


class BudgetForm(StepForm):
    total_cost = EuroField(
        label=gettext_lazy("Coût total du projet (€)"),
        help_text=gettext_lazy("Toutes dépenses comprises, en euros."),
    )
    amount_requested = EuroField(label=gettext_lazy("Montant demandé au Budget citoyen (€)"))

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        self.maximum = largest_maximum(dossier.edition)
        if self.maximum is not None:
            self.fields["amount_requested"].help_text = _(
                "%(max)s € au plus. Il compte dans le plan de financement ci-dessous."
            ) % {"max": rules.format_euros(self.maximum)}
        data = args[0] if args else kwargs.get("data")
        lines = (
            [
                {"source": li.source, "amount": li.amount, "is_secured": li.is_secured}
                for li in dossier.financing_lines.all()
            ]
            if dossier.pk
            else []
        )
        self.lines = FinancingLineFormSet(data, prefix="lines", initial=lines)

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.lines.is_valid() and own

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = rules.amount_errors(
            data.get("total_cost"), data.get("amount_requested"), self.maximum
        )
        for field, message in errors.items():
            if field in data:
                self.add_error(field, message)
        return data

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(self.lines.errors) or bool(self.lines.non_form_errors())

    def parsed_lines(self) -> list[rules.Line] | None:
        """The financing plan's lines, or None while a line has an error (nothing is replaced)."""
        if not self.lines.is_valid():
            return None
        return [
            rules.Line(
                form.cleaned_data["source"].strip(),
                form.cleaned_data["amount"],
                form.cleaned_data.get("is_secured", False),
            )
            for form in self.lines.forms
            if form.cleaned_data.get("amount") is not None
        ]

    def valid_values(self) -> dict[str, Any]:
        values = super().valid_values()
        lines = self.parsed_lines()
        if lines is not None:
            values["financing_lines"] = lines
        return values

    def saved_fields(self) -> set[str]:
        return {"total_cost", "amount_requested"}

    def plan(self) -> dict[str, Any]:
        """The plan as saved, with its totals, for the page."""
        dossier = self.dossier
        lines = [
            rules.Line(li.source, li.amount, li.is_secured) for li in dossier.financing_lines.all()
        ]
        return {
            "total": rules.plan_total(dossier.amount_requested, lines),
            "problems": rules.financing_errors(dossier.total_cost, dossier.amount_requested, lines),
        }


class CategoryForm(StepForm):
    wished_category: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Catégorie souhaitée"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=gettext_lazy(
            "Le comité de labellisation décide de la catégorie finale au vu de votre dossier."
        ),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        field = self.fields["wished_category"]
        field.queryset = dossier.edition.categories.order_by("priority")  # type: ignore[attr-defined]
        # Each category says its cap per project: the amount requested must fit in it.
        field.label_from_instance = lambda c: (  # type: ignore[attr-defined]
            " — ".join(
                part
                for part in (
                    c.name,
                    c.description,
                    _("jusqu'à %(cap)s € par projet")
                    % {"cap": rules.format_euros(c.max_amount_per_project)},
                )
                if part
            )
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:  # type: ignore[override]
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class AttachmentsForm(StepForm):
    attachments = MultipleFileField(
        label=gettext_lazy("Ajouter des pièces jointes"),
        help_text=gettext_lazy(
            "PDF, JPEG ou PNG, 10 Mo au plus chacune, 10 pièces au plus. Par exemple : statuts, devis, "
            "lettres de soutien. Vous pouvez en choisir plusieurs à la fois."
        ),
    )

    def initial_from(self, dossier: Dossier) -> dict[str, Any]:
        return {}

    def saved_fields(self) -> set[str]:
        return set()


class SubmitForm(Form):
    sworn = forms.BooleanField(
        label=gettext_lazy(
            "Je certifie sur l'honneur l'exactitude des informations de ce dossier et je m'engage à "
            "fournir, sur demande du Département, les justificatifs correspondants."
        ),
        required=False,
    )


class WithdrawForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du retrait (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IdeaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("« %(idea)s », présentée au comptoir « %(host)s »") % {
            "idea": obj.idea_title,
            "host": obj.comptoir.host_name,
        }


class StartForm(Form):
    registration = IdeaChoiceField(
        label=gettext_lazy("L'idée à l'origine du dossier"),
        queryset=None,  # type: ignore[arg-type]
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, registrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["registration"]).queryset = registrations
        only = list(registrations[:2])
        if len(only) == 1 and not self.is_bound:  # one idea: nothing to choose
            self.initial.setdefault("registration", only[0].pk)


STEP_FORMS: dict[str, type[StepForm]] = {
    "presentation": PresentationForm,
    "projet": ProjectForm,
    "porteur": CarrierForm,
    "budget": BudgetForm,
    "categorie": CategoryForm,
    "pieces": AttachmentsForm,
}
