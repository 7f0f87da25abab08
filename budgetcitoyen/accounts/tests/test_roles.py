from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from budgetcitoyen.accounts.roles import (
    ROLES,
    Role,
    role_grant,
    role_revoke,
    sync_role_groups,
    user_roles,
)
from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_has_its_group_with_its_permissions():
    sync_role_groups()
    for spec in ROLES.values():
        group = Group.objects.get(name=spec.group_name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == set(spec.permissions), spec.code


def test_granting_a_role_is_audited(sam):
    bob = UserFactory()
    role_grant(user=bob, role=Role.COMMITTEE, by=sam)
    assert bob.has_role(Role.COMMITTEE)
    assert not bob.is_staff  # the committee works in its own space, not in the admin
    entry = AuditEntry.objects.get(action="accounts.role_granted", object_id=str(bob.pk))
    assert entry.actor == sam and entry.data == {"role": "committee"}


def test_granting_twice_changes_nothing(sam):
    bob = UserFactory()
    role_grant(user=bob, role=Role.AGENT, by=sam)
    role_grant(user=bob, role=Role.AGENT, by=sam)
    assert (
        AuditEntry.objects.filter(action="accounts.role_granted", object_id=str(bob.pk)).count()
        == 1
    )


def test_the_staff_role_opens_and_closes_the_admin(sam):
    bob = UserFactory()
    role_grant(user=bob, role=Role.STAFF, by=sam)
    assert bob.is_staff
    role_revoke(user=bob, role=Role.STAFF, by=sam)
    bob.refresh_from_db()
    assert not bob.is_staff
    assert AuditEntry.objects.filter(action="accounts.role_revoked").exists()


def test_an_unknown_role_is_refused(sam):
    with pytest.raises(InvalidInput, match="Rôle inconnu"):
        role_grant(user=UserFactory(), role="king", by=sam)


def test_roles_are_listed_and_anonymous_has_none(sam):
    from django.contrib.auth.models import AnonymousUser

    assert [spec.code for spec in user_roles(sam)] == ["staff"]
    assert user_roles(AnonymousUser()) == []
    assert not AnonymousUser().is_authenticated


def test_emails_are_unique_whatever_their_case():
    from django.db import IntegrityError, transaction

    UserFactory(email="Camille@exemple.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="camille@EXEMPLE.fr")
