"""What the page cache keeps and for whom (``core.pagecache``), on a view of its own."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from budgetcitoyen.core import pagecache

pytestmark = pytest.mark.django_db


class Counted:
    """A view that counts its renderings and does what a test asks."""

    def __init__(self, make=None):  # type: ignore[no-untyped-def]
        self.renderings = 0
        self.make = make or (lambda request: HttpResponse("page"))
        self.view = pagecache.public_page()(self._view)

    def _view(self, request: HttpRequest) -> HttpResponse:
        self.renderings += 1
        return self.make(request)

    def read(self, path: str = "/page/", **kwargs):  # type: ignore[no-untyped-def]
        return self.view(RequestFactory().get(path, **kwargs))


def test_it_renders_a_page_once_for_every_anonymous_reader():
    page = Counted()
    assert [page.read().content for _ in range(3)] == [b"page"] * 3
    assert page.renderings == 1


def test_it_never_keeps_a_page_with_a_csrf_token_a_cookie_or_an_error():
    def with_token(request):  # type: ignore[no-untyped-def]
        return HttpResponse(get_token(request))

    def with_cookie(request):  # type: ignore[no-untyped-def]
        response = HttpResponse("page")
        response.set_cookie("other", "1")
        return response

    for make in (with_token, with_cookie, lambda request: HttpResponse(status=404)):
        page = Counted(make)
        page.read()
        page.read()
        assert page.renderings == 2, make


def test_readers_with_a_session_or_a_message_and_long_queries_are_rendered_for():
    page = Counted()
    page.read(HTTP_COOKIE="sessionid=abc")
    page.read(HTTP_COOKIE="messages=abc")
    page.read("/page/?q=" + "x" * 600)
    assert page.renderings == 3


def test_the_query_string_and_a_new_version_make_another_page(django_capture_on_commit_callbacks):
    page = Counted()
    page.read("/page/?a=1")
    page.read("/page/?a=2")
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.invalidate()
    page.read("/page/?a=1")
    assert page.renderings == 3


def test_it_is_off_when_settings_say_so(settings):
    settings.PAGE_CACHE = False
    page = Counted()
    page.read()
    page.read()
    assert page.renderings == 2


def test_a_kept_value_is_computed_once_per_version_language_and_day(
    settings, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    import time_machine
    from django.utils import translation

    computed: list[str] = []

    def compute() -> str:
        computed.append(translation.get_language())
        return f"valeur {len(computed)}"

    with time_machine.travel("2025-03-03 10:00 +01:00", tick=False) as traveller:
        assert pagecache.kept("taille", compute) == "valeur 1"
        assert pagecache.kept("taille", compute) == "valeur 1"
        assert pagecache.kept("autre", compute) == "valeur 2"
        with translation.override("en"):
            assert pagecache.kept("taille", compute) == "valeur 3"
        with django_capture_on_commit_callbacks(execute=True):
            pagecache.invalidate()  # the public data changed
        assert pagecache.kept("taille", compute) == "valeur 4"
        traveller.move_to("2025-03-04 00:00:01 +01:00")  # past midnight in Paris
        assert pagecache.kept("taille", compute) == "valeur 5"
        settings.PAGE_CACHE = False
        assert pagecache.kept("taille", compute) == "valeur 6"
        assert pagecache.kept("taille", compute) == "valeur 7"
    assert computed == ["fr", "fr", "en", "fr", "fr", "fr", "fr"]
