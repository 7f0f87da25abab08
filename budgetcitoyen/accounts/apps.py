from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "budgetcitoyen.accounts"
    label = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        from budgetcitoyen.accounts import signals
        from budgetcitoyen.accounts.roles import sync_role_groups_after_migrate

        signals.connect()

        # Roles are data (roles.py); keeping their groups in step with the code after each
        # migrate means a new permission added by a later release reaches its role at once.
        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
