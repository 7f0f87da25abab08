"""The form of the import of a past edition's published results (staff)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.forms import Form
from budgetcitoyen.results.imports import MAX_BYTES


class _CsvFile(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Ce fichier dépasse %(size)d Mo.") % {"size": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportForm(Form):
    year = forms.IntegerField(
        label=_("Année de l'édition"),
        min_value=2018,
        max_value=2100,
        help_text=_("Par exemple 2021."),
    )
    title = forms.CharField(
        label=_("Titre de l'édition"),
        max_length=150,
        help_text=_("Tel qu'il sera affiché, par exemple « Budget citoyen 2021 »."),
    )
    results = _CsvFile(
        label=_("Fichier des résultats (CSV)"),
        help_text=_(
            "Un projet par ligne : reference, titre, categorie, territoire, commune (facultatif), "
            "votes, montant_demande, montant_accorde, finance (oui ou non). Séparateur « ; » "
            "ou « , », UTF-8 ou Windows-1252."
        ),
    )
    envelopes = _CsvFile(
        label=_("Fichier des enveloppes (CSV)"),
        help_text=_(
            "Une catégorie par ligne : categorie, enveloppe ; l'ordre des lignes est la priorité "
            "de redistribution des reliquats."
        ),
    )
    replace = forms.BooleanField(
        label=_("Remplacer l'import existant"),
        required=False,
        help_text=_(
            "Si les résultats de cette année sont déjà importés, ils sont supprimés et remplacés "
            "par ces fichiers. Une édition tenue sur la plateforme n'est jamais remplacée."
        ),
    )
