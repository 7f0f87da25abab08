"""The public pages of the laureates follow their data: any save or deletion of a milestone, a
payment, an instalment, an agreement or a news item replaces the page cache's version
(``core.pagecache.invalidate``, once the transaction commits; a rolled-back change keeps the
pages), so /laureats/, its feed, the project pages' timelines, the statistics and the API's
ETags are rendered again at their next request, in every process.

These are signals rather than calls in each service because several writers change these rows
(the services of three concerns, the admin, the demo) and the public pages must never lag behind any of them.
Every save counts, drafts included: a change is rare next to the pages' readings, and telling
which change is public would repeat the selectors' rules here. A queryset's ``update()`` sends
no signal: a service that changes these rows with one calls ``pagecache.invalidate()`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from budgetcitoyen.core import pagecache
from budgetcitoyen.followup.models import FundingAgreement, Instalment, Milestone, NewsItem, Payment

PUBLIC_MODELS = (FundingAgreement, Instalment, Payment, Milestone, NewsItem)


def public_data_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    pagecache.invalidate()


def connect() -> None:
    for model in PUBLIC_MODELS:
        name = model._meta.model_name
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"followup.{name}.saved")
        post_delete.connect(
            public_data_changed, sender=model, dispatch_uid=f"followup.{name}.deleted"
        )
