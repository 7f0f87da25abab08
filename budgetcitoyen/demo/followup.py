"""Demo follow-up: supporting documents asked during the labelling, then what becomes of the
2025 laureates through 2026, each step through the follow-up's services at its own moment.

- During the labelling, staff ask the demo porteur for his RIB and statutes; he sends them a
  week later and staff close the request (on 15 July it is still open: he has something to do).
- After the results, four laureates at various stages:
  - the demo porteur's project: agreement signed, the first payment made, started then halfway,
    one news item published with its photo and one waiting for moderation, its final report due
    at the end of the year (the reminder goes out on 1 December);
  - a project done: its final report accepted, the balance paid, milestone "réalisé";
  - a project abandoned, with its reason, after its first payment;
  - a project whose agreement is sent and awaits its signature.

Each action runs only if the demo's date reaches it, so the site at any date shows only what
could exist by then. Idempotent: nothing is done twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from budgetcitoyen.accounts.models import User
from budgetcitoyen.demo.dossiers import _photo, demo_pdf
from budgetcitoyen.demo.editions import paris
from budgetcitoyen.demo.replay import Replay
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup import services
from budgetcitoyen.followup.models import DocumentRequest, FundingAgreement, Instalment
from budgetcitoyen.results.models import Award

PORTEUR = "porteur@demo.budgetcitoyen.fr"
STAFF = "mission-ess@demo.budgetcitoyen.fr"


def _pdf(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf(text), content_type="application/pdf")


def ensure_demo_followup(edition: Edition, replay: Replay) -> None:
    if DocumentRequest.objects.filter(dossier__edition=edition).exists():
        return
    staff = User.objects.get(email=STAFF)
    _documents_during_labelling(edition, replay, staff)
    if FundingAgreement.objects.filter(award__snapshot__edition=edition).exists():
        return
    awards = list(
        Award.objects.filter(snapshot__edition=edition, snapshot__published_at__isnull=False)
        .select_related("decision__dossier__holder")
        .order_by("-votes", "pk")
    )
    if not awards:
        return
    porteur = next((a for a in awards if a.decision.dossier.holder.email == PORTEUR), None)
    others = [a for a in awards if a is not porteur]
    year = edition.year
    if porteur is not None:
        _in_progress(porteur, replay, staff, year)
    stages: list[Callable[[Award, Replay, User, int], None]] = [_done, _abandoned, _awaiting]
    for award, stage in zip(others, stages, strict=False):
        stage(award, replay, staff, year)


def _documents_during_labelling(edition: Edition, replay: Replay, staff: User) -> None:
    dossier = (
        Dossier.objects.filter(edition=edition, holder__email=PORTEUR, submitted_at__isnull=False)
        .order_by("pk")
        .first()
    )
    asked = paris(edition.year, 7, 8, 10)
    if dossier is None or not replay.reached(asked):
        return
    with replay.at(asked):
        request = services.document_request_create(
            dossier=dossier,
            by=staff,
            items=[("rib", ""), ("statutes", "Statuts à jour, signés")],
            due_on=date(edition.year, 7, 25),
            message="Le comité de labellisation examine votre dossier : merci de nous "
            "transmettre ces deux pièces.",
        )
    sent = paris(edition.year, 7, 18, 20, 30)
    if not replay.reached(sent):
        return
    holder = dossier.holder
    with replay.at(sent):
        for item, name in zip(
            request.items.order_by("position"), ("rib.pdf", "statuts.pdf"), strict=True
        ):
            services.supporting_document_add(
                request=request, item=item, by=holder, upload=_pdf(name, name)
            )
    closed = paris(edition.year, 7, 21, 9, 15)
    if replay.reached(closed):
        with replay.at(closed):
            services.document_request_close(request=request, by=staff)


def _agreement(
    award: Award, replay: Replay, staff: User, *, created: datetime, report_due_on: date
) -> FundingAgreement | None:
    """The agreement drafted and sent the next day; None if the demo stops before it."""
    if not replay.reached(created):
        return None
    with replay.at(created):
        terms = services.initial_terms(award)
        terms = dataclasses.replace(
            terms,
            report_due_on=report_due_on,
            conditions="Le porteur cite le soutien du Département sur ses supports.",
            schedule=tuple(services.default_schedule(terms.amount, report_due_on)),
        )
        agreement = services.agreement_create(award=award, by=staff, terms=terms)
    sent = created + timedelta(days=1)
    if replay.reached(sent):
        with replay.at(sent):
            agreement = services.agreement_send(agreement=agreement, by=staff)
    return agreement


def _sign_and_pay_first(
    agreement: FundingAgreement | None, replay: Replay, staff: User, *, signed: datetime
) -> bool:
    """Signature recorded with its scan, then the first instalment paid ten days later."""
    if agreement is None or not replay.reached(signed):
        return False
    with replay.at(signed):
        agreement = services.agreement_sign(
            agreement=agreement,
            by=staff,
            signed_on=(signed - timedelta(days=2)).date(),
            scan=_pdf("convention-signee.pdf", agreement.reference),
        )
    paid = signed + timedelta(days=10)
    if not replay.reached(paid):
        return True
    first = agreement.instalments.order_by("position").first()
    if first is not None:
        with replay.at(paid):
            services.payment_record(
                instalment=first,
                amount=first.amount,
                paid_on=paid.date(),
                reference=f"MANDAT-{agreement.reference[-4:]}-1",
                by=staff,
            )
    return True


def _milestone(award: Award, replay: Replay, staff: User, moment: datetime, **fields: Any) -> bool:
    if not replay.reached(moment):
        return False
    with replay.at(moment):
        services.milestone_set(award=award, by=staff, reached_on=moment.date(), **fields)
    return True


def _in_progress(award: Award, replay: Replay, staff: User, year: int) -> None:
    holder = award.decision.dossier.holder
    agreement = _agreement(
        award, replay, staff, created=paris(year, 12, 1, 10), report_due_on=date(year + 1, 12, 31)
    )
    if not _sign_and_pay_first(agreement, replay, staff, signed=paris(year, 12, 16, 11)):
        return
    if not _milestone(
        award, replay, staff, paris(year + 1, 1, 12, 10), kind="started", progress=20
    ):
        return
    written = paris(year + 1, 3, 9, 21)
    if not replay.reached(written):
        return
    with replay.at(written):
        news = services.news_save(
            award=award,
            by=holder,
            title="Les premiers ateliers ont commencé",
            body="Trente habitants ont participé aux deux premiers ateliers, dans la salle "
            "prêtée par la commune. Les prochains auront lieu chaque samedi matin.",
            happened_on=date(year + 1, 3, 7),
            photo=_photo(),
            photo_alt="Des habitants autour d'une table pendant un atelier.",
            submit=True,
        )
    published = paris(year + 1, 3, 11, 9, 30)
    if not replay.reached(published):
        return
    with replay.at(published):
        services.news_publish(news=news, by=staff)
    if not _milestone(
        award, replay, staff, paris(year + 1, 6, 30, 10), kind="halfway", progress=50
    ):
        return
    later = paris(year + 1, 11, 24, 19)
    if replay.reached(later):
        with replay.at(later):
            services.news_save(
                award=award,
                by=holder,
                title="Un bilan à mi-parcours avec les habitants",
                body="Une réunion publique a fait le point sur l'année : les habitants ont "
                "choisi les prochaines actions.",
                happened_on=date(year + 1, 11, 22),
                submit=True,
            )
    reminded = paris(year + 1, 12, 1, 8)
    if replay.reached(reminded):
        with replay.at(reminded):
            services.send_due_followup_reminders()


def _done(award: Award, replay: Replay, staff: User, year: int) -> None:
    holder = award.decision.dossier.holder
    agreement = _agreement(
        award, replay, staff, created=paris(year, 12, 2, 10), report_due_on=date(year + 1, 10, 31)
    )
    if not _sign_and_pay_first(agreement, replay, staff, signed=paris(year, 12, 18, 15)):
        return
    if not _milestone(award, replay, staff, paris(year + 1, 2, 2, 10), kind="started", progress=30):
        return
    reported = paris(year + 1, 9, 28, 18)
    if not replay.reached(reported):
        return
    with replay.at(reported):
        services.report_save(
            award=award,
            by=holder,
            achievements="Le projet a été mené comme prévu : douze ateliers, un lieu ouvert "
            "deux jours par semaine.",
            beneficiaries_reached="Environ 400 habitants, dont une centaine de jeunes.",
            spending="L'aide a financé le matériel et une partie du poste d'animation.",
            difficulties="Un retard de deux mois sur les travaux du local.",
            amount_spent=award.amount,
            uploads=[_pdf("bilan-financier.pdf", "Bilan financier")],
        )
        services.report_submit(award=award, by=holder)
    accepted = paris(year + 1, 10, 6, 10)
    if not replay.reached(accepted):
        return
    with replay.at(accepted):
        report = award.final_report  # type: ignore[attr-defined]
        services.report_accept(report=report, by=staff)
    balance_paid = paris(year + 1, 10, 20, 10)
    if not replay.reached(balance_paid):
        return
    assert agreement is not None
    balance = agreement.instalments.filter(trigger=Instalment.Trigger.REPORT).first()
    if balance is not None:
        with replay.at(balance_paid):
            services.payment_record(
                instalment=balance,
                amount=balance.amount,
                paid_on=balance_paid.date(),
                reference=f"MANDAT-{agreement.reference[-4:]}-2",
                by=staff,
            )
    _milestone(award, replay, staff, paris(year + 1, 10, 21, 10), kind="done", progress=100)


def _abandoned(award: Award, replay: Replay, staff: User, year: int) -> None:
    agreement = _agreement(
        award, replay, staff, created=paris(year, 12, 3, 10), report_due_on=date(year + 1, 12, 31)
    )
    if not _sign_and_pay_first(agreement, replay, staff, signed=paris(year + 1, 1, 8, 15)):
        return
    if not _milestone(
        award, replay, staff, paris(year + 1, 2, 16, 10), kind="started", progress=10
    ):
        return
    _milestone(
        award,
        replay,
        staff,
        paris(year + 1, 6, 15, 10),
        kind="abandoned",
        progress=10,
        reason="Le local prévu n'a pas pu être loué ; l'association a renoncé au projet et "
        "reverse la part de l'aide non utilisée.",
    )


def _awaiting(award: Award, replay: Replay, staff: User, year: int) -> None:
    # Drafted late (the structure changed its statutes first): sent, awaiting the signature.
    _agreement(
        award,
        replay,
        staff,
        created=paris(year + 1, 11, 16, 10),
        report_due_on=date(year + 2, 11, 30),
    )
