"""Demo labelling of the 2025 edition: the committee is assigned the filed dossiers when the
labelling opens, reviews them over the summer, staff decide each dossier a week after its
reviews (most labelled, some not), holders are notified when the labelling ends. All through
the services, each at its date; at a date inside the labelling, some reviews and decisions are
still to come. Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.demo.accounts import demo_person
from budgetcitoyen.demo.editions import ANNOUNCED
from budgetcitoyen.demo.replay import Replay
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling import services
from budgetcitoyen.labelling.models import Assignment, Decision

REFUSAL = (
    "Le comité a apprécié votre démarche, mais le projet relève d'un service marchand sans "
    "dimension d'économie sociale et solidaire suffisamment démontrée (gouvernance, utilité sociale). "
    "Les comptoirs de la prochaine édition peuvent vous aider à le faire évoluer."
)
# The other members of the committee of the full-size demo (the demo member is one of them).
MEMBERS = [
    ("comite-lille@demo.budgetcitoyen.fr", "Martine", "Duquesne"),
    ("comite-arras@demo.budgetcitoyen.fr", "Olivier", "Pruvost"),
    ("comite-calais@demo.budgetcitoyen.fr", "Fatima", "Benali"),
]


def _committee(replay: Replay) -> list[User]:
    members = [User.objects.get(email="comite@demo.budgetcitoyen.fr")]
    if replay.size.name == "full":
        with replay.at(ANNOUNCED):
            for email, first, last in MEMBERS:
                member = demo_person(email, first, last)
                role_grant(user=member, role=Role.COMMITTEE, by=None)
                members.append(member)
    return members


def refused_numbers(numbers: list[int], refused: int) -> set[int]:
    """Which dossiers are not labelled: spread over the list, never the first (the demo
    porteur's)."""
    if refused <= 0 or len(numbers) < 2:
        return set()
    step = max(1, (len(numbers) - 1) // refused)
    return {numbers[i] for i in range(3, len(numbers), step)[:refused]} or {numbers[-1]}


def ensure_demo_labelling(edition: Edition, replay: Replay) -> None:
    if Decision.objects.filter(edition=edition).exists():
        return
    assigned = edition.labelling_start + timedelta(days=1, hours=10)
    if not replay.reached(assigned):
        return
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    members = _committee(replay)
    submitted = list(
        Dossier.objects.filter(edition=edition, status=Dossier.Status.SUBMITTED).order_by("number")
    )
    if not submitted:
        return
    with replay.at(assigned):
        grid = services.criteria_for(edition)
        per_dossier = 2 if len(members) > 1 else 1
        services.assign_balanced(
            edition=edition, members=members, per_dossier=per_dossier, by=staff
        )
    refused = refused_numbers([d.number for d in submitted], replay.size.refused)  # type: ignore[misc]
    first = edition.labelling_start + timedelta(days=2, hours=9)
    last = edition.labelling_end - timedelta(days=16)
    events: list[tuple[datetime, int, str, Dossier, User | None]] = []
    for index, dossier in enumerate(submitted):
        reviewed = first + (last - first) * index / len(submitted)
        reviewers = [
            a.member
            for a in Assignment.objects.filter(dossier=dossier)
            .select_related("member")
            .order_by("pk")
        ]
        for turn, member in enumerate(reviewers):
            events.append((reviewed + timedelta(hours=5 * turn), 0, "review", dossier, member))
        decided = reviewed + timedelta(days=7, hours=index % 5)
        events.append((decided, 1, "decide", dossier, None))
    events.sort(key=lambda event: (event[0], event[1], event[3].pk))

    for moment, _order, action, dossier, reviewer in events:
        if not replay.reached(moment):
            break
        opinion = (
            "unfavourable"
            if dossier.number in refused
            else ("reserved" if dossier.pk % 4 == 3 else "favourable")
        )
        with replay.at(moment):
            if action == "review":
                score = {"favourable": 3, "reserved": 2, "unfavourable": 1}[opinion]
                services.review_save(
                    dossier=dossier,
                    member=reviewer,
                    opinion=opinion,
                    proposed_category=dossier.wished_category,
                    scores={str(c.pk): score for c in grid},
                    comment="Avis de démonstration.",
                )
            elif dossier.number in refused:
                services.decide(dossier=dossier, by=staff, outcome="not_labelled", reason=REFUSAL)
            else:
                category = dossier.wished_category or edition.categories.order_by("priority")[0]
                amount = min(
                    dossier.amount_requested or Decimal(0), category.max_amount_per_project
                )
                services.decide(
                    dossier=dossier,
                    by=staff,
                    outcome="labelled",
                    category=category,
                    labelled_amount=amount,
                    public_title=dossier.title,
                    public_summary=dossier.summary,
                    public_description=dossier.description,
                )
    notified = edition.labelling_end + timedelta(hours=1)
    if replay.reached(notified):
        with replay.at(notified):
            services.send_due_notifications()
