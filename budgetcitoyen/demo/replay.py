"""The simulated clock of the demo: the date it stops at and the size it is built to.

The demo replays the 2025 edition through the services, each action at the moment a real
person would have taken it. ``Replay.at(moment)`` sets the platform's clock to that moment;
``Replay.reached(moment)`` says whether the demo goes that far: nothing dated after the date
asked is ever written, so the site shown at that date holds only what could exist by then.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.test.utils import override_settings


@dataclass(frozen=True)
class Size:
    """How big the demo edition is. ``full`` has the figures of a real edition; ``small``
    keeps every kind of case with fewer people, for the tests."""

    name: str
    residents_per_comptoir: int  # besides the full comptoir, which always overflows
    dossiers: int  # filed (submitted), the withdrawn one included
    refused: int  # of the filed dossiers, not labelled
    online_ballots: int
    paper_ballots: int


SIZES = {
    "small": Size(
        "small",
        residents_per_comptoir=3,
        dossiers=12,
        refused=2,
        online_ballots=48,
        paper_ballots=12,
    ),
    "full": Size(
        "full",
        residents_per_comptoir=18,
        dossiers=70,
        refused=15,
        online_ballots=800,
        paper_ballots=2200,
    ),
}
DEFAULT_SIZE = "full"


@dataclass(frozen=True)
class Replay:
    until: datetime
    size: Size

    def reached(self, moment: datetime) -> bool:
        """Whether the demo goes as far as ``moment`` (the date asked included)."""
        return moment <= self.until

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Run the services as at ``moment``. The demo command only runs with DEBUG on; the
        clock accepts a frozen date only then, so this sets both."""
        if not self.reached(moment):
            raise ValueError(f"{moment} est après la date de la démonstration ({self.until}).")
        with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=moment):
            yield


def spread(start: datetime, end: datetime, count: int, *, seed: int) -> list[datetime]:
    """``count`` moments from ``start`` to ``end``, in order, at whole minutes: evenly spaced
    with some play, the same at every run (``seed``)."""
    if count <= 0:
        return []
    rng = random.Random(seed)
    step = (end - start) / count
    moments = []
    for index in range(count):
        offset = step * (index + rng.uniform(0.05, 0.95))
        moment = start + offset
        moments.append(moment.replace(second=0, microsecond=0))
    return moments
