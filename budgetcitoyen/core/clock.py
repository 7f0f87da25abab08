"""The platform's one source of "now".

Every rule that depends on the date (is the deposit window open? how old is this voter?)
asks this module, never ``datetime.now()``. In development, ``BUDGETCITOYEN_TODAY`` (parsed
into ``settings.BUDGETCITOYEN_NOW``) shows the site as on another day; settings refuse it
when DEBUG is off, and this module checks again so an override cannot slip into production.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def now() -> datetime:
    frozen: datetime | None = getattr(settings, "BUDGETCITOYEN_NOW", None)
    if frozen is not None:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                "BUDGETCITOYEN_TODAY n'est accepté qu'en mode développement (DEBUG=1)."
            )
        return frozen
    return timezone.now()


def today() -> date:
    """Today's date in the platform's time zone (Europe/Paris)."""
    return timezone.localdate(now())


def is_frozen() -> bool:
    return getattr(settings, "BUDGETCITOYEN_NOW", None) is not None
