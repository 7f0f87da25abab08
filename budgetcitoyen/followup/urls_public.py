"""URLs of the follow-up: public."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from budgetcitoyen.core import pagecache
from budgetcitoyen.followup.feeds import NewsFeed
from budgetcitoyen.followup.views import public

urlpatterns: list[URLPattern | URLResolver] = [
    path("laureats/", public.laureates, name="laureates"),
    path("laureats/actualites.atom", pagecache.public_page()(NewsFeed()), name="feed"),
]
