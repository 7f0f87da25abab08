"""The envelope rule takes a neutral name: ``pas-de-calais`` becomes ``envelopes``.

The rule's choices now come from the counting-rule registry (a callable, stored by reference:
a new rule needs no migration). Editions that named the rule by its former name are renamed;
``tally.registry`` still reads the former name, so nothing else needs rewriting (result
snapshots keep the name they were counted with).
"""

from django.db import migrations, models

import budgetcitoyen.editions.models


def rename_forward(apps, schema_editor):
    Edition = apps.get_model("editions", "Edition")
    Edition.objects.filter(allocation_rule="pas-de-calais").update(allocation_rule="envelopes")


def rename_backward(apps, schema_editor):
    Edition = apps.get_model("editions", "Edition")
    Edition.objects.filter(allocation_rule="envelopes").update(allocation_rule="pas-de-calais")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0003_minimum_voter_age_default_from_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="edition",
            name="allocation_rule",
            field=models.CharField(
                choices=budgetcitoyen.editions.models.allocation_rule_choices,
                default="envelopes",
                max_length=20,
                verbose_name="règle de répartition",
            ),
        ),
        migrations.RunPython(rename_forward, rename_backward),
    ]
