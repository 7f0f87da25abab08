from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "budgetcitoyen.voting"
    label = "voting"
    verbose_name = _("Vote")

    def ready(self) -> None:
        from budgetcitoyen.voting import catalogue

        catalogue.connect()
