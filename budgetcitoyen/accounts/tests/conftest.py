from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits counted in Redis start from zero; those counted in the database go with
    # the rolled-back transaction.
    cache.clear()
    yield
    cache.clear()
