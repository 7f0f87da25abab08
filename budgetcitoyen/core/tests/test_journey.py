"""A whole edition in one browser journey, as its people live it, while the clock moves through
the calendar.

A resident signs up and confirms the email, joins the waiting list of a full comptoir, then
takes a place at another; the organiser takes attendance on a phone; the resident drafts a
dossier over two visits, submits it and can no longer edit it; a committee member reviews it;
staff label it and refuse another; the project is public when the vote opens; three residents
vote (one on a phone, one with the keyboard only); a fourth votes twice under a look-alike
spelling and ends under review; staff annul; the count runs; the results are published; the
holder reads "Lauréat"; then the follow-up: staff draw up and send the funding agreement, record
its signature and a first payment, the holder posts news, staff publish it, and the project's
public page shows them.

Every page passes the same three checks (``Journey.check``): axe-core finds no serious or
critical violation, the page is no wider than the screen, and a screenshot is kept as an
artefact in ``$BUDGETCITOYEN_SCREENSHOTS`` (default: a folder of pytest's temporary directory).
The screenshot is what the person sees on their screen at that step; the whole height of each
page with ``BUDGETCITOYEN_JOURNEY_FULL_PAGE=1`` (four times slower on long pages: the
journey's longest part after axe).

The edition is built with the factories and services, not the demo. The live server runs in a
thread of this process, so ``time_machine`` moves its clock too (``core.clock.now()`` reads
``timezone.now()``); each step of the calendar is a ``move_to``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.testing.browser import AXE_RULES, new_context, record_csp_violations
from budgetcitoyen.testing.cast import FACTORY_PASSWORD
from budgetcitoyen.testing.factories import (
    PDF_MINIMAL,
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    idea,
    labelled_project,
    paris,
    verified_person,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2030
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
NEW_PASSWORD = "Un-mot-de-passe-solide-2030"


def label(text: str) -> re.Pattern[str]:
    """A field's label as allauth's and Django's default forms print it: ``Text :`` (a
    no-break space and a colon after it) or ``Text`` alone; ``text`` is a regex."""
    return re.compile(rf"^\s*(?:{text})[\s\u00a0]*:?\s*$", re.IGNORECASE)


# allauth's pages are the site's own; the email field's label is matched loosely.
EMAIL_LABEL = label("Courriel|Adresse e-mail|Adresse électronique|E-mail")
PASSWORD_LABEL = label("Mot de passe")
# The outermost elements that reach past the right edge of the window (for the failure message).
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
SERIOUS = {"serious", "critical"}


@dataclass
class Journey:
    """The browser, the screenshots folder, and the checks every page passes."""

    browser: Any
    folder: Path
    live_url: str
    shots: list[str] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)
    csp: list[list[str]] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    audited: set[tuple[Any, ...]] = field(default_factory=set)

    def tab(self, viewport: dict[str, int] = DESKTOP) -> Any:
        context = new_context(self.browser)
        page = context.new_page()
        page.set_viewport_size(viewport)
        page.set_default_timeout(10_000)
        self.csp.append(record_csp_violations(page))
        page.on("response", self._server_error)
        self.pages.append(page)
        return page

    def _server_error(self, response: Any) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def csp_violations(self) -> list[str]:
        return [violation for found in self.csp for violation in found]

    def goto(self, page: Any, path: str, name: str) -> None:
        response = page.goto(self.live_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        self.check(page, name)

    def check(self, page: Any, name: str) -> None:
        """The three checks of every page: axe (serious or critical), width, screenshot."""
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state()
        path = page.url.removeprefix(self.live_url).split("?")[0]
        skipped: set[str] = set()  # every page passes every check
        index = len(self.shots) + 1
        width = page.viewport_size["width"]
        shot = self.folder / f"{index:02d}-{name}-{width}.jpeg"
        t0 = time.monotonic()
        # Drawn as a whole page is (beyond the viewport), cut to the screen: Chromium's
        # viewport-only capture failed once in CI ("Unable to capture screenshot").
        screen = None if os.environ.get("BUDGETCITOYEN_JOURNEY_FULL_PAGE") else {"x": 0, "y": 0}
        if screen is not None:
            screen.update(page.viewport_size)
        page.screenshot(path=str(shot), full_page=True, clip=screen, type="jpeg", quality=70)
        self.timings["screenshot"] = self.timings.get("screenshot", 0.0) + time.monotonic() - t0
        self.shots.append(shot.name)
        assert not self.server_errors, f"{name}: {self.server_errors}"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        inner_width = page.evaluate("window.innerWidth")
        if "width" not in skipped:
            assert scroll_width <= inner_width, (
                f"{name}: {path} is {scroll_width} px wide in a {inner_width} px window; "
                f"too wide: {page.evaluate(TOO_WIDE)}"
            )
        # The same page in the same state (path, width, title, message shown) is audited once:
        # the sign-in page or the ballot seen by every voter cost a second each.
        state = (
            re.sub(r"\d+", "<n>", path),
            width,
            page.title(),
            page.locator(".message, .form-errors").count(),
        )
        if state in self.audited and not os.environ.get("BUDGETCITOYEN_JOURNEY_AXE_ALL"):
            skipped.add("axe")
        self.audited.add(state)
        if "axe" not in skipped:
            t0 = time.monotonic()
            results = Axe().run(page, options={"runOnly": AXE_RULES, "resultTypes": ["violations"]})
            self.timings["axe"] = self.timings.get("axe", 0.0) + time.monotonic() - t0
            serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
            assert not serious, f"{name}: {path}\n" + "\n".join(
                f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] for n in v["nodes"][:3])
                for v in serious
            )


def sign_in(journey: Journey, page: Any, email: str, password: str, name: str) -> None:
    journey.goto(page, "/compte/login/", f"{name}-connexion")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert "/compte/login/" not in page.url, page.locator("main").inner_text()


def confirm_access(journey: Journey, page: Any, password: str, name: str) -> None:
    """« Confirmer l'accès »: staff type the password again, then the kept POST goes through."""
    page.wait_for_load_state()
    assert "/compte/reauthenticate/" in page.url, page.url
    journey.check(page, f"{name}-confirmer-acces")
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.locator("main").get_by_role("button", name="Confirmer").click()
    page.wait_for_load_state()


def last_mail_to(address: str) -> Any:
    sent = [m for m in mail.outbox if address in m.to]
    assert sent, f"no email to {address}: {[m.subject for m in mail.outbox]}"
    return sent[-1]


def link_in(message: Any, live_url: str) -> str:
    """The first link of the site in an email, as a path (the email may name another host)."""
    found = re.search(r"https?://[^/\s]+(/[^\s\"'<>]*)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def journey(browser, live_server, tmp_path_factory) -> Iterator[Journey]:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("BUDGETCITOYEN_SCREENSHOTS") or tmp_path_factory.mktemp("journey"))
    folder.mkdir(parents=True, exist_ok=True)
    journey = Journey(browser=browser, folder=folder, live_url=str(live_server.url))
    try:
        yield journey
    finally:  # for a failure: the HTML of the last tab opened, where asked
        if journey.pages and (dump := os.environ.get("BUDGETCITOYEN_JOURNEY_DUMP")):
            Path(dump).write_text(journey.pages[-1].content())
    for page in journey.pages:
        page.context.close()
    assert not journey.csp_violations(), journey.csp_violations()


@dataclass
class World:
    edition: Any
    comptoir: Any
    full_comptoir: Any
    organiser: Any
    committee: Any
    staff: Any
    dossier: Any = None
    other_dossier: Any = None
    staff_page: Any = None


def build_world() -> World:
    """The edition of ``YEAR`` with its calendar, categories, comptoirs, people and three
    projects already labelled by others, built with the factories and services."""
    from budgetcitoyen.accounts.roles import Role, role_grant
    from budgetcitoyen.comptoirs.services import registration_create
    from budgetcitoyen.territories.services import load_reference

    load_reference()  # idempotent; an earlier transactional test's flush may have emptied it
    edition = EditionFactory(year=YEAR, vote_min_choices=1, vote_max_choices=3)
    solidarity = CategoryFactory(
        edition=edition,
        name="Solidarités",
        envelope=Decimal("30000.00"),
        max_amount_per_project=Decimal("15000.00"),
        priority=1,
    )
    nature = CategoryFactory(
        edition=edition,
        name="Environnement",
        envelope=Decimal("20000.00"),
        max_amount_per_project=Decimal("15000.00"),
        priority=2,
    )
    comptoir: Any = ComptoirFactory(
        edition=edition, host_name="La Ruche d'Arras", starts_at=paris(YEAR, 2, 5, 9, 30)
    )
    full_comptoir: Any = ComptoirFactory(
        edition=edition, host_name="Le Fournil", capacity=1, starts_at=paris(YEAR, 2, 6, 14)
    )
    organiser = verified_person(email="organisatrice@exemple.fr", first_name="Olivia")
    role_grant(user=organiser, role=Role.ORGANISER, by=None)
    comptoir.organisers.add(organiser)
    committee = verified_person(email="comite@exemple.fr", first_name="Carl")
    role_grant(user=committee, role=Role.COMMITTEE, by=None)
    staff = verified_person(email="mission-ess@exemple.fr", first_name="Sam")
    role_grant(user=staff, role=Role.STAFF, by=None)
    with time_machine.travel(paris(YEAR, 1, 7, 10), tick=False):
        registration_create(comptoir=full_comptoir, person=verified_person(), **idea())
    for title, category, amount in [
        ("Un jardin partagé à Dainville", nature, Decimal("9000.00")),
        ("Des paniers solidaires", solidarity, Decimal("14000.00")),
        ("Une ressourcerie mobile", nature, Decimal("12000.00")),
    ]:
        labelled_project(edition, category=category, amount=amount, title=title)
    return World(edition, comptoir, full_comptoir, organiser, committee, staff)


def fill(page: Any, text: str, value: str) -> None:
    page.get_by_label(label(re.escape(text))).fill(value)


def choose(page: Any, group: str, option: str) -> None:
    """Tick the radio button ``option`` of the question ``group`` (a fieldset's legend)."""
    page.get_by_role("group", name=label(re.escape(group))).get_by_label(
        re.compile(rf"^\s*{re.escape(option)}(\s|$)")  # JavaScript's \b is ASCII-only
    ).check()


def press_button(page: Any, name: str | re.Pattern[str]) -> None:
    page.locator("main").get_by_role("button", name=name, exact=isinstance(name, str)).click()
    page.wait_for_load_state()


def enter(page: Any) -> None:
    """Press Enter on a link or a submit button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to(page: Any, target: Any, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus with Tab")


def test_the_whole_edition_in_one_journey(journey: Journey) -> None:
    started = time.monotonic()
    with time_machine.travel(paris(YEAR, 1, 6, 9), tick=False) as traveller:
        world = build_world()
        registration_steps(journey, world, traveller)
        dossier_steps(journey, world, traveller)
        labelling_steps(journey, world, traveller)
        vote_steps(journey, world, traveller)
        results_steps(journey, world, traveller)
        followup_steps(journey, world, traveller)
    elapsed = time.monotonic() - started
    print(
        f"\njourney: {len(journey.shots)} pages in {elapsed:.1f} s; screenshots: {journey.folder}; {journey.timings}"
    )


RESIDENT = "camille.martin@exemple.fr"


def registration_steps(journey: Journey, world: World, traveller: Any) -> None:
    # --- January: a resident signs up, confirms the address, registers for a comptoir ---------
    traveller.move_to(paris(YEAR, 1, 15, 18))
    resident = journey.tab(DESKTOP)
    journey.goto(resident, "/", "accueil")
    journey.goto(resident, "/compte/signup/", "inscription")
    fill(resident, "Prénom", "Camille")
    fill(resident, "Nom", "Martin")
    resident.get_by_label(EMAIL_LABEL).fill(RESIDENT)
    resident.get_by_label(PASSWORD_LABEL).fill(NEW_PASSWORD)
    resident.get_by_label(label(r"Mot de passe \(confirmation\)")).fill(NEW_PASSWORD)
    press_button(resident, re.compile("Création de compte|Inscription|Créer"))
    journey.check(resident, "inscription-envoyee")
    journey.goto(resident, link_in(last_mail_to(RESIDENT), journey.live_url), "confirmer-adresse")
    press_button(resident, "Je confirme mon adresse")
    journey.check(resident, "adresse-confirmee")

    journey.goto(resident, "/comptoirs/", "agenda")
    resident.get_by_role("link", name=re.compile("Le Fournil")).first.click()
    journey.check(resident, "comptoir-complet")
    # The page says before the form that only the waiting list is left.
    assert "liste d'attente" in resident.locator("main").inner_text()
    resident.get_by_role("link", name="Je m'inscris sur la liste d'attente").click()
    journey.check(resident, "liste-attente-formulaire")
    describe_idea(resident)
    press_button(resident, "M'inscrire sur la liste d'attente")
    journey.check(resident, "liste-attente-inscrite")
    assert "liste d'attente, en position 1" in resident.locator("main").inner_text()
    assert "liste d'attente" in last_mail_to(RESIDENT).body

    journey.goto(resident, "/comptoirs/", "agenda-2")
    resident.get_by_role("link", name=re.compile("La Ruche d'Arras")).first.click()
    journey.check(resident, "comptoir")
    resident.get_by_role("link", name="Je m'inscris", exact=True).click()
    journey.check(resident, "inscription-comptoir")
    describe_idea(resident)
    press_button(resident, "Valider mon inscription")
    journey.check(resident, "inscription-confirmee")
    assert "Votre place est confirmée" in resident.locator("main").inner_text()
    assert "La Ruche d'Arras" in last_mail_to(RESIDENT).body

    # --- 5 February, at the comptoir: the organiser takes attendance on a phone ---------------
    traveller.move_to(paris(YEAR, 2, 5, 10))
    organiser = journey.tab(PHONE)
    sign_in(journey, organiser, world.organiser.email, FACTORY_PASSWORD, "organisatrice")
    journey.goto(organiser, "/organisation/comptoirs/", "organisation")
    organiser.get_by_role("link", name="La Ruche d'Arras").click()
    journey.check(organiser, "emargement")
    # The sheet names the resident, not the address.
    organiser.get_by_role("button", name=re.compile(r"^Présent — Camille Martin")).click()
    journey.check(organiser, "emargement-present")
    assert "Camille Martin : présent." in organiser.locator("main").inner_text()


def describe_idea(page: Any) -> None:
    fill(page, "Le titre de votre idée", "Une recyclerie solidaire")
    fill(page, "Votre idée en quelques lignes", "Réparer et revendre des objets du quotidien.")
    page.get_by_label(label(re.escape("Le territoire qu'elle concerne"))).select_option(
        label="Arrageois"
    )
    choose(page, "Avez-vous déjà une structure ?", "Association")


def dossier_steps(journey: Journey, world: World, traveller: Any) -> None:
    from budgetcitoyen.dossiers.models import Dossier
    from budgetcitoyen.dossiers.services import dossier_submit

    # --- 10 February: the resident starts a dossier, leaves half-way ---------------------------
    traveller.move_to(paris(YEAR, 2, 10, 20))
    resident = journey.tab(DESKTOP)  # two weeks later: the session has ended, sign in again
    sign_in(journey, resident, RESIDENT, NEW_PASSWORD, "porteuse")
    journey.goto(resident, "/mes-dossiers/", "mes-dossiers")
    resident.get_by_role("link", name=re.compile("dossier", re.IGNORECASE)).filter(
        has_text=re.compile("Préparer|Commencer|Nouveau|Déposer", re.IGNORECASE)
    ).first.click()
    journey.check(resident, "nouveau-dossier")
    resident.get_by_role("radio", name=re.compile("Une recyclerie solidaire")).check()
    press_button(resident, "Créer le brouillon")
    journey.check(resident, "etape-presentation")
    fill(resident, "Titre du projet", "La recyclerie du Ternois")
    fill(resident, "Résumé", "Réparer et revendre à petit prix, avec des bénévoles.")
    fill(resident, "Description", "Un atelier ouvert trois jours par semaine, à Saint-Pol.")
    press_button(resident, "Enregistrer et continuer")
    journey.check(resident, "etape-projet")
    fill(resident, "Objectifs", "Réduire les déchets, créer du lien.")
    fill(resident, "Utilité sociale et dimension ESS", "Emplois d'insertion, gouvernance partagée.")
    fill(resident, "Bénéficiaires", "Les habitants du Ternois, 300 personnes par an.")
    resident.get_by_label(label("Territoire")).select_option(label="Arrageois")
    fill(resident, "Communes où le projet se déroule", "Arras")
    fill(resident, "Date de démarrage", f"{YEAR}-10-01")
    fill(resident, "Durée (en mois)", "12")
    press_button(resident, "Enregistrer")
    journey.check(resident, "etape-projet-enregistree")
    resident.context.clear_cookies()  # signed out: the visit ends

    # --- 12 February: back again, nothing was lost; the dossier is completed and submitted -----
    traveller.move_to(paris(YEAR, 2, 12, 9))
    sign_in(journey, resident, RESIDENT, NEW_PASSWORD, "porteuse-retour")
    journey.goto(resident, "/mes-dossiers/", "mes-dossiers-retour")
    resident.get_by_role("link", name=re.compile("La recyclerie du Ternois")).first.click()
    journey.check(resident, "dossier-brouillon")
    dossier = Dossier.objects.get(holder__email=RESIDENT)
    journey.goto(resident, f"/mes-dossiers/{dossier.pk}/projet/", "etape-projet-retour")
    assert resident.get_by_label(label("Objectifs")).input_value() == (
        "Réduire les déchets, créer du lien."
    )
    assert resident.get_by_label(label(re.escape("Durée (en mois)"))).input_value() == "12"
    assert (
        "Arras"
        in resident.get_by_label(label(re.escape("Communes où le projet se déroule"))).input_value()
    )
    press_button(resident, "Enregistrer et continuer")
    journey.check(resident, "etape-porteur")
    choose(resident, "Type de structure", "Association")
    fill(resident, "Nom de la structure", "Les Ateliers du Ternois")
    fill(resident, "Numéro RNA (associations)", "W623001234")
    fill(resident, "Adresse de la structure", "2 rue des Écoles, 62130 Saint-Pol-sur-Ternoise")
    fill(resident, "Personne à contacter", "Camille Martin")
    fill(resident, "Son courriel", RESIDENT)
    press_button(resident, "Enregistrer et continuer")
    journey.check(resident, "etape-budget")
    fill(resident, "Coût total du projet (€)", "20 000")
    fill(resident, "Montant demandé au Budget citoyen (€)", "12 000")
    fill(resident, "Source de la ligne 1", "Fonds propres")
    fill(resident, "Montant de la ligne 1, en euros", "8 000")
    resident.get_by_label("Ligne 1 acquise").check()
    press_button(resident, "Enregistrer et continuer")
    journey.check(resident, "etape-categorie")
    choose(resident, "Catégorie souhaitée", "Solidarités")
    press_button(resident, "Enregistrer et continuer")
    journey.check(resident, "etape-pieces")
    press_button(resident, "Enregistrer et voir le récapitulatif")
    journey.check(resident, "recapitulatif")
    resident.get_by_label(re.compile("Je certifie sur l'honneur")).check()
    press_button(resident, "Déposer définitivement mon dossier")
    journey.check(resident, "recepisse")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED
    assert dossier.reference in resident.locator("main").inner_text()
    assert dossier.reference in last_mail_to(RESIDENT).body
    # Submitted, it can no longer be edited: the step sends back to the dossier, with no form.
    resident.goto(journey.live_url + f"/mes-dossiers/{dossier.pk}/presentation/")
    journey.check(resident, "dossier-depose")
    assert f"/mes-dossiers/{dossier.pk}/presentation/" not in resident.url
    assert resident.locator("main").get_by_role("textbox").count() == 0
    resident.context.close()
    journey.pages.remove(resident)
    world.dossier = dossier

    # Another holder, met at another comptoir, submits a dossier the committee will refuse.
    other = attendee(world.edition, person=verified_person(email="autre.porteur@exemple.fr"))
    draft = complete_dossier(other, title="Un projet hors sujet")
    world.other_dossier = dossier_submit(dossier=draft, by=other.person, sworn=True)


def labelling_steps(journey: Journey, world: World, traveller: Any) -> None:
    from budgetcitoyen.labelling.services import assignment_add

    # --- July: a committee member reviews the dossier ------------------------------------------
    traveller.move_to(paris(YEAR, 7, 3, 14))
    assignment_add(dossier=world.dossier, member=world.committee, by=world.staff)
    committee = journey.tab(DESKTOP)
    sign_in(journey, committee, world.committee.email, FACTORY_PASSWORD, "comite")
    journey.goto(committee, "/comite/", "comite")
    committee.get_by_role("link", name=re.compile("La recyclerie du Ternois")).first.click()
    journey.check(committee, "comite-dossier")
    choose(committee, "Votre avis", "favorable")
    committee.get_by_label(label("Catégorie proposée")).select_option(label="Solidarités")
    for group in committee.locator("main fieldset").all():
        radios = group.get_by_role("radio", name="2", exact=True)
        if radios.count():
            radios.check()
    fill(committee, "Commentaire interne", "Solide, bien ancré sur le territoire.")
    press_button(committee, "Enregistrer mon avis")
    journey.check(committee, "comite-avis-enregistre")
    assert "Solide, bien ancré" in committee.locator("main").inner_text() or (
        world.dossier.reviews.count() == 1
    )

    # --- Staff label it and refuse another; the holders are told -------------------------------
    staff = journey.tab(DESKTOP)
    world.staff_page = staff
    sign_in(journey, staff, world.staff.email, FACTORY_PASSWORD, "mission")
    journey.goto(staff, f"/comite/dossiers/{world.dossier.pk}/decision/", "decision")
    choose(staff, "Décision", "labellisé")
    staff.get_by_label(label("Catégorie retenue")).select_option(label="Solidarités")
    fill(staff, "Montant labellisé (€)", "12 000")
    fill(staff, "Titre public", "La recyclerie du Ternois")
    press_button(staff, "Enregistrer la décision")
    confirm_access(journey, staff, FACTORY_PASSWORD, "decision")
    journey.check(staff, "decision-enregistree")
    journey.goto(staff, f"/comite/dossiers/{world.other_dossier.pk}/decision/", "refus")
    choose(staff, "Décision", "non labellisé")
    fill(
        staff,
        "Motif adressé au porteur (si non labellisé)",
        "Le projet ne relève pas de l'économie sociale et solidaire.",
    )
    press_button(staff, "Enregistrer la décision")
    journey.check(staff, "refus-enregistre")
    assert world.other_dossier.decision.outcome == "not_labelled"  # type: ignore[attr-defined]
    journey.goto(staff, "/comite/informer-les-porteurs/", "informer")
    press_button(staff, "Informer les porteurs maintenant")
    journey.check(staff, "porteurs-informes")
    labelled = last_mail_to(RESIDENT)
    assert "Camille" in labelled.body.split("\n", 2)[0] + labelled.body[:200]
    assert "labellisé" in labelled.subject.lower() and "La recyclerie du Ternois" in labelled.body
    refused = last_mail_to("autre.porteur@exemple.fr")
    assert "n'a pas obtenu le label" in refused.body
    assert "ne relève pas de l'économie sociale" in refused.body


CYRILLIC_O = "\u043e"
PROJECT = "La recyclerie du Ternois"
OTHERS = ["Un jardin partagé à Dainville", "Des paniers solidaires", "Une ressourcerie mobile"]


def voter_signs_in(journey: Journey, page: Any, email: str, name: str) -> None:
    """A voter needs no account: an emailed code signs in (and creates one)."""
    journey.goto(page, "/voter/", f"{name}-voter")
    page.get_by_role("link", name="Commencer à voter").click()
    journey.check(page, f"{name}-adresse")
    fill(page, "Adresse électronique", email)
    press_button(page, "Recevoir mon code")
    journey.check(page, f"{name}-code")
    code = re.search(r"\b(\d{6})\b", last_mail_to(email).body)
    assert code, last_mail_to(email).body
    fill(page, "Code reçu par courriel", code.group(1))
    press_button(page, "Valider le code")


def declare_identity(page: Any, last: str, first: str, born: str) -> None:
    fill(page, "Nom", last)
    fill(page, "Premier prénom", first)
    fill(page, "Date de naissance", born)
    fill(page, "Commune de résidence", "Arras")
    fill(page, "Code postal", "62000")
    page.get_by_label(re.compile("Je déclare sur l'honneur")).check()
    press_button(page, "Continuer vers le bulletin")


def vote(journey: Journey, page: Any, name: str, titles: list[str]) -> str:
    """Tick ``titles``, check, confirm; the receipt code."""
    journey.check(page, f"{name}-bulletin")
    for title in titles:
        page.get_by_label(title, exact=True).check()
    assert page.locator("#compteur").inner_text().startswith(f"{len(titles)} choix")
    press_button(page, "Vérifier mes choix")
    journey.check(page, f"{name}-verifier")
    press_button(page, "Je confirme mon vote")
    journey.check(page, f"{name}-recu")
    code = page.locator("#code-recu").inner_text()
    assert len(code) == 19, code
    return code


def vote_steps(journey: Journey, world: World, traveller: Any) -> None:
    from budgetcitoyen.voting.models import Ballot

    # --- 2 September: the vote is open, the labelled project is public -------------------------
    traveller.move_to(paris(YEAR, 9, 2, 8))
    visitor = journey.tab(PHONE)
    journey.goto(visitor, "/", "accueil-vote")
    journey.goto(visitor, "/projets/", "catalogue")
    visitor.get_by_role("link", name=PROJECT).first.click()
    journey.check(visitor, "projet-public")
    assert re.search(r"12\s000\s€", visitor.locator("main").inner_text())
    assert not visitor.get_by_text("Un projet hors sujet").count()

    # Three residents vote: one at a desk, one on a phone, one with the keyboard only.
    first = journey.tab(DESKTOP)
    voter_signs_in(journey, first, "louise.lefebvre@exemple.fr", "votante-1")
    journey.check(first, "votante-1-identite")
    declare_identity(first, "Lefebvre", "Louise", "14/05/1980")
    vote(journey, first, "votante-1", [PROJECT, OTHERS[0], OTHERS[1]])

    phone = visitor
    voter_signs_in(journey, phone, "hugo.dupont@exemple.fr", "votant-2")
    journey.check(phone, "votant-2-identite")
    declare_identity(phone, "Dupont", "Hugo", "01/12/1995")
    vote(journey, phone, "votant-2", [PROJECT, OTHERS[2]])

    keyboard_vote(journey)

    # A fourth votes twice, with two addresses and a look-alike letter in the name.
    for email, last in [
        ("paul.morel@exemple.fr", "Morel"),
        ("p.morel@autre.fr", f"M{CYRILLIC_O}rel"),
    ]:
        tab = journey.tab(DESKTOP)
        voter_signs_in(journey, tab, email, f"double-{email[0:6]}")
        journey.check(tab, "double-identite")
        declare_identity(tab, last, "Paul", "03/07/1972")
        vote(journey, tab, f"double-{email[0:6]}", [OTHERS[1], OTHERS[2]])
    assert Ballot.objects.filter(status=Ballot.Status.UNDER_REVIEW).count() == 2

    # Staff annul both ballots of the double vote (two months on: signed in again).
    staff = world.staff_page
    sign_in(journey, staff, world.staff.email, FACTORY_PASSWORD, "mission-septembre")
    journey.goto(staff, "/gestion/vote/verifications/", "verifications")
    staff.get_by_role("link", name=re.compile("^Examiner")).first.click()
    journey.check(staff, "verification")
    choose(staff, "Décision", "Vote multiple")
    fill(staff, "Motif", "Deux bulletins sous la même identité, une lettre cyrillique.")
    press_button(staff, "Enregistrer la décision")
    confirm_access(journey, staff, FACTORY_PASSWORD, "annulation")
    journey.check(staff, "verification-tranchee")
    assert Ballot.objects.filter(status=Ballot.Status.ANNULLED).count() == 2
    assert "annul" in last_mail_to("p.morel@autre.fr").body


def keyboard_vote(journey: Journey) -> None:
    """Tab, Space and Enter only: no click, no fill."""
    page = journey.tab(DESKTOP)
    email = "ines.moreau@exemple.fr"
    journey.goto(page, "/voter/", "clavier-voter")
    tab_to(page, page.get_by_role("link", name="Commencer à voter"))
    enter(page)
    journey.check(page, "clavier-adresse")
    tab_to(page, page.get_by_label(label("Adresse électronique")))
    page.keyboard.type(email)
    enter(page)
    journey.check(page, "clavier-code")
    code = re.search(r"\b(\d{6})\b", last_mail_to(email).body)
    assert code
    tab_to(page, page.get_by_label(label("Code reçu par courriel")))
    page.keyboard.type(code.group(1))
    enter(page)
    journey.check(page, "clavier-identite")
    for text, value in [
        ("Nom", "Moreau"),
        ("Premier prénom", "Inès"),
        ("Date de naissance", "22/09/1988"),
        ("Commune de résidence", "Arras"),
        ("Code postal", "62000"),
    ]:
        tab_to(page, page.get_by_label(label(re.escape(text))))
        page.keyboard.type(value)
    tab_to(page, page.get_by_label(re.compile("Je déclare sur l'honneur")))
    page.keyboard.press("Space")
    tab_to(page, page.locator("main").get_by_role("button", name="Continuer vers le bulletin"))
    enter(page)
    journey.check(page, "clavier-bulletin")
    for title in [PROJECT, OTHERS[0], OTHERS[2]]:
        tab_to(page, page.get_by_label(title, exact=True))
        page.keyboard.press("Space")
    assert page.locator("#compteur").inner_text().startswith("3 choix")
    tab_to(page, page.locator("main").get_by_role("button", name="Vérifier mes choix"))
    page.keyboard.press("Enter")  # the summary shows on the same page, focused
    page.locator("#recapitulatif").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "recapitulatif"
    journey.check(page, "clavier-verifier")
    tab_to(page, page.locator("main").get_by_role("button", name="Je confirme mon vote"))
    enter(page)
    journey.check(page, "clavier-recu")
    assert len(page.locator("#code-recu").inner_text()) == 19


def results_steps(journey: Journey, world: World, traveller: Any) -> None:
    # --- 2 October: the vote is closed, staff count ---------------------------------------------
    traveller.move_to(paris(YEAR, 10, 2, 10))
    staff = journey.tab(DESKTOP)
    sign_in(journey, staff, world.staff.email, FACTORY_PASSWORD, "mission-octobre")
    journey.goto(staff, "/gestion/resultats/", "depouillement")
    press_button(staff, "Lancer un dépouillement")
    journey.check(staff, "depouillement-lance")
    if "/gestion/resultats/" in staff.url and not re.search(r"/gestion/resultats/\d+/", staff.url):
        staff.get_by_role("link", name=re.compile("Dépouillement n°")).first.click()
        journey.check(staff, "depouillement-detail")
    staff.get_by_label(re.compile("J'ai vérifié ce dépouillement")).check()
    press_button(staff, "Publier les résultats")
    confirm_access(journey, staff, FACTORY_PASSWORD, "publication")
    journey.check(staff, "resultats-publies")

    # --- 21 November: the results are public; the holder reads "Lauréat" -----------------------
    traveller.move_to(paris(YEAR, 11, 21, 9))
    resident = journey.tab(PHONE)
    journey.goto(resident, f"/resultats/{YEAR}/", "resultats")
    assert PROJECT in resident.locator("main").inner_text()
    sign_in(journey, resident, RESIDENT, NEW_PASSWORD, "laureate")
    journey.goto(resident, "/mes-dossiers/", "laureate-dossiers")
    assert "Lauréat" in resident.locator("main").inner_text()
    assert PROJECT in last_mail_to(RESIDENT).body

    # --- The edition's figures, kept at publication --------------------------------------------
    from budgetcitoyen.labelling.models import Decision
    from budgetcitoyen.results.models import Award
    from budgetcitoyen.voting.models import Ballot

    journey.goto(resident, f"/statistiques/{YEAR}/", "statistiques")
    funnel = dict(
        row.split("\t") for row in resident.locator("#tableau-entonnoir tbody tr").all_inner_texts()
    )
    labelled = Decision.objects.filter(edition__year=YEAR, outcome="labelled").count()
    laureates = Award.objects.filter(snapshot__edition__year=YEAR).count()
    assert funnel["Projets labellisés"] == str(labelled)
    assert funnel["Projets lauréats"] == str(laureates)
    ballots = dict(
        row.split("\t") for row in resident.locator("#tableau-bulletins tbody tr").all_inner_texts()
    )
    valid = Ballot.objects.filter(edition__year=YEAR, status=Ballot.Status.VALID).count()
    shown = "masqué" if 0 < valid < 5 else str(valid)
    assert ballots["Bulletins valides (comptés)"] == shown
    assert ballots["Bulletins annulés (votes multiples)"] == "masqué"  # 2: never shown


def maybe_confirm_access(journey: Journey, page: Any, name: str) -> None:
    page.wait_for_load_state()
    if "/compte/reauthenticate/" in page.url:
        confirm_access(journey, page, FACTORY_PASSWORD, name)


def followup_steps(journey: Journey, world: World, traveller: Any) -> None:
    from budgetcitoyen.results.models import Award

    award = Award.objects.get(decision__public_title=PROJECT)
    # --- 2 December: staff draw up the agreement from the dossier and send it ------------------
    traveller.move_to(paris(YEAR, 12, 2, 10))
    staff = journey.tab(DESKTOP)
    sign_in(journey, staff, world.staff.email, FACTORY_PASSWORD, "mission-decembre")
    journey.goto(staff, "/gestion/suivi/", "suivi-laureats")
    staff.locator("main").get_by_role("link", name=PROJECT).first.click()
    journey.check(staff, "suivi-laureat")
    staff.locator("main").get_by_role("link", name="Établir la convention").click()
    journey.check(staff, "convention-brouillon")
    assert staff.get_by_label(label(re.escape("Montant accordé (€)"))).input_value()
    press_button(staff, "Enregistrer le brouillon")
    journey.check(staff, "convention-enregistree")
    press_button(staff, "Envoyer la convention au porteur")
    maybe_confirm_access(journey, staff, "convention-envoi")
    journey.check(staff, "convention-envoyee")
    assert "Envoyée au porteur" in staff.locator("main").inner_text()
    sent = last_mail_to(RESIDENT)
    assert "convention" in sent.subject.lower(), sent.subject

    # The holder reads the agreement sent to them, on a phone.
    resident = journey.tab(PHONE)
    sign_in(journey, resident, RESIDENT, NEW_PASSWORD, "laureate-decembre")
    journey.goto(resident, link_in(sent, journey.live_url), "laureate-convention")
    assert award.agreement.reference in resident.locator("main").inner_text()  # type: ignore[attr-defined]

    # --- 16 December: the signed agreement comes back; staff record it and pay 70 % -----------
    traveller.move_to(paris(YEAR, 12, 16, 10))
    sign_in(journey, staff, world.staff.email, FACTORY_PASSWORD, "mission-signature")
    journey.goto(staff, f"/gestion/suivi/laureats/{award.pk}/", "suivi-signature")
    staff.get_by_label(label("Date de signature")).fill(f"{YEAR}-12-15")
    staff.get_by_label(label(re.escape("Convention signée (scan)"))).set_input_files(
        files=[
            {"name": "convention-signee.pdf", "mimeType": "application/pdf", "buffer": PDF_MINIMAL}
        ]
    )
    press_button(staff, "Enregistrer la signature")
    journey.check(staff, "convention-signee")
    assert "Signée" in staff.locator("main").inner_text()
    first = award.agreement.instalments.order_by("position").first()  # type: ignore[attr-defined]
    assert first is not None
    fill(staff, "Montant versé (€)", str(first.amount).replace(".", ","))
    staff.get_by_label(label("Versé le")).fill(f"{YEAR}-12-16")
    fill(staff, "Référence du mandat", "MANDAT-2030-0042")
    press_button(staff, "Enregistrer le versement")
    maybe_confirm_access(journey, staff, "versement")
    journey.check(staff, "versement-enregistre")
    award.agreement.refresh_from_db()  # type: ignore[attr-defined]
    assert (
        sum(
            p.amount
            for i in award.agreement.instalments.all()  # type: ignore[attr-defined]
            for p in i.payments.all()
        )
        == first.amount
    )

    # --- 15 January: the holder posts news of the project; staff publish it ------------------
    traveller.move_to(paris(YEAR + 1, 1, 15, 18))
    sign_in(journey, resident, RESIDENT, NEW_PASSWORD, "laureate-janvier")
    journey.goto(resident, "/mes-dossiers/", "laureate-janvier")
    resident.locator("main").get_by_role("link", name=re.compile(re.escape(PROJECT))).first.click()
    journey.check(resident, "laureate-dossier")
    resident.locator("main").get_by_role("link", name="Actualités du projet").click()
    journey.check(resident, "laureate-actualites")
    fill(resident, "Titre", "La recyclerie a ouvert ses portes")
    fill(
        resident,
        "Texte",
        "Cent visiteurs le premier samedi ; les ateliers de réparation commencent.",
    )
    resident.get_by_label(label(re.escape("Date de l'événement"))).fill(f"{YEAR + 1}-01-10")
    press_button(resident, "Enregistrer et envoyer à la modération")
    journey.check(resident, "actualite-envoyee")
    sign_in(journey, staff, world.staff.email, FACTORY_PASSWORD, "mission-janvier")
    journey.goto(staff, "/gestion/suivi/actualites/", "moderation")
    staff.locator("main").get_by_role("link", name="La recyclerie a ouvert ses portes").click()
    journey.check(staff, "moderation-actualite")
    press_button(staff, "Publier cette actualité")
    journey.check(staff, "actualite-publiee")
    assert "publiée" in last_mail_to(RESIDENT).subject.lower()

    # --- The public sees the timeline: the agreement signed, the payment, the news -----------
    visitor = journey.tab(PHONE)
    journey.goto(visitor, f"/projets/{award.decision_id}/", "projet-laureat-suivi")
    timeline = visitor.locator("main").inner_text()
    assert "La recyclerie a ouvert ses portes" in timeline
    assert "Convention de financement signée" in timeline
    assert "Versement de" in timeline
    assert "MANDAT-2030-0042" not in timeline  # the public sees amounts, never references
    journey.goto(visitor, "/laureats/", "laureats")
    assert PROJECT in visitor.locator("main").inner_text()
