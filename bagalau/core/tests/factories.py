"""factory_boy factories for the org graph. IINs and BINs carry valid check digits."""

from __future__ import annotations

import itertools
from datetime import date

import factory

from bagalau.core.models import User
from bagalau.org import rules
from bagalau.org.models import Appointment, Position, Servant, StateBody, Unit

_counter = itertools.count(1)


def make_iin(n: int | None = None, born: date = date(1990, 1, 1), male: bool = True) -> str:
    """A valid IIN: date of birth, century/sex digit, serial, check digit."""
    seq = itertools.count(n if n is not None else next(_counter) * 7)
    while True:
        serial = next(seq) % 10000
        head = f"{born:%y%m%d}{3 if male else 4}{serial:04d}"
        iin = rules.complete_with_check_digit(head)
        if iin:
            return iin


def make_bin(n: int | None = None) -> str:
    """A valid BIN: registration month, legal-entity type digit, serial, check digit."""
    seq = itertools.count(n if n is not None else next(_counter) * 13)
    while True:
        value = rules.complete_with_check_digit(f"1201400{next(seq) % 10000:04d}")
        if value:
            return value


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.kz")
    password = factory.django.Password("demo-pass-123")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StateBody

    name_kk = factory.Sequence(lambda n: f"Мемлекеттік орган {n}")
    name_ru = factory.Sequence(lambda n: f"Государственный орган {n}")
    name_en = factory.Sequence(lambda n: f"State body {n}")
    bin = factory.Sequence(lambda n: make_bin(n * 17 + 3))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    body = factory.SubFactory(BodyFactory)
    code = factory.Sequence(lambda n: f"U{n}")
    name_kk = factory.Sequence(lambda n: f"Бөлім {n}")
    name_ru = factory.Sequence(lambda n: f"Отдел {n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    unit = factory.SubFactory(UnitFactory)
    body = factory.LazyAttribute(lambda o: o.unit.body)
    code = factory.Sequence(lambda n: f"P{n}")
    title_kk = factory.Sequence(lambda n: f"Бас маман {n}")
    title_ru = factory.Sequence(lambda n: f"Главный специалист {n}")
    category = "D-4"
    is_head = False


class ServantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Servant

    body = factory.SubFactory(BodyFactory)
    iin = factory.Sequence(lambda n: make_iin(n * 11 + 1))
    last_name_kk = factory.Sequence(lambda n: f"Тегі{n}")
    first_name_kk = factory.Sequence(lambda n: f"Аты{n}")
    last_name_ru = factory.Sequence(lambda n: f"Фамилия{n}")
    first_name_ru = factory.Sequence(lambda n: f"Имя{n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    servant = factory.SubFactory(ServantFactory)
    position = factory.SubFactory(PositionFactory)
    start_date = date(2020, 1, 1)
