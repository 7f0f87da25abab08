"""The shapes of the API's answers, each field described in French and in English.

Every field's ``description`` is French (the language of the platform and of the docs page);
its English description is the OpenAPI extension ``x-description-en`` beside it, so a client
generating code from the document in English finds one too (``described``). Amounts are
decimal strings in euros (exact, as the results are counted), moments ISO 8601 with their
offset in Europe/Paris.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import Field

T = TypeVar("T")


def described(fr: str, en: str, **kwargs: Any) -> Any:
    """A field described in French, with its English description as ``x-description-en``."""
    return Field(description=fr, json_schema_extra={"x-description-en": en}, **kwargs)


class Page(Schema, Generic[T]):
    count: int = described("Nombre total d'éléments.", "Total number of items.")
    limit: int = described("Nombre maximum d'éléments par page.", "Maximum items per page.")
    offset: int = described("Position du premier élément de la page.", "Offset of the first item.")
    next: str | None = described(
        "Adresse de la page suivante, ou null.", "URL of the next page, or null."
    )
    previous: str | None = described(
        "Adresse de la page précédente, ou null.", "URL of the previous page, or null."
    )
    items: list[T] = described("Éléments de la page.", "Items of the page.")


class Error(Schema):
    detail: str = described("Message d'erreur, en français.", "Error message, in French.")


# --- Territories ---------------------------------------------------------------------------------


class TerritoryRef(Schema):
    slug: str = described("Identifiant du territoire.", "Territory identifier.")
    name: str = described("Nom du territoire.", "Territory name.")


class TerritoryOut(TerritoryRef):
    population: int = described(
        "Population totale de ses communes.", "Total population of its communes."
    )
    commune_count: int = described("Nombre de communes.", "Number of communes.")


class CommuneOut(Schema):
    insee_code: str = described("Code officiel géographique (INSEE).", "INSEE code.")
    name: str = described("Nom de la commune.", "Commune name.")
    population: int = described("Population municipale.", "Municipal population.")
    territory: TerritoryRef = described("Territoire de la commune.", "Territory of the commune.")
    epci: str | None = described(
        "Intercommunalité (EPCI) de la commune.", "Inter-municipal body (EPCI)."
    )
    postal_codes: list[str] = described("Codes postaux.", "Postal codes.")


class CommuneRef(Schema):
    insee_code: str = described("Code INSEE de la commune.", "INSEE code of the commune.")
    name: str = described("Nom de la commune.", "Commune name.")


# --- Editions ------------------------------------------------------------------------------------


class StepOut(Schema):
    step: str = described(
        "Étape : comptoirs, deposit, labelling, vote ou results.",
        "Step: comptoirs, deposit, labelling, vote or results.",
    )
    label: str = described("Nom de l'étape.", "Step name (French).")
    start: str = described("Début (inclus).", "Start (included).")
    end: str | None = described(
        "Fin (exclue) ; null pour les résultats.", "End (excluded); null for the results."
    )


class CategoryOut(Schema):
    id: int = described("Identifiant de la catégorie.", "Category identifier.")
    name: str = described("Nom de la catégorie.", "Category name.")
    description: str = described("Description.", "Description (French).")
    envelope: str = described("Enveloppe, en euros.", "Budget envelope, in euros.")
    max_amount_per_project: str = described(
        "Montant maximum par projet, en euros.", "Maximum amount per project, in euros."
    )
    priority: int = described(
        "Priorité de redistribution des reliquats (1 reçoit en premier).",
        "Priority for leftovers (1 receives first).",
    )


class VoteRuleOut(Schema):
    code: str = described("Code de la règle de vote.", "Ballot rule code.")
    text: str = described("La règle telle qu'un votant la lit.", "The rule as a voter reads it.")
    min_choices: int | None = described("Nombre minimum de choix.", "Minimum number of choices.")
    max_choices: int | None = described("Nombre maximum de choix.", "Maximum number of choices.")
    minimum_voter_age: int = described("Âge minimum pour voter.", "Minimum voting age.")


class AllocationRuleOut(Schema):
    code: str = described("Code de la règle de répartition.", "Counting rule code.")
    label: str = described("Nom de la règle.", "Rule name (French).")
    description: str = described("La règle en quelques mots.", "The rule in words (French).")
    threshold: int | None = described(
        "Seuil de voix pour être financé, ou null.", "Vote threshold to be funded, or null."
    )


class EditionSummary(Schema):
    year: int = described("Année de l'édition.", "Edition year.")
    title: str = described("Titre.", "Title.")
    phase: str = described(
        "Où en est l'édition : upcoming, comptoirs, deposit, awaiting_labelling, labelling, "
        "awaiting_vote, vote, counting ou results.",
        "Where the edition stands (computed from its calendar).",
    )
    phase_label: str = described("L'étape en cours, en mots.", "Current step, in words.")
    is_demo: bool = described("Contenu fictif de démonstration.", "Fictitious demo content.")
    results_published: bool = described(
        "Les résultats sont publiés.", "Whether the results are published."
    )
    url: str = described("Adresse de l'édition dans l'API.", "URL of the edition in the API.")


class EditionOut(EditionSummary):
    introduction: str = described("Présentation.", "Introduction (French).")
    calendar: list[StepOut] = described("Calendrier des étapes.", "Calendar of the steps.")
    categories: list[CategoryOut] = described(
        "Catégories et leurs enveloppes.", "Categories and their envelopes."
    )
    total_envelope: str = described("Total des enveloppes, en euros.", "Sum of envelopes (€).")
    vote_rule: VoteRuleOut = described("Règle de vote.", "Ballot rule.")
    allocation_rule: AllocationRuleOut = described("Règle de répartition.", "Counting rule.")
    links: dict[str, str] = described(
        "Adresses liées (projets, comptoirs, résultats, statistiques).",
        "Related URLs (projects, comptoirs, results, statistics).",
    )


# --- Comptoirs -----------------------------------------------------------------------------------


class ComptoirOut(Schema):
    id: int = described("Identifiant du comptoir.", "Comptoir identifier.")
    edition: int = described("Année de l'édition.", "Edition year.")
    host_name: str = described("Structure accueillante.", "Host organisation.")
    address: str = described("Adresse.", "Address.")
    commune: CommuneRef = described("Commune du comptoir.", "Commune of the comptoir.")
    territory: TerritoryRef = described("Territoire.", "Territory.")
    access_information: str = described(
        "Informations d'accès (accessibilité, transports).", "Access information (French)."
    )
    starts_at: str = described("Début.", "Start.")
    ends_at: str = described("Fin.", "End.")
    capacity: int = described("Nombre de places.", "Number of places.")
    registration_closes_at: str = described("Clôture des inscriptions.", "Registration deadline.")
    is_cancelled: bool = described("Comptoir annulé.", "Cancelled.")
    cancellation_reason: str = described("Motif d'annulation.", "Reason of the cancellation.")
    url: str = described("Page publique du comptoir.", "Public page of the comptoir.")


# --- Projects ------------------------------------------------------------------------------------


class CategoryRef(Schema):
    id: int = described("Identifiant de la catégorie.", "Category identifier.")
    name: str = described("Nom de la catégorie.", "Category name.")


class ProjectOutcome(Schema):
    funded: bool = described("Projet financé (lauréat).", "Funded (laureate).")
    votes: int = described("Voix (ou points) obtenues.", "Votes (or points) received.")
    position: int = described(
        "Rang dans le résultat de l'édition (0 pour le premier).",
        "Position in the edition's result (0 for the first).",
    )


class ProjectOut(Schema):
    id: int = described("Identifiant du projet.", "Project identifier.")
    edition: int = described("Année de l'édition.", "Edition year.")
    title: str = described("Titre public.", "Public title.")
    summary: str = described("Résumé public.", "Public summary.")
    category: CategoryRef | None = described("Catégorie.", "Category.")
    territory: TerritoryRef | None = described("Territoire.", "Territory.")
    amount: str | None = described("Montant labellisé, en euros.", "Labelled amount, in euros.")
    carrier: str = described(
        "Structure qui porte le projet (telle que publiée sur sa page).",
        "Organisation carrying the project (as on its public page).",
    )
    result: ProjectOutcome | None = described(
        "Résultat du projet ; null tant que les résultats de l'édition ne sont pas publiés.",
        "The project's outcome; null until the edition's results are published.",
    )
    url: str = described("Page publique du projet.", "Public page of the project.")


class ProjectDetail(ProjectOut):
    description: str = described("Description publique.", "Public description (French).")
    communes: list[CommuneRef] = described("Communes concernées.", "Communes concerned.")


# --- Results -------------------------------------------------------------------------------------


class ResultProject(Schema):
    id: str = described("Identifiant du projet.", "Project identifier.")
    name: str = described("Titre du projet.", "Project title.")
    category: str | None = described("Catégorie.", "Category.")
    territory: str | None = described("Territoire.", "Territory.")
    rank: int = described("Rang dans son groupe.", "Rank within its group.")
    votes: int = described("Voix (ou points).", "Votes (or points).")
    votes_text: str = described("Voix, en mots.", "Votes, in words (French).")
    amount: str = described("Montant, en euros.", "Amount, in euros.")
    funded: bool = described("Financé.", "Funded.")


class ResultGroup(Schema):
    name: str | None = described(
        "Catégorie (null si la règle ne compte pas par enveloppe).",
        "Category (null when the rule has one budget).",
    )
    envelope: str | None = described("Enveloppe, en euros.", "Envelope, in euros.")
    spent: str = described("Montant attribué, en euros.", "Amount granted, in euros.")
    received: str = described(
        "Reçu des reliquats d'autres catégories.", "Received from other categories' leftovers."
    )
    given: str = described("Donné à d'autres catégories.", "Given to other categories.")
    funded_count: int = described("Nombre de projets financés.", "Number of funded projects.")
    projects: list[ResultProject] = described("Projets classés.", "Ranked projects.")


class Move(Schema):
    source: str = described("Catégorie d'où vient le reliquat.", "Category giving its leftover.")
    target: str = described("Catégorie qui le reçoit.", "Category receiving it.")
    amount: str = described("Montant, en euros.", "Amount, in euros.")


class TraceEventOut(Schema):
    project_id: str = described("Projet concerné.", "Project concerned.")
    project_name: str = described("Titre du projet.", "Project title.")
    selected: bool = described("Financé à cette étape.", "Selected at this step.")
    code: str = described(
        "Code de l'événement (voir la documentation du décompte).",
        "Event code (see the counting documentation).",
    )
    params: dict[str, Any] = described(
        "Paramètres de l'événement (voix, montants en chaînes décimales, catégorie…).",
        "Event parameters (votes, amounts as decimal strings, category…).",
    )
    text: str = described("L'événement en une phrase.", "The event in one sentence (French).")


class ResultOut(Schema):
    edition: int = described("Année de l'édition.", "Edition year.")
    published_at: str | None = described("Date de publication.", "Publication moment.")
    rule: str = described("Règle de répartition appliquée.", "Counting rule applied.")
    rule_sentence: str = described("La règle en mots.", "The rule in words (French).")
    rule_version: str = described("Version du moteur de décompte.", "Counting engine version.")
    moves_sentence: str = described(
        "Les reliquats passés d'une catégorie à une autre, en une phrase.",
        "Leftovers moved between categories, in a sentence (French).",
    )
    ballots_sha256: str = described(
        "Empreinte SHA-256 du fichier des bulletins anonymisés.",
        "SHA-256 of the anonymised ballots file.",
    )
    groups: list[ResultGroup] = described("Projets par catégorie.", "Projects by category.")
    moves: list[Move] = described("Reliquats déplacés.", "Leftovers moved.")
    trace: list[TraceEventOut] = described(
        "Déroulé du décompte, projet par projet, dans l'ordre.",
        "The count's trace, project by project, in order.",
    )
    downloads: dict[str, str] = described(
        "Fichiers : csv, json, pb (bulletins anonymisés).",
        "Files: csv, json, pb (anonymised ballots).",
    )


# --- Statistics ----------------------------------------------------------------------------------


class ColumnOut(Schema):
    key: str = described("Clé de la colonne dans les lignes.", "Column key in the rows.")
    label: str = described("Intitulé.", "Label (French).")
    kind: str = described(
        "Nature : count, amount, rate, percent, text ou day.",
        "Kind: count, amount, rate, percent, text or day.",
    )


class FigureOut(Schema):
    key: str = described("Identifiant de la figure (nom de son fichier CSV).", "Figure key.")
    title: str = described("Titre.", "Title (French).")
    sentence: str = described("Ce que montre la figure.", "What the figure shows (French).")
    columns: list[ColumnOut] = described("Colonnes.", "Columns.")
    rows: list[dict[str, Any]] = described(
        "Lignes ; une case masquée (moins de 5 personnes) vaut null.",
        "Rows; a masked cell (fewer than 5 people) is null.",
    )
    csv: str = described("Fichier CSV de la figure.", "CSV file of the figure.")


class StatisticsOut(Schema):
    edition: int = described("Année de l'édition.", "Edition year.")
    figures: list[FigureOut] = described("Figures de l'édition.", "Figures of the edition.")
    data: dict[str, Any] = described(
        "Les indicateurs bruts, masqués (null pour toute case de moins de 5 personnes) : "
        "funnel, vote, money, hors_radar.",
        "Raw indicators, masked (null for any cell of fewer than 5 people).",
    )


# --- The laureates' follow-up ------------------------------------------------------------------


class LaureateOut(Schema):
    id: int = described(
        "Identifiant du projet (le même que /projects/{project_id}).",
        "Project identifier (the same as /projects/{project_id}).",
    )
    edition: int = described("Année de l'édition.", "Edition year.")
    title: str = described("Titre public.", "Public title.")
    category: str | None = described("Catégorie.", "Category.")
    territory: str | None = described("Territoire.", "Territory.")
    granted: str | None = described("Montant accordé, en euros.", "Amount granted, in euros.")
    paid: str | None = described(
        "Montant versé à ce jour (conventions signées), en euros.",
        "Amount paid so far (signed agreements), in euros.",
    )
    status: str = described(
        "Avancement : a-venir (pas encore démarré), en-cours, realise, abandonne.",
        "Status: a-venir (not started), en-cours (in progress), realise (done), abandonne "
        "(abandoned).",
    )
    status_label: str = described("Avancement, en toutes lettres.", "Status, in words (French).")
    progress: int = described(
        "Avancement en pourcentage (0 à 100).", "Progress in percent (0 to 100)."
    )
    abandon_reason: str | None = described(
        "Motif de l'abandon, ou null.", "Why the project was abandoned (French), or null."
    )
    last_news_at: str | None = described(
        "Date de publication de la dernière actualité (ISO 8601), ou null.",
        "Publication time of the latest news item (ISO 8601), or null.",
    )
    url: str = described("Page publique du projet.", "Public page of the project.")
