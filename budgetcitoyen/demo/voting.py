"""Demo vote of the 2025 edition: ballots cast online and typed in from paper all through the
vote (the paper ones until the results), a run of ballots from a single address, and a multiple
vote: a voter votes again under another address, which opens a review that staff decide once
the vote is closed. All through the services, each at its date; idempotent. During the vote
(``--date 2025-09-15``) the review is open and the demo resident (habitante@…) has not voted.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from budgetcitoyen.accounts.models import User
from budgetcitoyen.demo.accounts import demo_person, person_name
from budgetcitoyen.demo.replay import Replay, spread
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.voting import services
from budgetcitoyen.voting.models import Ballot

PLACES = [
    "Maison du Département Solidarité de l'Arrageois",
    "Maison du Département Solidarité du Calaisis",
    "Maison du Département Solidarité de l'Artois",
]

COMMUNES = [("62041", "62000"), ("62193", "62100"), ("62498", "62300"), ("62160", "62200"),
            ("62119", "62400"), ("62765", "62500"), ("62427", "62110"), ("62447", "62140")]  # fmt: skip

# Which commune each voter lives in, in turn: more voters near Arras and Boulogne than
# elsewhere, as in a real edition (the statistics' territories then differ).
SPREAD = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7]
TWIN_OF = 3  # the voter who votes a second time, under another address
IP_RUN = range(20, 25)  # online voters who vote from one address, minutes apart


class Voters:
    """The identities of the demo's voters: distinct names and birth dates, communes of the
    Pas-de-Calais."""

    def __init__(self) -> None:
        self.communes = {
            c.insee_code: c for c in Commune.objects.filter(insee_code__in=[i for i, _ in COMMUNES])
        }

    def identity(self, number: int) -> dict[str, Any]:
        first, last = person_name(number + 500)
        insee, postal = COMMUNES[SPREAD[number % len(SPREAD)]]
        return {
            "last_name": last,
            "first_name": first,
            "other_first_names": "",
            # Born from 1935 to mid-2014: aged 11 to 90 when the vote opens.
            "birth_date": date(1935, 1, 1) + timedelta(days=(number * 7919) % 28900),
            "commune": self.communes[insee],
            "postal_code": postal,
        }


def office_hours(moment: datetime) -> datetime:
    """The same day and minute, moved between 9 h and 17 h (Paris time)."""
    local = timezone.localtime(moment)
    return local.replace(hour=9 + local.hour % 8)


def _voter(number: int) -> User:
    first, last = person_name(number + 500)
    return demo_person(f"votant{number:04d}@demo.budgetcitoyen.fr", first, last)


def ensure_demo_vote(edition: Edition, replay: Replay) -> None:
    if Ballot.objects.filter(edition=edition).exists():
        return
    opens = edition.vote_start + timedelta(hours=8)
    if not replay.reached(opens):
        return
    rng = random.Random(2025)
    projects = list(
        services.published_projects(edition)
        .order_by("dossier__number")
        .values_list("pk", "dossier__holder__email")
    )
    if not projects:
        return
    ids = [pk for pk, _ in projects]
    # Some projects are much liked; the demo porteur's is among them.
    weights = [
        12 if email == "porteur@demo.budgetcitoyen.fr" else rng.choice([1, 1, 2, 3, 5, 8])
        for _, email in projects
    ]
    rule_max = edition.vote_max_choices or 3
    rule_min = edition.vote_min_choices or 1
    agent = User.objects.get(email="agent@demo.budgetcitoyen.fr")
    voters = Voters()
    size = replay.size

    def choose() -> list[int]:
        wanted = rng.choice([n for n in (1, 2, 3, 3, 3) if rule_min <= n <= rule_max] or [rule_max])
        picked: list[int] = []
        while len(picked) < min(wanted, len(ids)):
            pk = rng.choices(ids, weights)[0]
            if pk not in picked:
                picked.append(pk)
        return picked

    events: list[tuple[datetime, int, str]] = []
    stack_numbers: dict[int, list[int]] = {}
    online = spread(opens, edition.vote_end - timedelta(hours=2), size.online_ballots, seed=1)
    for number, moment in enumerate(online):
        events.append((moment, number, "online"))
    paper_start = edition.vote_start + timedelta(days=2, hours=10)
    paper_end = edition.vote_end + timedelta(days=8)
    # Agents type the sheets in during office hours.
    paper = [
        office_hours(moment)
        for moment in spread(paper_start, paper_end, size.paper_ballots, seed=2)
    ]
    # The agent types in each day's sheets as one stack, at the time of the day's last one
    # (only those dropped by the demo's date).
    stacks: dict[date, list[tuple[datetime, int]]] = {}
    for offset, moment in enumerate(paper):
        if replay.reached(moment):
            stacks.setdefault(timezone.localdate(moment), []).append(
                (moment, size.online_ballots + offset)
            )
    for day_sheets in stacks.values():
        first_number = day_sheets[0][1]
        events.append((max(m for m, _n in day_sheets), first_number, "paper"))
        stack_numbers[first_number] = [n for _m, n in day_sheets]
    burst = opens + timedelta(days=4, hours=12)
    events = [
        (burst + timedelta(minutes=3 * (n - IP_RUN.start)), n, kind)
        if kind == "online" and n in IP_RUN
        else (moment, n, kind)
        for moment, n, kind in events
    ]
    events.append((opens + timedelta(days=5, hours=4), -1, "twin"))
    events.sort(key=lambda event: (event[0], event[1]))

    first_day = timezone.localdate(edition.vote_start)
    last_day = timezone.localdate(edition.vote_end - timedelta(seconds=1))
    with transaction.atomic():  # one commit for the whole vote (each ballot in a savepoint)
        _cast(events, stack_numbers, replay, edition, voters, choose, agent, (first_day, last_day))


def _cast(  # type: ignore[no-untyped-def]
    events: list[tuple[datetime, int, str]],
    stacks: dict[int, list[int]],
    replay: Replay,
    edition: Edition,
    voters: Voters,
    choose,
    agent: User,
    days: tuple[date, date],
) -> None:
    first_day, last_day = days
    for moment, number, kind in events:
        if not replay.reached(moment):
            break
        with replay.at(moment):
            if kind == "online":
                person = _voter(number)
                ip = "198.51.100.42" if number in IP_RUN else f"203.0.113.{number % 200 + 10}"
                services.declaration_save(
                    edition=edition, user=person, sworn=True, **voters.identity(number)
                )
                services.ballot_cast(edition=edition, user=person, choices=choose(), ip=ip)
            elif kind == "paper":
                sheets = []
                for sheet_number in stacks[number]:
                    dropped = timezone.localdate(moment - timedelta(days=1 + sheet_number % 2))
                    sheets.append(
                        services.PaperSheet(
                            choices=choose(),
                            collection_point=PLACES[sheet_number % len(PLACES)],
                            collected_on=min(max(dropped, first_day), last_day),
                            sworn=True,
                            identity=voters.identity(sheet_number),
                        )
                    )
                services.paper_ballots_enter(edition=edition, by=agent, sheets=sheets)
            else:
                # A multiple vote: a voter votes again under another address, spelling her
                # name otherwise; both ballots wait for staff.
                first = voters.identity(TWIN_OF)
                twin = demo_person("votant-bis@demo.budgetcitoyen.fr")
                services.declaration_save(
                    edition=edition,
                    user=twin,
                    sworn=True,
                    **{
                        **first,
                        "last_name": first["last_name"].upper(),
                        "first_name": first["first_name"].lower(),
                        "other_first_names": "Marie",
                    },
                )
                services.ballot_cast(edition=edition, user=twin, choices=choose(), ip="192.0.2.77")
