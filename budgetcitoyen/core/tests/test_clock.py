from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from budgetcitoyen.core import clock
from budgetcitoyen.testing.factories import paris


def test_it_follows_real_time():
    with time_machine.travel(paris(2025, 3, 4, 23, 30), tick=False):
        assert clock.now() == paris(2025, 3, 4, 23, 30)
        assert clock.today() == date(2025, 3, 4)  # Paris date, although UTC is still the 4th too


def test_today_is_the_paris_date():
    # 23:30 UTC on 31 August is already 1 September in Paris.
    with time_machine.travel(paris(2025, 9, 1, 1, 30), tick=False):
        assert clock.today() == date(2025, 9, 1)


def test_the_override_shows_another_day_in_development(settings):
    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 9, 1, 12)
    assert clock.now() == paris(2025, 9, 1, 12)
    assert clock.is_frozen()


def test_the_override_is_refused_in_production(settings):
    settings.DEBUG = False
    settings.BUDGETCITOYEN_NOW = paris(2025, 9, 1, 12)
    with pytest.raises(ImproperlyConfigured):
        clock.now()
