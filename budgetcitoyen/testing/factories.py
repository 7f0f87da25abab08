"""factory-boy factories for the domain models."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from budgetcitoyen.accounts.models import User
from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.territories.models import Commune

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-solide")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition on the 2025 calendar of the Pas-de-Calais, shifted by year."""

    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"Budget citoyen {o.year}")
    is_published = True
    comptoirs_start = factory.LazyAttribute(lambda o: paris(o.year, 1, 6))
    comptoirs_end = factory.LazyAttribute(lambda o: paris(o.year, 3, 13))
    deposit_start = factory.LazyAttribute(lambda o: paris(o.year, 1, 31))
    deposit_end = factory.LazyAttribute(lambda o: paris(o.year, 3, 5))
    labelling_start = factory.LazyAttribute(lambda o: paris(o.year, 7, 1))
    labelling_end = factory.LazyAttribute(lambda o: paris(o.year, 9, 1))
    vote_start = factory.LazyAttribute(lambda o: paris(o.year, 9, 1))
    vote_end = factory.LazyAttribute(lambda o: paris(o.year, 10, 1))
    results_at = factory.LazyAttribute(lambda o: paris(o.year, 11, 20, 18))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Catégorie {n}")
    envelope = Decimal("100000.00")
    max_amount_per_project = Decimal("15000.00")
    priority = factory.Sequence(lambda n: n + 1)


class ComptoirFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comptoir

    edition = factory.SubFactory(EditionFactory)
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee_code="62041"))
    territory = factory.LazyAttribute(lambda o: o.commune.territory)
    host_name = factory.Sequence(lambda n: f"Structure {n}")
    address = "1 place de la Mairie"
    starts_at = factory.LazyAttribute(lambda o: paris(o.edition.year, 2, 5, 9, 30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    capacity = 20


def verified_person(**kwargs):  # type: ignore[no-untyped-def]
    """A user whose email address is verified (allauth), as registration requires."""
    from allauth.account.models import EmailAddress

    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def idea(**overrides):  # type: ignore[no-untyped-def]
    """The idea a person describes when registering to a comptoir."""
    from budgetcitoyen.territories.models import Territory

    values = {
        "idea_title": "Une recyclerie solidaire",
        "idea_summary": "Réparer et revendre à petit prix des objets du quotidien, avec des bénévoles.",
        "idea_territory": Territory.objects.get(name="Arrageois"),
        "structure_kind": "none",
        "accessibility_needs": "",
    }
    values.update(overrides)
    return values


def attendee(edition=None, person=None, **kwargs):  # type: ignore[no-untyped-def]
    """A registration marked present at a comptoir of ``edition``: its person may file dossiers."""
    from budgetcitoyen.comptoirs.models import Registration

    edition = edition or EditionFactory(year=2025)
    comptoir = kwargs.pop("comptoir", None) or ComptoirFactory(edition=edition)
    person = person or verified_person()
    return Registration.objects.create(
        edition=edition,
        comptoir=comptoir,
        person=person,
        status=Registration.Status.CONFIRMED,
        ticket=comptoir.registrations.count() + 1,
        attendance=Registration.Attendance.PRESENT,
        **{**idea(), **kwargs},
    )


PNG_IMAGE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca66"
    "0000000049454e44ae426082"
)
PDF_MINIMAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(name: str = "statuts.pdf", content: bytes = PDF_MINIMAL):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def complete_dossier(registration=None, **overrides):  # type: ignore[no-untyped-def]
    """A draft with every item a submission needs (category, communes, balanced plan)."""
    from budgetcitoyen.dossiers.models import Dossier, FinancingLine
    from budgetcitoyen.territories.models import Commune

    registration = registration or attendee()
    edition = registration.edition
    category = edition.categories.order_by("priority").first() or CategoryFactory(
        edition=edition, priority=1
    )
    values = {
        "title": "La recyclerie du Ternois",
        "summary": "Réparer et revendre à petit prix, avec des bénévoles.",
        "description": "Un atelier ouvert trois jours par semaine.",
        "objectives": "Réduire les déchets, créer du lien.",
        "social_utility": "Emplois d'insertion, gouvernance associative.",
        "beneficiaries": "Habitants du Ternois, 300 personnes par an.",
        "territory": registration.idea_territory,
        "start_date": datetime(edition.year, 10, 1).date(),
        "duration_months": 12,
        "partners": "",
        "structure_kind": "association",
        "structure_name": "Les Ateliers du Ternois",
        "rna": "W623001234",
        "structure_address": "2 rue des Écoles, 62130 Saint-Pol-sur-Ternoise",
        "contact_name": "Camille Martin",
        "contact_email": registration.person.email,
        "total_cost": Decimal("20000.00"),
        "amount_requested": Decimal("12000.00"),
        "wished_category": category,
    }
    values.update(overrides)
    dossier = Dossier.objects.create(
        edition=edition, holder=registration.person, registration=registration, **values
    )
    dossier.communes.set([Commune.objects.get(insee_code="62767")])
    FinancingLine.objects.create(
        dossier=dossier,
        position=1,
        source="Fonds propres",
        amount=Decimal("8000.00"),
        is_secured=True,
    )
    return dossier


def labelled_project(
    edition, *, category=None, amount=Decimal("10000.00"), title=None, territory=None, comptoir=None
):  # type: ignore[no-untyped-def]
    """A project on the ballot: a sealed dossier and its labelled decision (services skipped;
    the labelling's own tests cover that path)."""
    from budgetcitoyen.dossiers.models import Dossier
    from budgetcitoyen.labelling.models import Decision

    category = category or edition.categories.order_by("priority").first()
    registration = attendee(edition, comptoir=comptoir) if comptoir else attendee(edition)
    dossier = complete_dossier(registration, wished_category=category)
    number = (Dossier.objects.filter(edition=edition).exclude(number=None).count()) + 1
    title = title or f"Projet {number}"
    fields = {
        "status": Dossier.Status.LABELLED,
        "number": number,
        "reference": f"BC-{edition.year}-{number:04d}",
        "submitted_at": edition.deposit_end - timedelta(days=1),
        "snapshot": "{}",
        "snapshot_sha256": "0" * 64,
        "title": title,
    }
    if territory is not None:
        fields["territory"] = territory
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    dossier.refresh_from_db()
    return Decision.objects.create(
        dossier=dossier,
        edition=edition,
        outcome="labelled",
        category=category,
        labelled_amount=amount,
        public_title=title,
        public_summary=f"Résumé de {title}.",
        public_description=f"Description de {title}.",
        decided_at=edition.labelling_end - timedelta(days=1),
    )


def declared_voters_cast(edition, voters, projects, at):  # type: ignore[no-untyped-def]
    """Ballots cast through the services at ``at``: ``voters`` is a list of (how many, the keys
    of their choices in ``projects``, birth date, INSEE code of their commune); each voter has
    an account, a sworn declaration and an address of their own."""
    import time_machine

    from budgetcitoyen.voting import services as voting

    number = 0
    with time_machine.travel(at, tick=False):
        for count, choices, born, insee in voters:
            commune = Commune.objects.get(insee_code=insee)
            for _ in range(count):
                number += 1
                voter = verified_person()
                voting.declaration_save(
                    edition=edition,
                    user=voter,
                    sworn=True,
                    last_name=f"Votant{number}",
                    first_name="Dominique",
                    other_first_names="",
                    birth_date=born,
                    commune=commune,
                    postal_code=commune.postal_codes.first().code,
                )
                voting.ballot_cast(
                    edition=edition,
                    user=voter,
                    choices=[projects[key].pk for key in choices],
                    ip=f"203.0.113.{number}",
                )


def laureate(edition=None, *, amount=Decimal("8000.00"), votes=120, **project):  # type: ignore[no-untyped-def]
    """A funded project of a published result: a labelled project and its ``Award`` (stored
    directly; the results' own tests cover the count and the publication). The edition's
    published snapshot is made once and shared by its laureates. The holder is
    ``award.decision.dossier.holder``."""
    from budgetcitoyen.results.models import Award, ResultSnapshot

    edition = edition or EditionFactory()
    if not edition.categories.exists():
        CategoryFactory(edition=edition, name="Innovation sociale")
    decision = labelled_project(edition, amount=amount, **project)
    snapshot = ResultSnapshot.objects.filter(edition=edition, published_at__isnull=False).first()
    if snapshot is None:
        snapshot = ResultSnapshot.objects.create(
            edition=edition,
            rule=edition.allocation_rule,
            rule_version="1",
            budget=edition.total_envelope,
            voters=0,
            ballots_sha256="0" * 64,
            ballots_file=b"",
            outcome={"selected": [], "projects": [], "trace": []},
            published_at=edition.results_at,
        )
    return Award.objects.create(snapshot=snapshot, decision=decision, amount=amount, votes=votes)
