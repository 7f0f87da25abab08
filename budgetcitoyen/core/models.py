"""Base model and the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import clock


def _now() -> Any:
    return clock.now()


class TimeStampedModel(models.Model):
    """Every domain table records when a row was created and last changed."""

    created_at = models.DateTimeField(_("créé le"), default=_now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change: who did what to which object, when, with which data.

    Written by ``core.audit.log_action`` inside the transaction of the change it
    records, so the two commit or roll back together. Rows are never updated or
    deleted: the model refuses it, the admin is read-only, and on PostgreSQL a trigger
    refuses it too (only detaching a deleted actor is allowed).
    """

    created_at = models.DateTimeField(_("date"), default=_now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept when the account is later deleted, so the entry still says who acted.
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type d'objet"), on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_label = models.CharField(_("objet"), max_length=255, blank=True)
    data = models.JSONField(_("données"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Le journal d'audit n'accepte que des ajouts.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Le journal d'audit n'accepte que des ajouts.")


class RateCounter(models.Model):
    """One rate-limit window of one key (``core.ratelimit``), when the counts live in the
    database: one row per action, scope and hashed key, reused from window to window, so
    counting an attempt is one statement. Rows past their window are deleted by the daily
    purge."""

    name = models.CharField(max_length=120, primary_key=True)
    expires_at = models.BigIntegerField()  # end of the window, in seconds since the epoch
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("compteur de tentatives")
        verbose_name_plural = _("compteurs de tentatives")

    def __str__(self) -> str:
        return f"{self.name} = {self.count}"
