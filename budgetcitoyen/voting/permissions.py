"""Who may do what around the vote (whether the vote is open is ``editions.phases``)."""

from __future__ import annotations

from typing import Any

from budgetcitoyen.accounts.permissions import is_paper_agent, is_staff


def can_enter_paper(user: Any) -> bool:
    """Paper ballots are typed in by the agents who hold the right (and staff)."""
    return is_paper_agent(user)


def can_follow_vote(user: Any) -> bool:
    """The vote's dashboard, the multiple-vote reviews and their decisions: staff."""
    return is_staff(user)
