"""A snapshot's rule lists the counting-rule registry's choices, by reference (no migration per
new rule). Stored names are left as counted."""

from django.db import migrations, models

import budgetcitoyen.editions.models


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resultsnapshot",
            name="rule",
            field=models.CharField(
                choices=budgetcitoyen.editions.models.allocation_rule_choices,
                max_length=20,
                verbose_name="règle",
            ),
        ),
    ]
