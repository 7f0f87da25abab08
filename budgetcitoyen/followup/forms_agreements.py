"""Forms of the funding agreements and payments (staff's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgetcitoyen.core.forms import BaseFormSet, Form, calendar_date_field
from budgetcitoyen.dossiers.forms import EuroField
from budgetcitoyen.dossiers.models import StructureKind
from budgetcitoyen.followup.models import Instalment
from budgetcitoyen.followup.services.agreements import (
    MAX_INSTALMENTS,
    AgreementTerms,
    InstalmentTerms,
)


class AgreementForm(Form):
    amount = EuroField(label=gettext_lazy("Montant accordé (€)"), required=True)
    beneficiary_name = forms.CharField(label=gettext_lazy("Structure bénéficiaire"), max_length=200)
    beneficiary_kind = forms.ChoiceField(
        label=gettext_lazy("Forme de la structure"),
        choices=[("", gettext_lazy("— Non précisée —")), *StructureKind.choices],
        required=False,
    )
    siret = forms.CharField(label=gettext_lazy("Numéro SIRET"), max_length=20, required=False)
    rna = forms.CharField(label=gettext_lazy("Numéro RNA"), max_length=12, required=False)
    beneficiary_address = forms.CharField(
        label=gettext_lazy("Adresse de la structure"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    representative = forms.CharField(
        label=gettext_lazy("Représentée par"), max_length=150, required=False
    )
    conditions = forms.CharField(
        label=gettext_lazy("Conditions particulières"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    report_due_on = calendar_date_field(
        gettext_lazy("Rapport final attendu au plus tard le"), required=False, input_formats=None
    )


class InstalmentForm(Form):
    label = forms.CharField(label=gettext_lazy("Échéance"), max_length=100, required=False)
    amount = EuroField(label=gettext_lazy("Montant (€)"))
    trigger = forms.ChoiceField(
        label=gettext_lazy("Versée"),
        choices=[("", "—"), *Instalment.Trigger.choices],
        required=False,
    )
    # Drawn in the schedule's table, where no help text is printed.
    planned_on = calendar_date_field(
        gettext_lazy("Date prévue"), required=False, help_text="", input_formats=None
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("amount") is not None and not (data.get("label") or "").strip():
            self.add_error("label", _("Indiquez l'intitulé de cette échéance."))
        label = (data.get("label") or "").strip()
        if label and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Indiquez le montant de cette échéance."))
        if (data.get("label") or "").strip() and not data.get("trigger"):
            self.add_error("trigger", _("Indiquez ce qui déclenche cette échéance."))
        return data


InstalmentFormSet = forms.formset_factory(
    InstalmentForm, formset=BaseFormSet, extra=1, max_num=MAX_INSTALMENTS
)


def instalment_initial(instalments: Any) -> list[dict[str, Any]]:
    return [
        {
            "label": i.label,
            "amount": i.amount,
            "trigger": i.trigger,
            "planned_on": i.planned_on,
        }
        for i in instalments
    ]


def terms_from(form: AgreementForm, formset: Any) -> AgreementTerms:
    """The terms typed (both forms valid): the schedule's empty lines are left out."""
    data = form.cleaned_data
    schedule = tuple(
        InstalmentTerms(
            label=line["label"].strip(),
            amount=line["amount"],
            trigger=line["trigger"],
            planned_on=line.get("planned_on"),
        )
        for line in (f.cleaned_data for f in formset.forms)
        if line and (line.get("label") or "").strip() and line.get("amount") is not None
    )
    return AgreementTerms(
        amount=data["amount"],
        beneficiary_name=data["beneficiary_name"],
        beneficiary_kind=data["beneficiary_kind"],
        siret=data["siret"],
        rna=data["rna"],
        beneficiary_address=data["beneficiary_address"],
        representative=data["representative"],
        conditions=data["conditions"],
        report_due_on=data.get("report_due_on"),
        schedule=schedule,
    )


class SignForm(Form):
    signed_on = calendar_date_field(gettext_lazy("Date de signature"), input_formats=None)
    scan = forms.FileField(
        label=gettext_lazy("Convention signée (scan)"),
        required=False,
        help_text=gettext_lazy("PDF, JPEG ou PNG, 10 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ReturnToDraftForm(Form):
    # Its own prefix: the laureate page also holds the milestone form, whose reason is another.
    prefix = "correction"

    reason = forms.CharField(
        label=gettext_lazy("Motif de la correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Il est consigné dans l'historique."),
    )


class InstalmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position}. {obj.label}"


class PaymentForm(Form):
    instalment = InstalmentChoiceField(
        label=gettext_lazy("Échéance"),
        queryset=Instalment.objects.none(),
        empty_label=None,
    )
    amount = EuroField(label=gettext_lazy("Montant versé (€)"), required=True)
    paid_on = calendar_date_field(gettext_lazy("Versé le"), input_formats=None)
    reference = forms.CharField(label=gettext_lazy("Référence du mandat"), max_length=60)

    def __init__(self, *args: Any, agreement: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instalment"]
        field.queryset = Instalment.objects.filter(agreement=agreement).order_by("position")  # type: ignore[attr-defined]
