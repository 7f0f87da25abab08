"""News of a laureate's project: the holder writes, staff moderate; the photo re-encoded and
served by its rights; publishing renders the public pages again; emails, audit, hostile input."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from budgetcitoyen.core import pagecache
from budgetcitoyen.core.errors import (
    Conflict,
    Frozen,
    InvalidInput,
    NotFound,
    PermissionRefused,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.followup.models import NewsItem
from budgetcitoyen.followup.services import progress as services
from budgetcitoyen.testing import images as samples
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import PNG_IMAGE, EditionFactory, laureate, paris, upload
from budgetcitoyen.testing.hostile import SCRIPT

pytestmark = pytest.mark.django_db

AFTER = paris(2026, 3, 2, 10)
SECRETS = (samples.AUTHOR, samples.SERIAL, samples.SOFTWARE, samples.XMP_AUTHOR, samples.COMMENT)


@pytest.fixture(autouse=True)
def after_results():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def edition(db):
    return EditionFactory(year=2025)


@pytest.fixture
def award(edition):
    return laureate(edition)


@pytest.fixture
def holder(award):
    return award.decision.dossier.holder


@pytest.fixture
def staff(db):
    return make_persona("staff")


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def draft(award, holder, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "title": "Premier atelier",
        "body": "Vingt personnes ont réparé leurs vélos.",
        "happened_on": date(2026, 2, 14),
        **kwargs,
    }
    return services.news_save(award=award, by=holder, **values)


def submitted(award, holder, **kwargs):  # type: ignore[no-untyped-def]
    return draft(award, holder, submit=True, **kwargs)


def published(award, holder, staff, **kwargs):  # type: ignore[no-untyped-def]
    return services.news_publish(news=submitted(award, holder, **kwargs), by=staff)


def read(field_file) -> bytes:  # type: ignore[no-untyped-def]
    with field_file.open("rb") as handle:
        return handle.read()


class TestWriting:
    def test_the_holder_writes_a_draft_audited(self, award, holder):
        news = draft(award, holder)
        assert (news.status, news.author, news.award) == ("draft", holder, award)
        assert AuditEntry.objects.get(action="followup.news_created").actor == holder

    @pytest.mark.parametrize("who", ["resident", "staff", "other_holder"])
    def test_nobody_else_writes_it(self, edition, award, who):
        person = (
            laureate(edition).decision.dossier.holder
            if who == "other_holder"
            else make_persona(who)
        )
        with pytest.raises(PermissionRefused):
            draft(award, person)
        assert not NewsItem.objects.exists()

    def test_a_title_a_text_and_a_past_date_are_required(self, award, holder):
        with pytest.raises(InvalidInput) as excinfo:
            draft(award, holder, title=" ", body="", happened_on=date(2026, 3, 3))
        assert set(excinfo.value.errors) == {"title", "body", "happened_on"}
        assert "futur" in excinfo.value.errors["happened_on"]

    def test_a_photo_needs_its_description(self, award, holder):
        with pytest.raises(InvalidInput) as excinfo:
            draft(award, holder, photo=upload("velo.jpg", samples.camera_jpeg()))
        assert "photo_alt" in excinfo.value.errors
        assert not NewsItem.objects.exists()

    def test_the_photo_is_stored_re_encoded_without_its_metadata(self, award, holder):
        sent = samples.camera_jpeg()
        news = draft(award, holder, photo=upload("velo.jpg", sent), photo_alt="Des vélos réparés")
        content = read(news.photo)
        assert content != sent
        for secret in SECRETS:
            assert secret.encode() not in content
        image = Image.open(io.BytesIO(content))
        assert not image.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        # Turned upright from its EXIF orientation, as the dossier's photo.
        assert (news.photo_width, news.photo_height) == image.size == (32, 64)
        assert news.photo_content_type == "image/jpeg" and news.photo_size == len(content)

    def test_a_file_that_is_not_an_image_is_refused(self, award, holder):
        with pytest.raises(InvalidInput) as excinfo:
            draft(award, holder, photo=upload("velo.jpg"), photo_alt="Vélos")  # a PDF
        assert "photo" in excinfo.value.errors

    def test_the_holder_edits_a_draft_and_removes_its_photo(self, award, holder):
        news = draft(award, holder, photo=upload("v.png", PNG_IMAGE), photo_alt="Vélos")
        name = news.photo.name
        changed = draft(award, holder, news=news, title="Atelier réussi", remove_photo=True)
        assert changed.title == "Atelier réussi" and not changed.photo and not changed.photo_alt
        assert name
        assert AuditEntry.objects.filter(action="followup.news_changed").count() == 1

    def test_a_submitted_or_published_item_is_not_the_holders_to_change(self, award, holder, staff):
        news = submitted(award, holder)
        with pytest.raises(Frozen, match="modération"):
            draft(award, holder, news=news, title="Autre")
        services.news_publish(news=news, by=staff)
        with pytest.raises(Frozen, match="seule l'équipe"):
            draft(award, holder, news=news, title="Autre")
        with pytest.raises(Frozen):
            services.news_delete(news=news, by=holder)
        news.refresh_from_db()
        assert (news.title, news.status) == ("Premier atelier", "published")

    def test_an_item_of_another_project_is_not_found(self, edition, award, holder):
        other = laureate(edition)
        news = draft(other, other.decision.dossier.holder)
        with pytest.raises(NotFound):
            draft(award, holder, news=news)

    def test_the_holder_deletes_a_draft(self, award, holder):
        news = draft(award, holder)
        services.news_delete(news=news, by=holder)
        assert not NewsItem.objects.exists()
        assert AuditEntry.objects.filter(action="followup.news_deleted").exists()


class TestModeration:
    def test_submitting_tells_the_mission(
        self, award, holder, settings, django_capture_on_commit_callbacks
    ):
        settings.BUDGETCITOYEN_CONTACT_EMAIL = "mission-ess@exemple.fr"
        news = draft(award, holder)
        with django_capture_on_commit_callbacks(execute=True):
            services.news_submit(news=news, by=holder)
        news.refresh_from_db()
        assert news.status == "submitted" and news.submitted_at == AFTER
        (message,) = mail.outbox
        assert message.to == ["mission-ess@exemple.fr"]
        assert "Premier atelier" in message.subject
        assert f"/gestion/suivi/actualites/{news.pk}/" in message.body
        assert AuditEntry.objects.filter(action="followup.news_submitted").exists()

    def test_only_its_holder_submits_it(self, award, holder, staff):
        news = draft(award, holder)
        with pytest.raises(PermissionRefused):
            services.news_submit(news=news, by=staff)

    def test_publishing_tells_the_holder_and_renders_the_project_page_again(
        self, award, holder, staff, django_capture_on_commit_callbacks
    ):
        news = submitted(award, holder)
        reader = Client()
        url = f"/projets/{award.decision.pk}/"
        assert reader.get(url).status_code == 200
        with CaptureQueriesContext(connection) as kept:
            reader.get(url)
        assert len(kept.captured_queries) == 0  # served from the page cache
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.news_publish(news=news, by=staff)
        news.refresh_from_db()
        assert (news.status, news.published_at, news.moderated_by) == ("published", AFTER, staff)
        with CaptureQueriesContext(connection) as again:
            assert reader.get(url).status_code == 200
        assert len(again.captured_queries) > 0  # rendered again
        (message,) = mail.outbox
        assert message.to == [holder.email] and "publiée" in message.subject
        assert AuditEntry.objects.get(action="followup.news_published").actor == staff

    def test_only_staff_publish_and_only_a_submitted_item(self, award, holder, staff):
        news = draft(award, holder)
        with pytest.raises(Conflict):
            services.news_publish(news=news, by=staff)
        services.news_submit(news=news, by=holder)
        with pytest.raises(PermissionRefused):
            services.news_publish(news=news, by=holder)

    def test_a_refusal_needs_its_reason_and_goes_back_to_the_holder(
        self, award, holder, staff, django_capture_on_commit_callbacks
    ):
        news = submitted(award, holder)
        with pytest.raises(InvalidInput) as excinfo:
            services.news_refuse(news=news, reason="  ", by=staff)
        assert "reason" in excinfo.value.errors
        with django_capture_on_commit_callbacks(execute=True):
            services.news_refuse(news=news, reason="Photo floue.", by=staff)
        news.refresh_from_db()
        assert (news.status, news.refusal_reason) == ("refused", "Photo floue.")
        assert "Photo floue." in mail.outbox[-1].body
        assert mail.outbox[-1].to == [holder.email]
        # The holder corrects it and sends it again.
        draft(award, holder, news=news, body="Texte corrigé.")
        services.news_submit(news=news, by=holder)
        news.refresh_from_db()
        assert news.status == "submitted"

    def test_staff_unpublish_with_a_reason_and_the_pages_change(
        self, award, holder, staff, django_capture_on_commit_callbacks
    ):
        news = published(award, holder, staff)
        with pytest.raises(InvalidInput):
            services.news_unpublish(news=news, reason="", by=staff)
        with pytest.raises(PermissionRefused):
            services.news_unpublish(news=news, reason="Je retire", by=holder)
        before = pagecache.current_version()
        with django_capture_on_commit_callbacks(execute=True):
            services.news_unpublish(news=news, reason="Nom d'un enfant cité.", by=staff)
        assert pagecache.current_version() != before
        news.refresh_from_db()
        assert (news.status, news.published_at) == ("refused", None)
        entry = AuditEntry.objects.get(action="followup.news_unpublished")
        assert entry.data["reason"] == "Nom d'un enfant cité."
        assert "retirée" in mail.outbox[-1].subject
        with pytest.raises(Conflict):
            services.news_unpublish(news=news, reason="Encore", by=staff)

    def test_a_rolled_back_publication_keeps_the_pages(
        self, award, holder, staff, django_capture_on_commit_callbacks
    ):
        from django.db import transaction

        news = submitted(award, holder)
        before = pagecache.current_version()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    services.news_publish(news=news, by=staff)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert pagecache.current_version() == before


class TestPhoto:
    @pytest.fixture
    def with_photo(self, award, holder):
        return draft(award, holder, photo=upload("v.jpg", samples.camera_jpeg()), photo_alt="V")

    def url(self, news) -> str:  # type: ignore[no-untyped-def]
        return f"/laureats/actualites/{news.pk}/photo/"

    @pytest.mark.parametrize("who", ["anonymous", "resident", "other_holder"])
    def test_a_drafts_photo_is_hidden_from_others(self, edition, with_photo, who):
        person = {
            "anonymous": lambda: None,
            "resident": lambda: make_persona("resident"),
            "other_holder": lambda: laureate(edition).decision.dossier.holder,
        }[who]()
        assert client_of(person).get(self.url(with_photo)).status_code == 404

    def test_its_holder_and_staff_see_a_drafts_photo(self, with_photo, holder, staff):
        for person in (holder, staff):
            response = client_of(person).get(self.url(with_photo))
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == read(with_photo.photo)

    def test_a_published_photo_is_public(self, with_photo, holder, staff):
        services.news_submit(news=with_photo, by=holder)
        services.news_publish(news=with_photo, by=staff)
        assert Client().get(self.url(with_photo)).status_code == 200

    def test_no_photo_no_page(self, award, holder):
        news = draft(award, holder)
        assert client_of(holder).get(self.url(news)).status_code == 404
        assert Client().get("/laureats/actualites/999999/photo/").status_code == 404


class TestHolderPages:
    def url(self, award) -> str:  # type: ignore[no-untyped-def]
        return f"/mes-dossiers/{award.decision.dossier.pk}/suivi/actualites/"

    def test_the_holder_writes_and_sends_a_news_item(self, award, holder):
        client = client_of(holder)
        response = client.get(self.url(award))
        assert response.status_code == 200
        assert_accessible(response.content)
        response = client.post(
            self.url(award),
            {
                "title": "Inauguration",
                "body": "Le maire est venu.",
                "happened_on": "2026-02-20",
                "photo": upload("p.jpg", samples.camera_jpeg()),
                "photo_alt": "Le ruban coupé",
                "action": "submit",
            },
        )
        assert response.status_code == 302
        news = NewsItem.objects.get()
        assert (news.status, news.photo_alt) == ("submitted", "Le ruban coupé")
        page = client.get(self.url(award)).content.decode()
        assert "Inauguration" in page and "En attente de modération" in page

    def test_a_refused_form_keeps_what_was_typed(self, award, holder):
        response = client_of(holder).post(
            self.url(award),
            {"title": "Gardé", "body": "Texte gardé", "happened_on": "2099-01-01"},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Gardé" in page and "Texte gardé" in page and "futur" in page
        assert not NewsItem.objects.exists()

    @pytest.mark.parametrize(
        "value",
        ["", "\x00", "a\x00b", SCRIPT, '=HYPERLINK("http://evil.example")', "é" * 20_000],
    )
    def test_hostile_input_is_a_french_400_never_a_500(self, award, holder, value):
        response = client_of(holder).post(
            self.url(award),
            {"title": value, "body": value or "Texte", "happened_on": "2026-02-01"},
        )
        if value in (SCRIPT, '=HYPERLINK("http://evil.example")'):  # text like any other
            assert response.status_code == 302
            assert NewsItem.objects.get().title == value
            page = client_of(holder).get(self.url(award)).content
            assert SCRIPT.encode() not in page
            return
        assert response.status_code == 400
        assert SCRIPT.encode() not in response.content
        assert not NewsItem.objects.exists()

    def test_the_holder_edits_submits_and_deletes_from_the_pages(self, award, holder, staff):
        news = draft(award, holder)
        client = client_of(holder)
        edit = f"{self.url(award)}{news.pk}/"
        assert client.get(edit).status_code == 200
        response = client.post(
            edit, {"title": "Nouveau titre", "body": "Texte", "happened_on": "2026-02-01"}
        )
        assert response.status_code == 302
        assert client.get(f"{edit}envoyer/").status_code == 405
        assert client.post(f"{edit}envoyer/").status_code == 302
        news.refresh_from_db()
        assert news.status == "submitted"
        # Waiting for moderation: neither changed nor deleted.
        response = client.post(edit, {"title": "X", "body": "Y", "happened_on": "2026-02-01"})
        assert response.status_code == 409
        assert client.post(f"{edit}supprimer/").status_code == 409
        services.news_refuse(news=news, reason="Trop court", by=staff)
        page = client.get(edit).content.decode()
        assert "Trop court" in page
        assert client.post(f"{edit}supprimer/").status_code == 302
        assert not NewsItem.objects.exists()

    @pytest.mark.parametrize("who", ["anonymous", "resident", "staff", "other_holder"])
    def test_others_get_a_404(self, edition, award, holder, who):
        news = draft(award, holder)
        person = {
            "anonymous": lambda: None,
            "resident": lambda: make_persona("resident"),
            "staff": lambda: make_persona("staff"),
            "other_holder": lambda: laureate(edition).decision.dossier.holder,
        }[who]()
        client = client_of(person)
        for url in (self.url(award), f"{self.url(award)}{news.pk}/"):
            assert client.get(url).status_code == 404
            assert client.post(url, {"title": "x"}).status_code == 404
        assert client.post(f"{self.url(award)}{news.pk}/supprimer/").status_code == 404
        assert NewsItem.objects.get().title == "Premier atelier"

    def test_a_dossier_that_is_not_a_laureate_has_no_news(self, edition, holder):
        from budgetcitoyen.testing.factories import labelled_project

        decision = labelled_project(edition)
        client = client_of(decision.dossier.holder)
        assert (
            client.get(f"/mes-dossiers/{decision.dossier.pk}/suivi/actualites/").status_code == 404
        )


class TestStaffPages:
    def test_the_queue_lists_submitted_items_oldest_first(self, edition, award, holder, staff):
        other = laureate(edition)
        with time_machine.travel(paris(2026, 2, 1, 9), tick=False):
            late = submitted(
                other,
                other.decision.dossier.holder,
                title="Plus ancienne",
                happened_on=date(2026, 1, 20),
            )
        first = submitted(award, holder, title="Plus récente")
        draft(award, holder, title="Brouillon caché")
        response = client_of(staff).get("/gestion/suivi/actualites/")
        assert response.status_code == 200
        assert_accessible(response.content)
        page = response.content.decode()
        assert page.index(late.title) < page.index(first.title)
        assert "Brouillon caché" not in page

    def test_staff_publish_and_refuse_from_the_pages(self, award, holder, staff):
        client = client_of(staff)
        news = submitted(award, holder)
        detail = f"/gestion/suivi/actualites/{news.pk}/"
        response = client.get(detail)
        assert response.status_code == 200
        assert_accessible(response.content)
        response = client.post(f"{detail}refuser/", {"refuse-reason": ""})
        assert response.status_code == 400
        assert client.post(f"{detail}publier/").status_code == 302
        news.refresh_from_db()
        assert news.status == "published"
        assert client.post(f"{detail}publier/").status_code == 409
        response = client.post(f"{detail}retirer/", {"unpublish-reason": "Une erreur"})
        assert response.status_code == 302
        news.refresh_from_db()
        assert (news.status, news.refusal_reason) == ("refused", "Une erreur")

    def test_a_refusal_reason_typed_is_kept_when_refused(self, award, holder, staff):
        news = submitted(award, holder)
        client = client_of(staff)
        response = client.post(
            f"/gestion/suivi/actualites/{news.pk}/refuser/", {"refuse-reason": "Motif\x00 gardé"}
        )
        assert response.status_code == 400
        assert "Motif gardé" in response.content.decode()
        news.refresh_from_db()
        assert news.status == "submitted"

    def test_moderating_an_item_not_waiting_is_a_409(self, award, holder, staff):
        news = draft(award, holder)
        client = client_of(staff)
        response = client.post(
            f"/gestion/suivi/actualites/{news.pk}/refuser/", {"refuse-reason": "Motif"}
        )
        assert response.status_code == 409
        assert client.post(f"/gestion/suivi/actualites/{news.pk}/publier/").status_code == 409

    @pytest.mark.parametrize("who", ["anonymous", "resident", "holder"])
    def test_others_get_a_404(self, award, holder, who):
        news = submitted(award, holder)
        person = {"anonymous": None, "resident": make_persona("resident"), "holder": holder}[who]
        client = client_of(person)
        assert client.get("/gestion/suivi/actualites/").status_code == 404
        assert client.get(f"/gestion/suivi/actualites/{news.pk}/").status_code == 404
        assert client.post(f"/gestion/suivi/actualites/{news.pk}/publier/").status_code == 404
        news.refresh_from_db()
        assert news.status == "submitted"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_publishing_and_refusing_at_once_do_only_one():
    from budgetcitoyen.territories.services import load_reference
    from budgetcitoyen.testing.concurrency import run_together

    load_reference()  # idempotent; an earlier transactional test's flush may have emptied it
    with time_machine.travel(AFTER, tick=True):
        award = laureate(EditionFactory(year=2025))
        holder = award.decision.dossier.holder
        staff, other_staff = make_persona("staff"), make_persona("superuser")
        items = [submitted(award, holder, title=f"Actualité {n}") for n in range(5)]
        for news in items:
            errors = run_together(
                [
                    lambda n=news: services.news_publish(news=n, by=staff),
                    lambda n=news: services.news_refuse(news=n, reason="Non", by=other_staff),
                ],
                keep_refusals=True,
            )
            assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    for news in NewsItem.objects.all():
        assert news.status in ("published", "refused")
        moderations = AuditEntry.objects.filter(
            object_id=str(news.pk), action__in=["followup.news_published", "followup.news_refused"]
        )
        assert moderations.count() == 1
