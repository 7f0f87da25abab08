"""The account pages and emails (django-allauth's flows) in the site's layout and voice: the name
asked at sign-up, every page and email ours, links on the site's address, and the destination
kept across the confirmation of the email, even in another browser."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.core.cache import cache
from django.test import Client

from budgetcitoyen.accounts.adapter import local_destination, on_site
from budgetcitoyen.accounts.models import User
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import FACTORY_PASSWORD
from budgetcitoyen.testing.factories import UserFactory, verified_person

pytestmark = pytest.mark.django_db

SITE = "https://budget.exemple.fr"
PASSWORD = "un-mot-de-passe-solide"
OUR_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# What allauth's own templates say (in its French catalogue): none of it may show.
ALLAUTH_WORDING = [
    "Merci de confirmer",
    "est l'adresse e-mail de",
    "Bonjour, c'est",
    "Bonjour de la part de",
    "Merci d'utiliser",
    "Hello from",
    "Thank you for using",
    "127.0.0.1",
    "testserver",
    "Si vous n'avez pas encore créé de compte",
    "Vous avez déjà un compte ? Alors veuillez",
]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def sign_up(client: Client, *, next_url: str | None = None, **fields: str):
    data = {
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@exemple.fr",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    if next_url:
        data["next"] = next_url
    return client.post("/compte/signup/", data)


def link_in(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def assert_ours(response) -> None:
    """Rendered with our templates only (for allauth's pages), in French, in the layout."""
    names = [t.origin.name for t in response.templates if t.origin and t.origin.name]
    allauth_own = [n for n in names if "/site-packages/allauth/" in n]
    assert allauth_own == [], allauth_own
    assert any(Path(n).is_relative_to(OUR_TEMPLATES / "account") for n in names), names
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'class="site-header"' in html and 'id="pied-de-page"' in html
    for words in ALLAUTH_WORDING:
        assert words not in html, words
    assert_accessible(html)


def assert_our_email(message, *, links_to: str) -> None:
    assert message.subject.startswith("[Budget citoyen] ")
    html = message.alternatives[0][0]
    for words in ALLAUTH_WORDING:
        assert words not in message.subject + message.body + html, words
    assert "L'équipe du Budget citoyen" in message.body
    assert "L&#x27;équipe du Budget citoyen" in html or "L'équipe du Budget citoyen" in html
    assert link_in(message).startswith(f"{SITE}{links_to}")
    assert f'href="{SITE}{links_to}' in html


# --- The name at sign-up ------------------------------------------------------------------


def test_sign_up_asks_the_first_and_last_name_and_keeps_them():
    page = Client().get("/compte/signup/")
    html = page.content.decode()
    assert (
        html.index('name="first_name"')
        < html.index('name="last_name"')
        < html.index('name="email"')
    )
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html
    response = sign_up(Client(), first_name="  Léa  Anne ", last_name=" Martin ")
    assert response.status_code == 302
    user = User.objects.get(email="lea@exemple.fr")
    assert (user.first_name, user.last_name) == ("Léa Anne", "Martin")
    assert user.display_name == "Léa Anne Martin"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
        ({"last_name": "   "}, "last_name", "Ce champ est obligatoire."),
        ({"first_name": "Lé\x00a"}, "first_name", "caractère de contrôle"),
        ({"last_name": "Mar\x1btin"}, "last_name", "caractère de contrôle"),
        ({"first_name": "x" * 151}, "first_name", "150 caractères"),
        ({"last_name": "1234"}, "last_name", "Écrivez-le en lettres."),
    ],
)
def test_sign_up_refuses_a_missing_or_unreadable_name(fields, field, message):
    response = sign_up(Client(), **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(email="lea@exemple.fr").exists()
    assert_accessible(response.content)


def test_an_account_without_a_name_is_named_by_its_email_and_asked_for_it():
    legacy = verified_person(email="ancien@exemple.fr", first_name="", last_name="")
    assert legacy.display_name == "ancien@exemple.fr"
    client = Client()
    client.force_login(legacy)
    page = client.get("/compte/profil/")
    assert page.status_code == 200
    assert "Indiquez votre prénom et votre nom" in page.content.decode()
    assert_accessible(page.content)
    named = verified_person(email="nomme@exemple.fr")
    client.force_login(named)
    assert (
        "Indiquez votre prénom et votre nom" not in client.get("/compte/profil/").content.decode()
    )


def test_signing_in_without_a_name_points_to_the_profile():
    verified_person(email="ancien@exemple.fr", first_name="", last_name="")
    client = Client()
    response = client.post(
        "/compte/login/", {"login": "ancien@exemple.fr", "password": FACTORY_PASSWORD}, follow=True
    )
    text = response.content.decode()
    assert "Connexion réussie : bonjour ancien@exemple.fr !" in text
    assert "Indiquez votre prénom et votre nom" in text


# --- Every page ours ---------------------------------------------------------------------


def _confirmation_key(user: User) -> str:
    address = EmailAddress.objects.get(user=user)
    return EmailConfirmationHMAC(address).key


def _reset_key(user: User) -> str:
    from allauth.account.utils import user_pk_to_url_str

    return f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"


ANONYMOUS_PAGES = [
    "/compte/login/",
    "/compte/signup/",
    "/compte/confirm-email/",
    "/compte/confirm-email/cle-inconnue/",
    "/compte/password/reset/",
    "/compte/password/reset/done/",
    "/compte/password/reset/key/1-cle-inconnue/",
    "/compte/password/reset/key/done/",
    "/compte/inactive/",
]
SIGNED_IN_PAGES = [
    "/compte/logout/",
    "/compte/password/change/",
    "/compte/email/",
    "/compte/reauthenticate/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_account_page_for_a_visitor_is_ours(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert_ours(response)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_every_account_page_for_a_signed_in_person_is_ours(path):
    client = Client()
    client.force_login(verified_person(email="lea@exemple.fr", first_name="Léa"))
    response = client.get(path)
    assert response.status_code == 200
    assert_ours(response)


def test_the_pages_with_a_key_are_ours():
    pending = UserFactory(email="nouveau@exemple.fr", first_name="Léa", last_name="Martin")
    EmailAddress.objects.create(user=pending, email=pending.email, primary=True, verified=False)
    response = Client().get(f"/compte/confirm-email/{_confirmation_key(pending)}/")
    assert response.status_code == 200
    assert_ours(response)
    text = response.content.decode()
    assert "Le compte de Léa Martin utilisera l'adresse <strong>nouveau@exemple.fr</strong>" in text

    person = verified_person(email="lea@exemple.fr")
    client = Client()
    response = client.get(f"/compte/password/reset/key/{_reset_key(person)}/", follow=True)
    assert response.status_code == 200
    assert_ours(response)
    assert "Choisir un nouveau mot de passe" in response.content.decode()


def test_a_password_is_set_on_an_account_opened_by_a_code():
    voter = verified_person(email="votant@exemple.fr", first_name="", last_name="")
    voter.set_unusable_password()
    voter.save()
    client = Client()
    client.force_login(voter)
    response = client.get("/compte/password/set/")
    assert response.status_code == 200
    assert_ours(response)


def test_the_account_pages_read_in_english():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/compte/signup/").content.decode()
    assert '<html lang="en">' in html
    assert "Create an account" in html and "First name" in html
    html = client.get("/compte/login/").content.decode()
    assert "Log in" in html and "No account yet?" in html
    sign_up(client)
    message = mail.outbox[-1]
    assert message.subject == "[Budget citoyen] Confirm your address to activate your account"
    assert message.body.startswith("Hello Léa,")
    assert "You have just created your account on the Budget citoyen" in message.body
    assert "The Budget citoyen team" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="en">' in html and "You are receiving this message because" in html


# --- Every email ours, with the site's address ------------------------------------------


def test_the_sign_up_email_is_ours_and_links_to_the_site(django_capture_on_commit_callbacks):
    sign_up(Client())
    message = mail.outbox[-1]
    assert message.to == ["lea@exemple.fr"]
    assert message.subject == "[Budget citoyen] Confirmez votre adresse pour activer votre compte"
    assert message.body.startswith("Bonjour Léa,")
    assert_our_email(message, links_to="/compte/confirm-email/")


def test_the_confirmation_page_after_sign_up_names_nobody_twice():
    response = sign_up(Client(), next_url="/comptoirs/3/inscription/")
    assert response.status_code == 302
    page = Client().get(urlsplit(link_in(mail.outbox[-1]))._replace(scheme="", netloc="").geturl())
    text = page.content.decode()
    assert text.count("lea@exemple.fr") == 1
    assert "Le compte de Léa Martin utilisera l'adresse" in text


def test_the_password_reset_email_is_ours():
    verified_person(email="lea@exemple.fr", first_name="Léa")
    Client().post("/compte/password/reset/", {"email": "lea@exemple.fr"})
    message = mail.outbox[-1]
    assert message.subject == "[Budget citoyen] Choisir un nouveau mot de passe"
    assert message.body.startswith("Bonjour Léa,")
    assert_our_email(message, links_to="/compte/password/reset/key/")


def test_a_reset_for_an_unknown_address_is_ours():
    Client().post("/compte/password/reset/", {"email": "personne@exemple.fr"})
    message = mail.outbox[-1]
    assert message.subject == "[Budget citoyen] Aucun compte à cette adresse"
    assert message.body.startswith("Bonjour,")
    assert_our_email(message, links_to="/compte/signup/")


def test_signing_up_again_with_an_address_in_use_is_ours():
    verified_person(email="lea@exemple.fr", first_name="Léa")
    response = sign_up(Client())
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "[Budget citoyen] Vous avez déjà un compte"
    assert_our_email(message, links_to="/compte/password/reset/")


def test_confirming_another_address_is_ours():
    person = verified_person(email="lea@exemple.fr", first_name="Léa")
    client = Client()
    client.force_login(person)
    client.post("/compte/email/", {"action_add": "", "email": "lea.martin@exemple.fr"})
    message = mail.outbox[-1]
    assert message.to == ["lea.martin@exemple.fr"]
    assert message.subject == "[Budget citoyen] Confirmez votre adresse électronique"
    assert_our_email(message, links_to="/compte/confirm-email/")


def test_on_site_puts_any_link_on_the_public_address():
    assert on_site("http://127.0.0.1:8731/compte/x/?a=1") == f"{SITE}/compte/x/?a=1"
    assert on_site("/compte/x/") == f"{SITE}/compte/x/"


# --- The destination kept across confirmation -------------------------------------------


def test_confirming_in_another_browser_leads_to_the_page_asked_for():
    destination = "/comptoirs/3/inscription/"
    first = Client()
    response = sign_up(first, next_url=destination)
    assert response.status_code == 302
    link = link_in(mail.outbox[-1])
    assert parse_qs(urlsplit(link).query)["next"] == [destination]

    other = Client()  # another browser: no session
    path = urlsplit(link)._replace(scheme="", netloc="").geturl()
    page = other.get(path)
    assert page.status_code == 200
    assert f'name="next" value="{destination}"' in page.content.decode()
    confirmed = other.post(urlsplit(link).path, {"next": destination})
    assert confirmed.status_code == 302
    login_url = confirmed["Location"]
    assert urlsplit(login_url).path == "/compte/login/"
    assert parse_qs(urlsplit(login_url).query)["next"] == [destination]
    assert EmailAddress.objects.get(email="lea@exemple.fr").verified

    login_page = other.get(login_url)
    assert f'name="next" value="{destination}"' in login_page.content.decode()
    signed_in = other.post(
        "/compte/login/", {"login": "lea@exemple.fr", "password": PASSWORD, "next": destination}
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == destination


def test_confirming_in_the_same_browser_signs_in_and_leads_there():
    destination = "/comptoirs/3/inscription/"
    client = Client()
    sign_up(client, next_url=destination)
    link = link_in(mail.outbox[-1])
    response = client.post(urlsplit(link).path, {"next": destination})
    assert response.status_code == 302
    assert response["Location"] == destination
    assert client.get("/compte/profil/").status_code == 200  # signed in


def test_signing_in_unconfirmed_sends_a_link_with_the_destination():
    destination = "/dossiers/"
    sign_up(Client())
    mail.outbox.clear()
    cache.clear()  # allauth sends one confirmation per address every 3 minutes
    response = Client().post(
        "/compte/login/", {"login": "lea@exemple.fr", "password": PASSWORD, "next": destination}
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(link_in(mail.outbox[-1])).query)["next"] == [destination]


@pytest.mark.parametrize(
    "destination",
    ["https://ailleurs.example/", "//ailleurs.example/", "/\\ailleurs.example", "javascript:x"],
)
def test_a_destination_off_the_site_is_never_kept(destination):
    sign_up(Client(), next_url=destination)
    link = link_in(mail.outbox[-1])
    assert "next=" not in link
    assert local_destination(destination) is None
    # A link tampered with afterwards is not followed either.
    other = Client()
    response = other.post(urlsplit(link).path, {"next": destination})
    assert response.status_code == 302
    assert "ailleurs" not in response["Location"] and "javascript" not in response["Location"]
