"""The département's 8 territories, its EPCIs and its 887 communes (with former communes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.territories.normalize import fold_name


class Territory(models.Model):
    """One of the département's territories (Arrageois, Artois, …), where comptoirs are held."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Epci(models.Model):
    """An intercommunality. Its territory is the default of its communes'."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="epcis"
    )

    class Meta:
        verbose_name = _("intercommunalité (EPCI)")
        verbose_name_plural = _("intercommunalités (EPCI)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A current commune (``commune-actuelle`` of the official geography)."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("population"))
    epci = models.ForeignKey(
        Epci, verbose_name=_("intercommunalité"), on_delete=models.PROTECT, related_name="communes"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="communes"
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["search_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insee_code__regex=r"^[0-9]{2}[0-9AB][0-9]{2}$"),
                name="commune_insee_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_name = fold_name(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return [pc.code for pc in self.postal_codes.all()]


class PostalCode(models.Model):
    """A (postal code, commune) pair: 62000 serves Arras and Dainville; some communes have two."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="postal_codes"
    )

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="postal_code_commune_unique"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{5}$"), name="postal_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune.name}"


class CommuneAlias(models.Model):
    """A former commune (``commune-deleguee`` / ``commune-associee``) people still call home.

    It resolves to the current commune it merged into.
    """

    class Kind(models.TextChoices):
        DELEGATED = "commune-deleguee", _("commune déléguée")
        ASSOCIATED = "commune-associee", _("commune associée")

    insee_code = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune actuelle"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )

    class Meta:
        verbose_name = _("ancienne commune")
        verbose_name_plural = _("anciennes communes")
        ordering = ["search_name"]
        constraints = [
            models.UniqueConstraint(fields=["insee_code", "name"], name="commune_alias_unique"),
        ]

    def __str__(self) -> str:
        return _("%(alias)s (aujourd'hui %(commune)s)") % {
            "alias": self.name,
            "commune": self.commune.name,
        }

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_name = fold_name(self.name)
        super().save(*args, **kwargs)
