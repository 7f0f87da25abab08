"""Forms of the supporting documents: staff's request, the holder's uploads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgetcitoyen.accounts.models import User
from budgetcitoyen.core.forms import BaseFormSet, Form, calendar_date_field
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.followup.models import DocumentKind, RequestedDocument
from budgetcitoyen.followup.services.documents import (
    MAX_FILES_PER_ITEM,
    MAX_ITEMS,
    MAX_LABEL_LENGTH,
    MAX_MESSAGE_LENGTH,
    committee_members_for,
)

# Rows offered on a new request; staff leave the ones they do not need empty.
ITEM_ROWS = 5


class RequestItemForm(Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Pièce"),
        choices=[("", gettext_lazy("— choisir —")), *DocumentKind.choices],
        required=False,
    )
    label = forms.CharField(
        label=gettext_lazy("Précision"), max_length=MAX_LABEL_LENGTH, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("label") or "").strip() and not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", _("Choisissez la pièce que cette précision complète."))
        return data


RequestItemFormSet = forms.formset_factory(
    RequestItemForm, formset=BaseFormSet, extra=ITEM_ROWS, max_num=MAX_ITEMS, absolute_max=MAX_ITEMS
)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class DocumentRequestForm(Form):
    due_on = calendar_date_field(gettext_lazy("À fournir au plus tard le"))
    message = forms.CharField(
        label=gettext_lazy("Message au porteur"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        help_text=gettext_lazy("Il figure dans le courriel envoyé au porteur et sur sa page."),
    )
    on_behalf_of = MemberChoiceField(
        label=gettext_lazy("À la demande de"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label=gettext_lazy("L'équipe du Budget citoyen"),
        help_text=gettext_lazy(
            "Pendant la labellisation, un membre du comité affecté à ce dossier peut demander des pièces par votre intermédiaire."
        ),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        members = committee_members_for(dossier)
        field = self.fields["on_behalf_of"]
        field.queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in members]
        ).order_by("last_name", "first_name", "pk")
        if not members:
            del self.fields["on_behalf_of"]
        data = args[0] if args else kwargs.get("data")
        self.items = RequestItemFormSet(data, prefix="items")

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.items.is_valid() and own

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(self.items.errors) or bool(self.items.non_form_errors())

    def parsed_items(self) -> list[tuple[str, str]]:
        """The rows with a document chosen, in order."""
        if not self.items.is_valid():
            return []
        return [
            (form.cleaned_data["kind"], form.cleaned_data.get("label") or "")
            for form in self.items.forms
            if form.cleaned_data.get("kind")
        ]


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


class AnswerForm(Form):
    """One file field per requested document still accepting files (``item_<pk>``)."""

    def __init__(self, *args: Any, items: list[RequestedDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = MultipleFileField(
                label=" — ".join(
                    part for part in (str(item.get_kind_display()), item.label) if part
                ),
                help_text=_(
                    "PDF, JPEG ou PNG, 10 Mo au plus chacun, %(max)d fichiers au plus pour cette pièce. Vous pouvez en choisir plusieurs à la fois."
                )
                % {"max": MAX_FILES_PER_ITEM},
            )

    def uploads(self, files: Any) -> dict[int, list[Any]]:
        """The files chosen for each item, by the item's id."""
        return {
            int(name.removeprefix("item_")): list(files.getlist(name))
            for name in self.fields
            if files.getlist(name)
        }
