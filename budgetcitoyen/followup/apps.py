from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "budgetcitoyen.followup"
    label = "followup"
    verbose_name = _("Suivi des projets")

    def ready(self) -> None:
        # The public pages (page cache) follow milestones, payments, agreements and news.
        from budgetcitoyen.followup import signals

        signals.connect()
