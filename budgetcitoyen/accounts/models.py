"""Accounts: people sign in with their email address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person with an account: resident, project holder, organiser, committee member…

    What a person may do comes from their roles (Django groups, see ``roles.py``).
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse électronique"), unique=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune de résidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # When the warning before deleting an inactive account was sent (``privacy.services``);
    # signing in again makes it void.
    inactivity_warned_at = models.DateTimeField(
        _("prévenu de la suppression le"), null=True, blank=True, editable=False
    )

    # Whether the account is in a group (a role) or holds a permission of its own, kept by
    # ``accounts.signals``: most accounts (residents, voters) have neither, and their
    # permission checks then need no query (``has_perm``).
    has_roles = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def display_name(self) -> str:
        """How a page names this person to someone else: first and last name; the email only
        for an account that never gave a name (a legacy account, a voter signed in by code)."""
        return self.get_full_name() or self.email

    @property
    def has_name(self) -> bool:
        return bool(self.first_name.strip() and self.last_name.strip())

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if not self.has_roles and not (self.is_active and self.is_superuser):
            return False  # no group, no permission of its own: nothing to look up
        return super().has_perm(perm, obj)

    def has_role(self, role: str) -> bool:
        from budgetcitoyen.accounts.roles import user_has_role

        return user_has_role(self, role)


def display_name(user: Any) -> str:
    """allauth's ``ACCOUNT_USER_DISPLAY``: its pages and messages name the person as ours do."""
    return str(getattr(user, "display_name", "") or getattr(user, "email", ""))


class SignInCode(models.Model):
    """A one-time code sent by email to sign a voter in. Only its hash is kept."""

    email = models.EmailField(_("adresse électronique"), db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("créé le"))
    expires_at = models.DateTimeField(_("expire le"))
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de connexion")
        verbose_name_plural = _("codes de connexion")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"
