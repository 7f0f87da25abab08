"""``User.has_roles`` follows the groups and own permissions from either side, and an account
with neither checks its permissions without a query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.accounts import permissions, roles
from budgetcitoyen.accounts.models import User
from budgetcitoyen.testing.factories import verified_person

pytestmark = pytest.mark.django_db


def _flag(user: User) -> bool:
    return User.objects.values_list("has_roles", flat=True).get(pk=user.pk)


def test_a_resident_checks_rights_without_a_query():
    resident = verified_person(email="habitante@exemple.fr")
    with CaptureQueriesContext(connection) as queries:
        assert not permissions.is_staff(resident)
        assert not permissions.is_committee_member(resident)
    assert len(queries) == 0


def test_granting_and_revoking_a_role_moves_the_flag():
    person = verified_person(email="membre@exemple.fr")
    roles.role_grant(user=person, role="committee", by=None)
    assert _flag(person) and person.has_roles
    fresh = User.objects.get(pk=person.pk)
    assert permissions.is_committee_member(fresh)
    roles.role_revoke(user=fresh, role="committee", by=None)
    assert not _flag(person)
    assert not permissions.is_committee_member(User.objects.get(pk=person.pk))


def test_changes_from_the_group_side_and_own_permissions_count_too():
    one, two = verified_person(email="a@exemple.fr"), verified_person(email="b@exemple.fr")
    group = Group.objects.create(name="Équipe de test")
    group.user_set.add(one, two)
    assert _flag(one) and _flag(two)
    group.user_set.clear()
    assert not _flag(one) and not _flag(two)
    one.user_permissions.add(Permission.objects.get(codename="manage_edition"))
    assert _flag(one)
    assert permissions.is_staff(User.objects.get(pk=one.pk))
    one.user_permissions.clear()
    assert not _flag(one)
