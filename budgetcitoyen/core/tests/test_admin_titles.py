"""The admin's titles read as French: no "Administration de Éditions"."""

from __future__ import annotations

import pytest
from django.test import Client

from budgetcitoyen.testing.cast import make_persona

pytestmark = pytest.mark.django_db


def test_an_apps_admin_page_is_titled_with_its_name_first():
    client = Client()
    client.force_login(make_persona("superuser"))
    html = client.get("/admin/editions/").content.decode()
    assert "Administration de Éditions" not in html
    assert "<title>Éditions — administration" in html
