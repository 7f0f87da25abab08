"""The edition's counting rule: its choices come from the registry; the envelope rule's former
name is renamed by a data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from budgetcitoyen.editions.models import Edition
from budgetcitoyen.tally import registry
from budgetcitoyen.testing.factories import EditionFactory

pytestmark = pytest.mark.django_db

rename = importlib.import_module("budgetcitoyen.editions.migrations.0004_allocation_rule_envelopes")


def test_the_admin_lists_the_registry_and_defaults_to_envelopes():
    field = Edition._meta.get_field("allocation_rule")
    assert [name for name, _label in field.choices] == registry.names()
    assert field.default == "envelopes"


def test_the_migration_renames_the_former_name_and_back():
    kept = EditionFactory(year=2030, allocation_rule="mes")
    former = EditionFactory(year=2031)
    Edition.objects.filter(pk=former.pk).update(allocation_rule="pas-de-calais")
    rename.rename_forward(apps, None)
    assert Edition.objects.get(pk=former.pk).allocation_rule == "envelopes"
    assert Edition.objects.get(pk=kept.pk).allocation_rule == "mes"
    rename.rename_backward(apps, None)
    assert Edition.objects.get(pk=former.pk).allocation_rule == "pas-de-calais"
