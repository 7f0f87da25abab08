"""How long personal data is kept: one table, read by the privacy page and by the purge.

The delays come from ``settings.BUDGETCITOYEN_RETENTION``; ``PROCESSINGS`` says, for each
processing, what it holds, on which legal basis and for how long, in the words the privacy
page prints. ``budgetcitoyen purge_personal_data`` computes its dates with the functions
below from the same delays, so the page cannot promise one delay while the code applies
another (``privacy/tests/test_retention.py`` reads both).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def delay(name: str) -> int:
    """One of the configured delays (months, years or days, as its name says)."""
    return int(settings.BUDGETCITOYEN_RETENTION[name])


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole months, the day clamped to the end of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def voter_identity_purge_at(results_at: datetime) -> datetime:
    """When voters' identities of an edition whose results came out at ``results_at`` go."""
    return add_months(results_at, delay("voter_identity_months"))


def dossier_purge_at(results_at: datetime, *, laureate: bool) -> datetime:
    """When the dossiers of an edition whose results came out at ``results_at`` are erased."""
    years = delay("laureate_dossier_years" if laureate else "dossier_years")
    return add_months(results_at, 12 * years)


def inactive_since(now: datetime) -> datetime:
    """Accounts whose last sign-in is before this moment are deleted."""
    return add_months(now, -12 * delay("inactive_account_years"))


def warn_inactive_since(now: datetime) -> datetime:
    """Accounts whose last sign-in is before this moment are warned first."""
    return inactive_since(now) + timedelta(days=delay("inactive_account_warning_days"))


def _years(n: int) -> str:
    return ngettext("%(n)d an", "%(n)d ans", n) % {"n": n}


def _months(n: int) -> str:
    return ngettext("%(n)d mois", "%(n)d mois", n) % {"n": n}


def _days(n: int) -> str:
    return ngettext("%(n)d jour", "%(n)d jours", n) % {"n": n}


@dataclass(frozen=True)
class Processing:
    """One processing of personal data, as the privacy page states it."""

    code: str
    name: str
    data: str
    legal_basis: str
    retention: str


PUBLIC_INTEREST = "e"
LEGAL_OBLIGATION = "c"


def legal_basis_text(basis: str) -> str:
    if basis == LEGAL_OBLIGATION:
        return _("obligation légale (article 6-1-c du RGPD)")
    return _("mission d'intérêt public (article 6-1-e du RGPD)")


def processings() -> list[Processing]:
    """Every processing, in the reader's language, with the delays currently configured."""
    return [
        Processing(
            code="accounts",
            name=_("Comptes"),
            data=_(
                "Adresse électronique, nom, prénom, téléphone (facultatif), commune de résidence, "
                "date de la dernière connexion."
            ),
            legal_basis=legal_basis_text(PUBLIC_INTEREST),
            retention=_(
                "Supprimés après %(years)s sans connexion, après un courriel de prévenance "
                "envoyé %(days)s avant ; ou dès que vous le demandez depuis « Mes données ». "
                "Les comptes qui portent un projet lauréat sont gardés avec son dossier."
            )
            % {
                "years": _years(delay("inactive_account_years")),
                "days": _days(delay("inactive_account_warning_days")),
            },
        ),
        Processing(
            code="registrations",
            name=_("Inscriptions aux comptoirs à initiatives citoyennes"),
            data=_("Comptoir choisi, idée présentée, besoins d'accessibilité, présence."),
            legal_basis=legal_basis_text(PUBLIC_INTEREST),
            retention=_(
                "Jusqu'à la fin de l'édition suivante (la publication de ses résultats). "
                "L'inscription qui a permis de déposer un dossier reste, sans l'idée ni les "
                "besoins d'accessibilité, aussi longtemps que ce dossier."
            ),
        ),
        Processing(
            code="dossiers",
            name=_("Dossiers de projet"),
            data=_(
                "Informations sur le projet, la structure porteuse, la personne à contacter et "
                "le financement, pièces jointes."
            ),
            legal_basis=legal_basis_text(PUBLIC_INTEREST),
            retention=_(
                "Dossiers non lauréats (brouillons, dossiers retirés, non labellisés ou non "
                "financés) : %(years)s après la publication des résultats de l'édition. Un "
                "dossier qui n'a pas été soumis au vote est alors supprimé ; d'un projet soumis "
                "au vote ne reste que ce qui a été publié (titre, résumé, description, photo, "
                "territoire, catégorie et montant), qui fait partie du résultat."
            )
            % {"years": _years(delay("dossier_years"))},
        ),
        Processing(
            code="laureates",
            name=_("Dossiers lauréats"),
            data=_("Le dossier financé et ses pièces, pièces comptables de la subvention."),
            legal_basis=legal_basis_text(LEGAL_OBLIGATION),
            retention=_(
                "%(years)s après la publication des résultats de l'édition ; il ne reste alors "
                "que ce qui a été publié, comme pour les autres projets soumis au vote."
            )
            % {"years": _years(delay("laureate_dossier_years"))},
        ),
        Processing(
            code="followup",
            name=_("Suivi des dossiers et des projets lauréats"),
            data=_(
                "Pièces justificatives demandées au porteur (statuts, RIB, attestations, "
                "devis…) ; convention de financement (structure, SIRET ou RNA, représentant, "
                "adresse, échéancier, convention signée) ; versements ; actualités du projet et "
                "leurs photos ; rapport final et ses pièces."
            ),
            legal_basis=legal_basis_text(LEGAL_OBLIGATION),
            retention=_(
                "Avec le dossier qu'elles concernent : %(years)s après la publication des "
                "résultats pour un dossier non lauréat, %(laureate_years)s pour un lauréat. Il "
                "reste alors ce qui a été publié : le montant accordé, les montants versés et "
                "leurs dates, les étapes du projet et les actualités publiées, sans le nom de "
                "leur auteur."
            )
            % {
                "years": _years(delay("dossier_years")),
                "laureate_years": _years(delay("laureate_dossier_years")),
            },
        ),
        Processing(
            code="voters",
            name=_("Vote des habitants"),
            data=_(
                "Nom, prénoms, date de naissance, commune et code postal, adresse IP au moment "
                "du vote, choix exprimés ; vérification de l'éligibilité et détection des votes "
                "multiples. Les choix ne sont jamais communiqués à l'équipe du Département sous "
                "une forme qui les relie à votre identité."
            ),
            legal_basis=legal_basis_text(PUBLIC_INTEREST),
            retention=_(
                "Identité des votants : jusqu'à la publication des résultats, puis %(months)s "
                "pour les recours. Restent ensuite des bulletins anonymes (choix, tranche d'âge, "
                "territoire), qui permettent de recompter le résultat publié."
            )
            % {"months": _months(delay("voter_identity_months"))},
        ),
        Processing(
            code="emails",
            name=_("Courriels en attente d'envoi"),
            data=_(
                "Adresse du destinataire et texte d'un courriel que le serveur de messagerie "
                "n'a pas pris du premier coup."
            ),
            legal_basis=legal_basis_text(PUBLIC_INTEREST),
            retention=_(
                "Dans la file d'envoi le temps de nouveaux essais (un jour au plus). Le texte "
                "est effacé dès l'envoi ou l'abandon, l'adresse %(days)s après."
            )
            % {"days": _days(delay("email_queue_days"))},
        ),
        Processing(
            code="audit",
            name=_("Journal de sécurité"),
            data=_("Date et nature des opérations, pour prévenir les fraudes."),
            legal_basis=legal_basis_text(PUBLIC_INTEREST),
            retention=_(
                "Conservé pour l'historique des décisions ; les noms et adresses qu'il cite "
                "sont effacés en même temps que les données qu'ils désignent."
            ),
        ),
    ]
