"""Staff manage comptoirs in the admin; saves go through the services."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.services import registration_create
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    ComptoirFactory,
    EditionFactory,
    idea,
    paris,
    verified_person,
)

pytestmark = pytest.mark.django_db


def form_data(comptoir, **overrides):
    local = comptoir.starts_at.astimezone(paris(2025, 1, 1).tzinfo)
    end = comptoir.ends_at.astimezone(paris(2025, 1, 1).tzinfo)
    data = {
        "host_name": comptoir.host_name,
        "address": comptoir.address,
        "commune": comptoir.commune_id,
        "territory": comptoir.territory_id,
        "access_information": "",
        "starts_at_0": local.strftime("%d/%m/%Y"),
        "starts_at_1": local.strftime("%H:%M"),
        "ends_at_0": end.strftime("%d/%m/%Y"),
        "ends_at_1": end.strftime("%H:%M"),
        "capacity": str(comptoir.capacity),
        "registration_cutoff_hours": "24",
    }
    data.update(overrides)
    return data


@pytest.fixture
def full_comptoir():
    comptoir = ComptoirFactory(
        edition=EditionFactory(year=2025), capacity=1, starts_at=paris(2025, 2, 5, 9, 30)
    )
    with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
        for _ in range(3):
            registration_create(comptoir=comptoir, person=verified_person(), **idea())
    return comptoir


def test_staff_raise_capacity_and_the_waiting_list_moves_up(full_comptoir):
    client = Client()
    client.force_login(make_persona("staff"))
    response = client.post(
        f"/admin/comptoirs/comptoir/{full_comptoir.pk}/change/",
        form_data(full_comptoir, capacity="2"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Registration.objects.filter(comptoir=full_comptoir, status="confirmed").count() == 2
    assert AuditEntry.objects.filter(action="comptoirs.capacity_changed").exists()
    assert AuditEntry.objects.filter(action="comptoirs.registration_promoted").count() == 1


def test_lowering_capacity_below_the_confirmed_is_refused_in_the_form():
    comptoir = ComptoirFactory(
        edition=EditionFactory(year=2025), capacity=3, starts_at=paris(2025, 2, 5, 9, 30)
    )
    with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
        for _ in range(2):
            registration_create(comptoir=comptoir, person=verified_person(), **idea())
    client = Client()
    client.force_login(make_persona("staff"))
    response = client.post(
        f"/admin/comptoirs/comptoir/{comptoir.pk}/change/", form_data(comptoir, capacity="1")
    )
    assert response.status_code == 200
    assert "2 personnes ont déjà une place confirmée" in response.content.decode()
    comptoir.refresh_from_db()
    assert comptoir.capacity == 3


def test_staff_cannot_delete_a_comptoir(full_comptoir):
    client = Client()
    client.force_login(make_persona("staff"))
    assert client.get(f"/admin/comptoirs/comptoir/{full_comptoir.pk}/delete/").status_code == 403
