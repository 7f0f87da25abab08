"""Demo labelling of the 2025 edition: reviews by the demo committee member, decisions by the
demo staff (three labelled, one not), holders notified — all through the services, on the
2025 calendar. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.test.utils import override_settings

from budgetcitoyen.accounts.models import User
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling import services
from budgetcitoyen.labelling.models import Decision

OPINIONS = ["favourable", "favourable", "reserved", "unfavourable"]
REFUSAL = (
    "Le comité a apprécié votre démarche, mais le projet relève d'un service marchand sans "
    "dimension d'économie sociale et solidaire suffisamment démontrée (gouvernance, utilité sociale). "
    "Les comptoirs de la prochaine édition peuvent vous aider à le faire évoluer."
)


def ensure_demo_labelling(edition: Edition) -> None:
    if Decision.objects.filter(edition=edition).exists():
        return
    member = User.objects.get(email="comite@demo.budgetcitoyen.fr")
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    submitted = list(
        Dossier.objects.filter(edition=edition, status=Dossier.Status.SUBMITTED).order_by("number")
    )
    start = edition.labelling_start + timedelta(days=7, hours=10)
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=start):
        grid = services.criteria_for(edition)
        services.assign_balanced(edition=edition, members=[member], per_dossier=1, by=staff)
    for index, dossier in enumerate(submitted):
        opinion = OPINIONS[index % len(OPINIONS)]
        score = {"favourable": 3, "reserved": 2, "unfavourable": 1}[opinion]
        with override_settings(
            DEBUG=True, BUDGETCITOYEN_NOW=start + timedelta(days=1, hours=index)
        ):
            services.review_save(
                dossier=dossier,
                member=member,
                opinion=opinion,
                proposed_category=dossier.wished_category,
                scores={str(c.pk): score for c in grid},
                comment="Avis de démonstration.",
            )
        with override_settings(
            DEBUG=True, BUDGETCITOYEN_NOW=start + timedelta(days=14, hours=index)
        ):
            if opinion == "unfavourable":
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
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=edition.labelling_end):
        services.send_due_notifications()
