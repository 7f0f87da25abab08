"""The roles of the platform, as data: each role is a Django group with its permissions.

The table in docs/ARCHITECTURE.md is this module in words; keep them in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import InvalidInput


class Role:
    ORGANISER = "organiser"
    COMMITTEE = "committee"
    AGENT = "agent"
    STAFF = "staff"


@dataclass(frozen=True)
class RoleSpec:
    code: str
    group_name: str
    label: Any
    description: Any
    # Permissions as "app_label.codename".
    permissions: tuple[str, ...]
    # Whether the role opens the Django admin (is_staff).
    admin_access: bool = False


ROLES: dict[str, RoleSpec] = {
    Role.ORGANISER: RoleSpec(
        code=Role.ORGANISER,
        group_name="Organisateurs de comptoirs",
        label=_("Organisateur"),
        description=_(
            "Structure accueillante d'un comptoir : voit ses inscrits, note les présences."
        ),
        permissions=("comptoirs.view_comptoir", "comptoirs.take_attendance"),
    ),
    Role.COMMITTEE: RoleSpec(
        code=Role.COMMITTEE,
        group_name="Comité de labellisation",
        label=_("Membre du comité"),
        description=_("Examine les dossiers qui lui sont confiés et donne son avis."),
        permissions=(
            "editions.view_edition",
            "editions.view_category",
            "editions.review_dossiers",
            "dossiers.view_dossier",
        ),
    ),
    Role.AGENT: RoleSpec(
        code=Role.AGENT,
        group_name="Agents de saisie",
        label=_("Agent de saisie"),
        description=_("Saisit les bulletins papier recueillis dans les Maisons du Département."),
        permissions=("editions.view_edition", "editions.enter_paper_ballots"),
    ),
    Role.STAFF: RoleSpec(
        code=Role.STAFF,
        group_name="Mission ESS",
        label=_("Équipe Mission ESS"),
        description=_(
            "Pilote l'édition : calendrier, catégories, comptoirs, décisions, résultats."
        ),
        permissions=(
            "editions.add_edition",
            "editions.change_edition",
            "editions.view_edition",
            "editions.add_category",
            "editions.change_category",
            "editions.delete_category",
            "editions.view_category",
            "editions.review_dossiers",
            "editions.enter_paper_ballots",
            "editions.manage_edition",
            "territories.view_territory",
            "territories.change_territory",
            "territories.view_epci",
            "territories.change_epci",
            "territories.view_commune",
            "territories.change_commune",
            "territories.view_communealias",
            "comptoirs.add_comptoir",
            "comptoirs.change_comptoir",
            "comptoirs.view_comptoir",
            "comptoirs.take_attendance",
            "comptoirs.view_registration",
            "dossiers.view_dossier",
            "dossiers.view_financingline",
            "dossiers.view_attachment",
            "labelling.add_criterion",
            "labelling.change_criterion",
            "labelling.delete_criterion",
            "labelling.view_criterion",
            "labelling.view_assignment",
            "labelling.view_conflictofinterest",
            "labelling.view_review",
            "labelling.view_decision",
            "voting.view_ballot",
            "voting.view_identityreview",
            "core.view_auditentry",
            "accounts.view_user",
        ),
        admin_access=True,
    ),
}


def _permissions_for(spec: RoleSpec) -> list[Permission]:
    found = []
    for dotted in spec.permissions:
        app_label, codename = dotted.split(".", 1)
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is not None:  # absent only while an app's migrations are not yet applied
            found.append(perm)
    return found


def sync_role_groups() -> None:
    """Create each role's group and give it exactly the permissions of ROLES."""
    for spec in ROLES.values():
        group, _created = Group.objects.get_or_create(name=spec.group_name)
        group.permissions.set(_permissions_for(spec))


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    # django.contrib.auth creates permissions in its own post_migrate handler, and the
    # order of handlers is not guaranteed: create them first so every role gets them.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    sync_role_groups()


def user_has_role(user: Any, role: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    spec = ROLES[role]
    return any(group.name == spec.group_name for group in user.groups.all())


def user_roles(user: Any) -> list[RoleSpec]:
    if not getattr(user, "is_authenticated", False):
        return []
    names = {group.name for group in user.groups.all()}
    return [spec for spec in ROLES.values() if spec.group_name in names]


@transaction.atomic
def role_grant(*, user: Any, role: str, by: Any | None) -> None:
    """Give ``user`` a role (audited). The staff role also opens the admin."""
    if role not in ROLES:
        raise InvalidInput(_("Rôle inconnu : %(role)s.") % {"role": role})
    spec = ROLES[role]
    group, _created = Group.objects.get_or_create(name=spec.group_name)
    if user.groups.filter(pk=group.pk).exists():
        return
    user.groups.add(group)
    if spec.admin_access and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    log_action(actor=by, action="accounts.role_granted", obj=user, data={"role": role})


@transaction.atomic
def role_revoke(*, user: Any, role: str, by: Any | None) -> None:
    """Take a role back (audited); the admin closes when no admin role remains."""
    if role not in ROLES:
        raise InvalidInput(_("Rôle inconnu : %(role)s.") % {"role": role})
    spec = ROLES[role]
    group = Group.objects.filter(name=spec.group_name).first()
    if group is None or not user.groups.filter(pk=group.pk).exists():
        return
    user.groups.remove(group)
    still_admin = any(s.admin_access for s in user_roles(user))
    if spec.admin_access and not still_admin and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    log_action(actor=by, action="accounts.role_revoked", obj=user, data={"role": role})
