"""The vote's pages: the voter's path without JavaScript, the catalogue, staff and agent pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import PERSONAS, confirm_password, make_persona
from budgetcitoyen.testing.factories import labelled_project, paris, verified_person
from budgetcitoyen.voting import services
from budgetcitoyen.voting.models import Ballot, IdentityReview

from .conftest import identity

pytestmark = [pytest.mark.django_db]

IDENTITY_POST = {
    "last_name": "Dupont",
    "first_name": "Camille",
    "other_first_names": "",
    "birth_date": "14/07/1990",
    "commune": "arras",
    "postal_code": "62000",
    "sworn": "on",
}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


# --- The voter's path -------------------------------------------------------------------------


def test_the_whole_path_without_javascript(
    edition, projects, during_vote, django_capture_on_commit_callbacks
):
    client = Client()
    home = client.get("/voter/")
    assert home.status_code == 200 and "Commencer à voter" in text(home)
    assert_accessible(home.content)

    assert client.get("/voter/connexion/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/voter/connexion/", {"email": "Nouvelle@Exemple.fr"})
    assert response.status_code == 302 and response["Location"] == "/voter/connexion/code/"
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page = client.get("/voter/connexion/code/")
    assert "nouvelle@exemple.fr" in text(page)
    assert_accessible(page.content)
    response = client.post("/voter/connexion/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/voter/identite/"

    page = client.get("/voter/identite/")
    assert page.status_code == 200 and '<datalist id="communes">' in text(page)
    assert_accessible(page.content)
    response = client.post("/voter/identite/", IDENTITY_POST)
    assert response.status_code == 302 and response["Location"] == "/voter/bulletin/"

    page = client.get("/voter/bulletin/")
    assert page.status_code == 200 and "0 choix sur 3" in text(page)
    assert_accessible(page.content)

    # Two choices: refused, the choices kept and the counter updated.
    response = client.post("/voter/bulletin/", {"projets": [projects[0].pk, projects[3].pk]})
    assert response.status_code == 400
    body = text(response)
    assert "Choisissez exactement 3 projets (vous en avez choisi 2)." in body
    assert "2 choix sur 3" in body
    assert f'value="{projects[0].pk}" data-amount="12000.00" checked' in body

    # Three: the summary, nothing recorded yet.
    chosen = [projects[0].pk, projects[3].pk, projects[4].pk]
    summary = client.post("/voter/bulletin/", {"projets": chosen})
    assert summary.status_code == 200 and "Je confirme mon vote" in text(summary)
    assert_accessible(summary.content)
    assert not Ballot.objects.exists()

    # "Modifier mes choix" goes back to the ballot with the choices ticked.
    back = client.post("/voter/bulletin/", {"projets": chosen, "action": "modifier"})
    assert back.status_code == 200 and text(back).count(" checked") == 3

    with django_capture_on_commit_callbacks(execute=True):
        receipt = client.post("/voter/bulletin/confirmer/", {"projets": chosen})
    assert receipt.status_code == 200
    ballot = Ballot.objects.get()
    assert sorted(ballot.choices.values_list("project_id", flat=True)) == sorted(chosen)

    shown = re.search(r'id="code-recu">([0-9A-Z-]{19})<', text(receipt)).group(1)
    assert shown in mail.outbox[-1].body
    assert_accessible(receipt.content)
    # Shown once on the page; the email keeps it.
    assert shown not in text(client.get("/voter/recu/"))

    # The voter's page now says it is recorded; the ballot cannot be reopened.
    assert "Votre vote est enregistré" in text(client.get("/voter/"))
    assert client.get("/voter/bulletin/").status_code == 302
    again = client.post("/voter/bulletin/confirmer/", {"projets": chosen})
    assert again.status_code == 409 and shown not in text(again)
    assert Ballot.objects.count() == 1

    # Vérifier mon vote: anyone with the code sees the status and the choices.
    verify = Client().post("/verifier-mon-vote/", {"code": shown.lower()})
    assert verify.status_code == 200
    assert "valide" in text(verify) and projects[3].public_title in text(verify)
    assert_accessible(verify.content)
    wrong = Client().post("/verifier-mon-vote/", {"code": "0000-0000-0000-0000"})
    assert wrong.status_code == 404 and "Aucun bulletin" in text(wrong)


def test_identity_form_errors_keep_what_was_typed(edition, voter, during_vote):
    client = signed_in(voter)
    response = client.post("/voter/identite/", {})
    assert response.status_code == 400
    response = client.post(
        "/voter/identite/", {**IDENTITY_POST, "postal_code": "62100", "commune": "Arras"}
    )
    assert response.status_code == 400
    body = text(response)
    assert "Le code postal 62100 ne correspond pas à Arras" in body
    assert 'value="Dupont"' in body and 'value="14/07/1990"' in body
    response = client.post(
        "/voter/identite/", {**IDENTITY_POST, "commune": "Lille", "postal_code": "59000"}
    )
    assert response.status_code == 400 and "réservé aux habitants du Pas-de-Calais" in text(
        response
    )
    response = client.post("/voter/identite/", {**IDENTITY_POST, "birth_date": "31/02/1990"})
    assert response.status_code == 400 and "JJ/MM/AAAA" in text(response)
    response = client.post("/voter/identite/", {**IDENTITY_POST, "sworn": ""})
    assert response.status_code == 400 and "Cochez la déclaration sur l" in text(response)


def test_too_young_is_told_why(edition, voter, during_vote):
    response = signed_in(voter).post(
        "/voter/identite/", {**IDENTITY_POST, "birth_date": "02/09/2014"}
    )
    assert response.status_code == 403
    assert "au moins 11 ans au 1er septembre 2025" in text(response)


def test_a_former_commune_is_recognised(edition, voter, during_vote):
    response = signed_in(voter).post(
        "/voter/identite/", {**IDENTITY_POST, "commune": "Marconne", "postal_code": "62140"}
    )
    assert response.status_code == 302
    assert voter.voter_declarations.get().commune.name == "Hesdin-la-Forêt"


def test_the_ballot_needs_a_sign_in_and_a_declaration(edition, projects, voter, during_vote):
    response = Client().get("/voter/bulletin/")
    assert response.status_code == 302 and response["Location"].startswith("/voter/connexion/")
    response = signed_in(voter).get("/voter/bulletin/")
    assert response.status_code == 302 and response["Location"] == "/voter/identite/"


def test_whatever_the_browser_sends_is_judged_by_the_server(
    edition, projects, declared, during_vote
):
    client = signed_in(declared)
    for data in [{"projets": ["abc"]}, {"projets": [999999, projects[0].pk, projects[1].pk]}]:
        response = client.post("/voter/bulletin/confirmer/", data)
        assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_ranked_ballots_use_rank_selects(edition, projects, declared, during_vote):
    edition.vote_rule = "points"
    edition.vote_max_choices = 2
    edition.save()
    client = signed_in(declared)
    page = client.get("/voter/bulletin/")
    assert f'name="rang-{projects[0].pk}"' in text(page)
    assert_accessible(page.content)
    response = client.post(
        "/voter/bulletin/", {f"rang-{projects[0].pk}": "1", f"rang-{projects[1].pk}": "1"}
    )
    assert response.status_code == 400 and "Le rang 1 est donné à deux projets." in text(response)
    data = {f"rang-{projects[4].pk}": "1", f"rang-{projects[2].pk}": "2"}
    summary = client.post("/voter/bulletin/", data)
    assert summary.status_code == 200 and "Points" in text(summary)
    client.post("/voter/bulletin/confirmer/", data)
    assert list(Ballot.objects.get().choices.values_list("project_id", "points")) == [
        (projects[4].pk, 2),
        (projects[2].pk, 1),
    ]


def test_one_per_category_uses_radio_groups(edition, projects, declared, during_vote):
    edition.vote_rule = "one_per_category"
    edition.save()
    client = signed_in(declared)
    page = client.get("/voter/bulletin/")
    assert "Aucun projet dans cette catégorie" in text(page)
    assert_accessible(page.content)
    first, second = edition.categories.order_by("priority")
    data = {f"categorie-{first.pk}": str(projects[1].pk), f"categorie-{second.pk}": ""}
    assert client.post("/voter/bulletin/", data).status_code == 200
    client.post("/voter/bulletin/confirmer/", data)
    assert list(Ballot.objects.get().choices.values_list("project_id", flat=True)) == [
        projects[1].pk
    ]


def test_knapsack_shows_the_amount_left(edition, projects, declared, during_vote):
    edition.vote_rule = "knapsack"
    edition.save()
    page = text(signed_in(declared).get("/voter/bulletin/"))
    assert "Il vous reste 50 000 € sur 50 000 €" in page


def test_the_vote_closed_says_so(edition, projects, declared):
    with time_machine.travel(paris(2025, 10, 1, 0, 0), tick=False):
        client = signed_in(declared)
        response = client.get("/voter/bulletin/")
        assert response.status_code == 409 and "Le vote est clos" in text(response)
        assert "Le vote est clos" in text(client.get("/voter/"))


def test_too_many_code_requests_get_a_french_429_page(edition, during_vote, settings):
    settings.BUDGETCITOYEN_RATE_LIMITS = {
        **settings.BUDGETCITOYEN_RATE_LIMITS,
        "vote_code:email": "1/900",
    }
    client = Client()
    client.post("/voter/connexion/", {"email": "a@exemple.fr"})
    response = client.post("/voter/connexion/", {"email": "a@exemple.fr"})
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response) and "Réessayez dans" in text(response)
    assert int(response["Retry-After"]) > 0
    assert_accessible(response.content)


def test_cast_attempts_are_limited_per_account(edition, projects, declared, during_vote, settings):
    settings.BUDGETCITOYEN_RATE_LIMITS = {
        **settings.BUDGETCITOYEN_RATE_LIMITS,
        "vote_cast:user": "2/600",
    }
    client = signed_in(declared)
    for _ in range(2):
        assert client.post("/voter/bulletin/confirmer/", {"projets": []}).status_code == 400
    response = client.post("/voter/bulletin/confirmer/", {"projets": [p.pk for p in projects[:3]]})
    assert response.status_code == 429 and "Trop de tentatives" in text(response)
    assert not Ballot.objects.exists()


def test_a_refused_confirmation_goes_back_to_the_ballot_with_its_choices_ticked(
    edition, projects, declared, during_vote
):
    client = signed_in(declared)
    too_many = [p.pk for p in projects]  # more than the rule allows
    response = client.post("/voter/bulletin/confirmer/", {"projets": too_many})
    assert response.status_code == 400 and "Votre bulletin n'est pas valide" in text(response)
    assert text(response).count(" checked") == len(too_many)
    assert not Ballot.objects.exists()


def test_a_wrong_code_is_a_400_with_the_tries_left(edition, during_vote):
    client = Client()
    client.post("/voter/connexion/", {"email": "a@exemple.fr"})
    sent = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1) if mail.outbox else None
    wrong = "000000" if sent != "000000" else "111111"
    response = client.post("/voter/connexion/code/", {"code": wrong})
    assert response.status_code == 400 and "encore 4 essai" in text(response)


# --- The catalogue ---------------------------------------------------------------------------------


def test_the_catalogue_waits_for_the_vote(edition, projects):
    with time_machine.travel(paris(2025, 8, 31, 23, 59), tick=False):
        response = Client().get("/projets/")
    assert response.status_code == 200
    body = text(response)
    assert "seront publiés ici à l'ouverture du vote" in body
    assert projects[0].public_title not in body
    assert_accessible(response.content)


def test_the_catalogue_lists_filters_and_searches(edition, projects, during_vote):
    client = Client()
    response = client.get("/projets/")
    body = text(response)
    assert response.status_code == 200 and "5 projets" in body
    assert all(p.public_title in body for p in projects)
    assert_accessible(response.content)
    first = edition.categories.order_by("priority").first()
    assert "3 projets" in text(client.get(f"/projets/?categorie={first.pk}"))
    searched = text(client.get("/projets/?q=EPICERIE"))
    assert "1 projet" in searched and "Épicerie solidaire" in searched
    assert "0 projet" in text(client.get("/projets/?territoire=calaisis"))
    assert "5 projets" in text(client.get("/projets/?categorie=abc&territoire=&ordre=n-importe"))


def order_of(response, projects):
    body = text(response)
    return sorted(projects, key=lambda p: body.index(f'id="projet-{p.pk}"'))


def test_random_order_is_stable_for_a_visitor(edition, projects, during_vote):
    client = Client()
    first = order_of(client.get("/projets/"), projects)
    assert order_of(client.get("/projets/"), projects) == first
    by_title = order_of(client.get("/projets/?ordre=titre"), projects)
    assert [p.public_title for p in by_title] == [
        "Café associatif",
        "Épicerie solidaire",  # accents do not push a title to the end
        "Jardin partagé",
        "Recyclerie",
        "Tiers-lieu",
    ]
    cheapest = order_of(client.get("/projets/?ordre=montant-croissant"), projects)
    assert [p.labelled_amount for p in cheapest] == sorted(p.labelled_amount for p in projects)
    # Across many visitors, every project is sometimes first.
    firsts = {order_of(Client().get("/projets/"), projects)[0].pk for _ in range(40)}
    assert len(firsts) >= 4


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_catalogue_makes_as_many_queries_for_twenty_projects_as_for_five(
    edition, projects, during_vote
):
    client = Client()
    client.get("/projets/")  # the session and its seed exist from now on
    five = count_queries(client, "/projets/")
    for index in range(15):
        labelled_project(edition, amount=Decimal(1000 + index), title=f"Projet {index}")
    assert count_queries(client, "/projets/") == five


def test_the_project_page_offers_to_vote_while_it_is_open(edition, projects, during_vote):
    body = text(Client().get(f"/projets/{projects[0].pk}/"))
    assert 'href="/voter/"' in body and "Tous les projets" in body


# --- Staff and agents ---------------------------------------------------------------------------------


STAFF_PAGES = ["/gestion/vote/", "/gestion/vote/verifications/", "/gestion/vote/adresses-ip/"]
AGENT_PAGES = ["/saisie/bulletins/", "/saisie/bulletins/nouveau/"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_pages_per_role(edition, projects, during_vote, persona):
    user = make_persona(persona)
    client = signed_in(user) if user else Client()
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == (200 if persona in ("staff", "superuser") else 404), url
        if response.status_code == 200:
            assert_accessible(response.content)


@pytest.mark.parametrize("persona", PERSONAS)
def test_agent_pages_per_role(edition, projects, during_vote, persona):
    user = make_persona(persona)
    client = signed_in(user) if user else Client()
    for url in AGENT_PAGES:
        response = client.get(url)
        assert response.status_code == (
            200 if persona in ("agent", "staff", "superuser") else 404
        ), url
        if response.status_code == 200:
            assert_accessible(response.content)


@pytest.fixture
def cluster(edition, projects, declared, during_vote):
    services.ballot_cast(edition=edition, user=declared, choices=[p.pk for p in projects[:3]])
    twin = verified_person(email="camille.d@exemple.fr")
    services.declaration_save(edition=edition, user=twin, sworn=True, **identity())
    services.ballot_cast(edition=edition, user=twin, choices=[p.pk for p in projects[2:]])
    return IdentityReview.objects.get()


def test_the_dashboard_counts_and_never_shows_choices(cluster, staff, projects):
    body = text(signed_in(staff).get("/gestion/vote/"))
    assert "bulletins reçus" in body and "1 vote multiple présumé à vérifier" in body
    assert not any(p.public_title in body for p in projects)


def test_staff_decide_a_review_from_its_page(cluster, staff, projects):
    client = signed_in(staff)
    page = client.get(f"/gestion/vote/verifications/{cluster.pk}/")
    body = text(page)
    assert "votante@exemple.fr" in body and "camille.d@exemple.fr" in body
    assert not any(p.public_title in body for p in projects)
    assert_accessible(page.content)
    confirm_password(client)
    response = client.post(
        f"/gestion/vote/verifications/{cluster.pk}/", {"outcome": "dismiss", "reason": ""}
    )
    assert response.status_code == 400 and "Expliquez pourquoi" in text(response)
    response = client.post(
        f"/gestion/vote/verifications/{cluster.pk}/",
        {"outcome": "annul", "reason": "Même personne."},
    )
    assert response.status_code == 302
    assert set(Ballot.objects.values_list("status", flat=True)) == {"annulled"}
    listing = text(client.get("/gestion/vote/verifications/"))
    assert "Décisions prises" in listing
    # Who decided is named, not shown as an email.
    assert f"<td>{staff.display_name}</td>" in listing and staff.email not in listing
    detail = text(client.get(f"/gestion/vote/verifications/{cluster.pk}/"))
    assert f"par {staff.display_name}, le" in detail and staff.email not in detail


def test_a_review_names_the_declared_identity_never_its_key(cluster, staff):
    client = signed_in(staff)
    for url in ["/gestion/vote/verifications/", f"/gestion/vote/verifications/{cluster.pk}/"]:
        body = text(client.get(url))
        assert cluster.identity_key not in body, url
        assert "Camille Dupont (naissance : 14 juillet 1990)" in body, url


def test_a_refused_decision_is_said_once_without_the_form(cluster, staff, edition):
    from budgetcitoyen.results.tests.factories import published_snapshot

    client = signed_in(staff)
    confirm_password(client)
    published_snapshot(edition)
    url = f"/gestion/vote/verifications/{cluster.pk}/"
    message = "Les résultats sont publiés : les vérifications de votes ne peuvent plus changer."
    page = text(client.get(url))
    assert page.count(message) == 1 and "Enregistrer la décision" not in page
    response = client.post(url, {"outcome": "annul", "reason": "Même personne."})
    assert response.status_code == 409
    body = text(response)
    assert body.count(message) == 1 and "Enregistrer la décision" not in body
    assert_accessible(response.content)


def test_the_review_page_marks_look_alike_and_invisible_characters(
    edition, projects, declared, during_vote, staff
):
    services.ballot_cast(edition=edition, user=declared, choices=[p.pk for p in projects[:3]])
    for email, last_name in [("b@exemple.fr", "Dup\u043ent"), ("c@exemple.fr", "Du\u200bpont")]:
        twin = verified_person(email=email)
        services.declaration_save(
            edition=edition, user=twin, sworn=True, **identity(last_name=last_name)
        )
        services.ballot_cast(edition=edition, user=twin, choices=[p.pk for p in projects[:3]])
    review = IdentityReview.objects.get()
    page = signed_in(staff).get(f"/gestion/vote/verifications/{review.pk}/")
    html = page.content.decode()
    assert "U+043E" in html and "U+200B" in html
    assert "\u200b" not in html  # the invisible character itself is never written
    marks = re.findall(r'<mark class="unusual"[^>]*>(.*?)</mark>', html)
    assert len(marks) == 2
    assert "caractère inhabituel U+043E CYRILLIC SMALL LETTER O" in text(page)
    assert "caractère invisible U+200B ZERO WIDTH SPACE" in text(page)
    assert "caractères inhabituels" in text(page)
    assert_accessible(page.content)


def test_the_review_page_marks_nothing_in_plain_names(cluster, staff):
    page = signed_in(staff).get(f"/gestion/vote/verifications/{cluster.pk}/")
    assert "<mark" not in page.content.decode()
    assert "caractères inhabituels" not in text(page)


PAPER_POST = {
    **IDENTITY_POST,
    "collection_point": "Maison du Département Solidarité de l'Arrageois",
    "collected_on": "10/09/2025",
}


def test_an_agent_types_a_paper_ballot_and_a_second_entry_is_caught(
    edition, projects, agent, during_vote
):
    client = signed_in(agent)
    data = {**PAPER_POST, "projets": [p.pk for p in projects[:3]]}
    response = client.post("/saisie/bulletins/nouveau/", data)
    assert response.status_code == 302
    assert Ballot.objects.get().channel == "paper"
    response = client.post("/saisie/bulletins/nouveau/", data)
    assert response.status_code == 409
    body = text(response)
    assert "semble déjà saisi" in body and 'value="Dupont"' in body
    assert "Dupont" in text(client.get("/saisie/bulletins/"))
    response = client.post("/saisie/bulletins/nouveau/", {**data, "another_sheet": "on"})
    assert response.status_code == 302
    assert Ballot.objects.filter(status="under_review").count() == 2


def test_a_paper_ballot_with_a_bad_shape_keeps_the_input(edition, projects, agent, during_vote):
    response = signed_in(agent).post(
        "/saisie/bulletins/nouveau/", {**PAPER_POST, "projets": [projects[0].pk]}
    )
    assert response.status_code == 400
    body = text(response)
    assert "exactement 3 projets" in body and 'value="Dupont"' in body
    assert f'value="{projects[0].pk}" data-amount="12000.00" checked' in body


def test_namesakes_the_postal_code_does_not_separate_are_a_form_error(edition, voter, during_vote):
    from budgetcitoyen.territories.models import Commune, PostalCode

    dainville = Commune.objects.get(name="Dainville")
    twin = Commune.objects.create(
        insee_code="62998",
        name="Dainville",
        population=100,
        epci=dainville.epci,
        territory=dainville.territory,
    )
    PostalCode.objects.create(code="62000", commune=twin)
    response = signed_in(voter).post(
        "/voter/identite/", {**IDENTITY_POST, "commune": "Dainville", "postal_code": "62000"}
    )
    assert response.status_code == 400
    assert "« Dainville » désigne plusieurs communes : précisez le code postal" in text(response)
    assert not voter.voter_declarations.exists()


def test_the_demo_edition_asks_for_one_to_three_favourites(demo):
    """Someone who likes two projects can vote in the demo (the default rule, 1 to 3)."""
    assert (demo.vote_rule, demo.vote_min_choices, demo.vote_max_choices) == ("favourites", 1, 3)


def test_a_mail_server_down_neither_loses_the_ballot_nor_shows_an_error(
    edition, projects, declared, during_vote, settings, django_capture_on_commit_callbacks
):
    """The ballot is committed before its receipt email is sent: a refused SMTP connection
    must give the receipt page, and the email waits in the worker's queue."""
    from django_tasks_db.models import DBTaskResult

    from budgetcitoyen.core.tests.test_mail_deferred import closed_port

    settings.EMAIL_BACKEND = "budgetcitoyen.core.mail.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    client = signed_in(declared)
    chosen = [projects[0].pk, projects[1].pk, projects[3].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/voter/bulletin/confirmer/", {"projets": chosen})
    assert response.status_code == 200
    shown = re.search(r'id="code-recu">([0-9A-Z-]{19})<', text(response))
    assert Ballot.objects.get().choices.count() == 3 and mail.outbox == []
    (waiting,) = DBTaskResult.objects.filter(task_path="budgetcitoyen.core.tasks.deliver_email")
    assert shown and shown.group(1) in waiting.args_kwargs["args"][0]["body"]
