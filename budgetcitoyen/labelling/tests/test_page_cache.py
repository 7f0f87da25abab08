"""The project pages and the page cache: a decision renders them again; photos carry their size."""

from __future__ import annotations

from decimal import Decimal

import time_machine
from bs4 import BeautifulSoup
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.core import pagecache
from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.labelling import services
from budgetcitoyen.labelling.tests.conftest import LABELLING
from budgetcitoyen.testing.factories import attendee, complete_dossier, paris, upload


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def decide(edition, staff, dossier):  # type: ignore[no-untyped-def]
    return services.decide(
        dossier=dossier,
        by=staff,
        outcome="labelled",
        category=edition.categories.get(priority=1),
        labelled_amount=Decimal("5000"),
        public_title="Recyclerie",
    )


def test_a_decision_renders_the_public_pages_again(
    edition, staff, dossier, django_capture_on_commit_callbacks
):
    reader = Client()
    with time_machine.travel(LABELLING, tick=False):
        for url in ("/", "/projets/"):
            reader.get(url)
            assert queries_of(reader, url) == 0  # kept
        before = pagecache.current_version()
        with django_capture_on_commit_callbacks(execute=True):
            decide(edition, staff, dossier)
        assert pagecache.current_version() != before
        for url in ("/", "/projets/"):
            assert queries_of(reader, url) > 0  # rendered again


def test_a_decision_rolled_back_keeps_the_pages(
    edition, staff, dossier, django_capture_on_commit_callbacks
):
    with time_machine.travel(LABELLING, tick=False):
        Client().get("/projets/")
        before = pagecache.current_version()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    decide(edition, staff, dossier)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert pagecache.current_version() == before


def test_photos_have_their_size_and_load_lazily(edition, staff):
    from budgetcitoyen.testing import images

    registration = attendee(edition)
    with time_machine.travel(paris(2025, 2, 10), tick=False):
        draft = complete_dossier(registration)
        dossier_services.photo_set(
            dossier=draft, by=draft.holder, upload=upload("p.jpg", images.camera_jpeg())
        )
        dossier = dossier_services.dossier_submit(dossier=draft, by=draft.holder, sworn=True)
    assert dossier.photo_width and dossier.photo_height
    with time_machine.travel(LABELLING, tick=False):
        decision = decide(edition, staff, dossier)
    with time_machine.travel(edition.vote_start, tick=False):
        pages = [Client().get("/projets/"), Client().get(f"/projets/{decision.pk}/")]
    for page, lazy in zip(pages, [True, False], strict=True):
        photos = BeautifulSoup(page.content, "html.parser").select(
            f'img[src="/projets/{decision.pk}/photo/"]'
        )
        assert photos, page
        for img in photos:
            assert img["width"] == str(dossier.photo_width)
            assert img["height"] == str(dossier.photo_height)
            # The catalogue's cards load as they scroll into view; a project page's photo is
            # the first thing it shows, loaded at once.
            if lazy:
                assert img["loading"] == "lazy"
            else:
                assert "loading" not in img.attrs and img["fetchpriority"] == "high"
