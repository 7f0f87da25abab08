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
