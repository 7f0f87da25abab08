"""Accounts with no group and no permission of their own check permissions without a query."""

from django.db import migrations, models


def set_from_tables(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(
        models.Q(groups__isnull=False) | models.Q(user_permissions__isnull=False)
    ).update(has_roles=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_inactivity_warning'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='has_roles',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(set_from_tables, migrations.RunPython.noop),
    ]
