"""The current phase is computed from the calendar at every boundary, a minute either side."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from budgetcitoyen.editions.phases import (
    Phase,
    Step,
    current_phase,
    has_ended,
    has_started,
    open_steps,
    phase_open,
    timeline,
)
from budgetcitoyen.editions.selectors import current_edition
from budgetcitoyen.testing.factories import EditionFactory, paris

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


@pytest.fixture
def edition():
    # The 2025 calendar of seed 000, comptoirs and deposit overlapping as in real life.
    return EditionFactory.build(year=2025)


# (boundary, phase a minute before, phase a minute after)
BOUNDARIES = [
    ("comptoirs_start", Phase.UPCOMING, Phase.COMPTOIRS),
    ("deposit_start", Phase.COMPTOIRS, Phase.DEPOSIT),
    ("deposit_end", Phase.DEPOSIT, Phase.COMPTOIRS),
    ("comptoirs_end", Phase.COMPTOIRS, Phase.AWAITING_LABELLING),
    ("labelling_start", Phase.AWAITING_LABELLING, Phase.LABELLING),
    ("vote_start", Phase.LABELLING, Phase.VOTE),
    ("vote_end", Phase.VOTE, Phase.COUNTING),
    ("results_at", Phase.COUNTING, Phase.RESULTS),
]


@pytest.mark.parametrize(("boundary", "before", "after"), BOUNDARIES)
def test_phase_a_minute_before_and_after_each_boundary(edition, boundary, before, after):
    instant = getattr(edition, boundary)
    assert current_phase(edition, instant - MINUTE) == before
    assert current_phase(edition, instant) == after
    assert current_phase(edition, instant + MINUTE) == after


def test_labelling_end_is_the_vote_start_in_2025(edition):
    assert edition.labelling_end == edition.vote_start


def test_a_gap_between_labelling_and_vote_is_awaiting_vote():
    edition = EditionFactory.build(year=2026, labelling_end=paris(2026, 8, 25))
    assert current_phase(edition, paris(2026, 8, 25) - MINUTE) == Phase.LABELLING
    assert current_phase(edition, paris(2026, 8, 25) + MINUTE) == Phase.AWAITING_VOTE
    assert current_phase(edition, paris(2026, 9, 1) - MINUTE) == Phase.AWAITING_VOTE


def test_comptoirs_and_deposit_are_open_together(edition):
    at = paris(2025, 2, 10, 12)
    assert open_steps(edition, at) == [Phase.COMPTOIRS, Phase.DEPOSIT]
    assert phase_open(edition, Phase.COMPTOIRS, at)
    assert phase_open(edition, Phase.DEPOSIT, at)
    assert not phase_open(edition, Phase.VOTE, at)


def test_the_deposit_closes_at_midnight_after_the_last_day(edition):
    # "du 31 janvier au 4 mars": open all of 4 March, closed on 5 March.
    assert phase_open(edition, Phase.DEPOSIT, paris(2025, 3, 4, 23, 59))
    assert not phase_open(edition, Phase.DEPOSIT, paris(2025, 3, 5, 0, 0))


def test_phase_uses_the_clock_when_no_instant_is_given(edition):
    with time_machine.travel(paris(2025, 9, 15, 10), tick=False):
        assert current_phase(edition) == Phase.VOTE


def test_phase_honours_the_demo_clock(edition, settings):
    settings.DEBUG = True
    settings.BUDGETCITOYEN_NOW = paris(2025, 7, 14, 12)
    assert current_phase(edition) == Phase.LABELLING


class TestTimeline:
    def test_open_steps_are_current(self, edition):
        states = [step.state for step in timeline(edition, paris(2025, 2, 10))]
        assert states == ["current", "current", "upcoming", "upcoming", "upcoming"]

    def test_between_steps_the_next_one_is_marked(self, edition):
        states = [step.state for step in timeline(edition, paris(2025, 5, 1))]
        assert states == ["past", "past", "next", "upcoming", "upcoming"]

    def test_results_stay_current_once_published(self, edition):
        states = [step.state for step in timeline(edition, paris(2026, 5, 1))]
        assert states == ["past", "past", "past", "past", "current"]

    def test_vote_description_names_the_minimum_age(self, edition):
        vote = next(
            step for step in timeline(edition, paris(2025, 9, 2)) if step.phase == Phase.VOTE
        )
        assert "11 ans" in vote.description
        assert vote.state_label == "en cours"


class TestCurrentEdition:
    def test_it_is_none_without_a_published_edition(self):
        EditionFactory(year=2025, is_published=False)
        assert current_edition(paris(2025, 2, 1)) is None

    def test_it_is_the_running_edition(self):
        EditionFactory(year=2024)
        running = EditionFactory(year=2025)
        assert current_edition(paris(2025, 2, 1)) == running

    def test_after_the_results_it_is_the_next_announced_edition(self):
        EditionFactory(year=2025)
        next_one = EditionFactory(year=2026)
        assert current_edition(paris(2025, 12, 1)) == next_one

    def test_once_everything_is_over_it_is_the_latest(self):
        EditionFactory(year=2024)
        latest = EditionFactory(year=2025)
        assert current_edition(paris(2027, 1, 1)) == latest


@pytest.mark.parametrize("step", list(Step))
def test_every_step_is_open_from_its_start_included_to_its_end_excluded(edition, step):
    from budgetcitoyen.editions import phases

    start, end = phases.window(edition, step)
    assert not phase_open(edition, step, start - MINUTE)
    assert not has_started(edition, step, start - MINUTE)
    assert phase_open(edition, step, start) and has_started(edition, step, start)
    if end is None:  # the results stay
        assert phase_open(edition, step, start + timedelta(days=3650))
        assert not has_ended(edition, step, start + timedelta(days=3650))
    else:
        assert phase_open(edition, step, end - MINUTE)
        assert not phase_open(edition, step, end) and has_ended(edition, step, end)


def test_the_query_filters_agree_with_the_python_checks(edition):
    from budgetcitoyen.editions import phases
    from budgetcitoyen.editions.models import Edition

    edition.save()
    for step in Step:
        start, end = phases.window(edition, step)
        for at in [start - MINUTE, start, (end or start) - MINUTE, end or start]:
            qs = Edition.objects.filter(pk=edition.pk)
            assert qs.filter(phases.q_started(step, at)).exists() == has_started(edition, step, at)
            assert qs.filter(phases.q_not_started(step, at)).exists() != has_started(
                edition, step, at
            )
            if end is not None:
                assert qs.filter(phases.q_ended(step, at)).exists() == has_ended(edition, step, at)
                assert qs.filter(phases.q_not_ended(step, at)).exists() != has_ended(
                    edition, step, at
                )
