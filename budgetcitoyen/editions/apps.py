from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "budgetcitoyen.editions"
    label = "editions"
    verbose_name = _("Éditions")

    def ready(self) -> None:
        # A public page kept in the page cache expires when an edition's phase changes.
        from budgetcitoyen.core.pagecache import register_expiry
        from budgetcitoyen.editions.selectors import next_calendar_date

        register_expiry(next_calendar_date)

        from budgetcitoyen.editions import current

        current.connect()
