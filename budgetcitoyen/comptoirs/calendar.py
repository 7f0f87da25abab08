"""iCalendar (.ics) files of the comptoirs, built with the icalendar library (RFC 5545)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core import clock


def comptoirs_ics(comptoirs: Iterable[Comptoir], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Budget citoyen//Comptoirs à initiatives citoyennes//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = clock.now()
    for comptoir in comptoirs:
        event = Event()
        event.add("uid", f"comptoir-{comptoir.pk}@budgetcitoyen")
        event.add("dtstamp", stamp)
        event.add("dtstart", comptoir.starts_at)
        event.add("dtend", comptoir.ends_at)
        event.add("summary", f"Comptoir à initiatives citoyennes — {comptoir.host_name}")
        event.add("location", f"{comptoir.host_name}, {comptoir.address}")
        url = settings.SITE_URL + reverse("comptoirs:detail", args=[comptoir.pk])
        event.add("url", url)
        description = "Une idée suffit ! Inscription obligatoire, places limitées : " + url
        if comptoir.access_information:
            description += "\n\nAccès : " + comptoir.access_information
        event.add("description", description)
        event.add("status", "CANCELLED" if comptoir.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
