"""The Atom feed of the laureates' published news (``/laureats/actualites.atom``), optionally
of one edition (``?edition=YEAR``; any other value is ignored).

Each entry links to the project's public page, at the news item's anchor. Only published news
of public laureates appear (``followup.selectors.public.published_news``); no author is named
(the holder is a person; the project page names its structure). Links are absolute on
``SITE_URL``, never on the request's host, since the page cache keeps one rendering for
everyone. The summary is the text escaped then set in paragraphs: an Atom ``html`` summary is
read as HTML by feed readers, so a text holding markup must not become markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from budgetcitoyen.core.inputs import parse_id
from budgetcitoyen.followup.models import NewsItem
from budgetcitoyen.followup.selectors import public as selectors


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def news_anchor(pk: int) -> str:
    return f"actualite-{pk}"


class NewsFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> int | None:
        year = parse_id(request.GET.get("edition", "")[:10])
        if year is None or not any(e.year == year for e in selectors.editions_with_laureates()):
            return None
        return year

    def title(self, year: int | None) -> str:
        if year is None:
            return _("Budget citoyen : les actualités des projets lauréats")
        return _("Budget citoyen : les actualités des projets lauréats de %(year)s") % {
            "year": year
        }

    def subtitle(self, year: int | None) -> str:
        return _(
            "Les nouvelles des projets financés, écrites par leurs porteurs et publiées après "
            "relecture par l'équipe."
        )

    def link(self, year: int | None) -> str:
        path = reverse("followup:laureates")
        return absolute(f"{path}?edition={year}" if year else path)

    def feed_url(self, year: int | None) -> str:
        path = reverse("followup:feed")
        return absolute(f"{path}?edition={year}" if year else path)

    def feed_guid(self, year: int | None) -> str:
        return self.feed_url(year)

    def items(self, year: int | None) -> list[NewsItem]:
        return selectors.published_news(year)

    def item_title(self, item: NewsItem) -> str:
        return f"{item.award.decision.public_title} : {item.title}"

    def item_description(self, item: NewsItem) -> str:
        return linebreaks(item.body, autoescape=True)

    def item_link(self, item: NewsItem) -> str:
        path = reverse("labelling:project", args=[item.award.decision.pk])
        return absolute(f"{path}#{news_anchor(item.pk)}")

    def item_guid(self, item: NewsItem) -> str:
        return f"{absolute(reverse('followup:feed'))}#{news_anchor(item.pk)}"

    def item_guid_is_permalink(self, item: NewsItem) -> bool:
        return False

    def item_pubdate(self, item: NewsItem) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: NewsItem) -> datetime | None:
        return item.published_at

    def item_categories(self, item: NewsItem) -> list[str]:
        return [str(item.award.snapshot.edition.title)]
