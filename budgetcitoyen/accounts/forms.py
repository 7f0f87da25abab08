from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.forms import Form
from budgetcitoyen.core.phones import PhoneField
from budgetcitoyen.territories.models import Commune


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commune) -> str:
        return obj.name


class ProfileForm(Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    phone = PhoneField(
        label=_("Téléphone (facultatif)"),
        max_length=20,
        required=False,
        help_text=_("Pour vous joindre en cas d'imprévu le jour d'un comptoir."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    commune = CommuneChoiceField(
        label=_("Commune de résidence"),
        queryset=Commune.objects.order_by("search_name"),
        required=False,
        empty_label=_("— Choisissez votre commune —"),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Group the 887 communes by territory so the list can be scanned (works without JavaScript).
        groups: dict[str, list[tuple[int, str]]] = {}
        for commune in Commune.objects.select_related("territory").order_by(
            "territory__name", "search_name"
        ):
            groups.setdefault(commune.territory.name, []).append((commune.pk, commune.name))
        self.fields["commune"].choices = [("", self.fields["commune"].empty_label), *groups.items()]
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
