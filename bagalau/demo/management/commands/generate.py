"""National-scale synthetic data: bodies, units, positions, servants, appointments.

Bulk inserts in batches with a progress bar; every IIN and BIN carries a valid check
digit. Example: python manage.py generate --bodies 300 --servants 100000
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from bagalau.demo.names import person
from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import MethodologyVersion
from bagalau.org import rules
from bagalau.org.models import Absence, AbsenceKind, Appointment, Position, Servant, StateBody, Unit

BATCH = 2000
FAMILIES = {
    "D": ["D-1", "D-3", "D-4", "D-5"],
    "E": ["E-1", "E-3", "E-4", "E-5"],
    "C": ["C-1", "C-3", "C-4", "C-5"],
}


def _check_digit_numbers(prefix: str, start: int, count: int, width: int) -> list[str]:
    """`count` valid 12-digit numbers: prefix + serial + check digit (some serials skip)."""
    out: list[str] = []
    serial = start
    while len(out) < count:
        value = rules.complete_with_check_digit(f"{prefix}{serial:0{width}d}")
        serial += 1
        if value:
            out.append(value)
    return out


def synthetic_iins(start: int, count: int) -> list[str]:
    """`count` distinct valid IINs from serial `start`: a birth date 1960-1999, sex, serial."""
    out: list[str] = []
    n = start
    while len(out) < count:
        born = date(1960, 1, 1) + timedelta(days=n % 14600)
        male = (n // 14600) % 2 == 0
        serial = (n // 29200) % 10000
        value = rules.complete_with_check_digit(f"{born:%y%m%d}{3 if male else 4}{serial:04d}")
        n += 1
        if value:
            out.append(value)
    return out


class Command(BaseCommand):
    help = "Create national-scale synthetic bodies and staff with bulk inserts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bodies", type=int, default=300)
        parser.add_argument("--servants", type=int, default=100000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        bodies, servants = options["bodies"], options["servants"]
        if bodies < 1 or servants < bodies:
            raise CommandError("--bodies must be at least 1 and --servants at least --bodies")
        rng = random.Random(options["seed"])  # noqa: S311 - synthetic data
        started = time.perf_counter()
        quiet = options["no_progress"]
        methodology_services.catalog_load()
        templates = {v.model: v for v in methodology_services.templates_load()}
        tag = f"{int(time.time()) % 100000:05d}"
        existing = StateBody.objects.count()

        with transaction.atomic():
            bins = _check_digit_numbers(f"99{tag[:3]}4", existing * 10, bodies, 5)
            body_rows = [
                StateBody(
                    name_kk=f"Синтетикалық орган {existing + i + 1}",
                    name_ru=f"Синтетический орган {existing + i + 1}",
                    name_en=f"Synthetic body {existing + i + 1}",
                    bin=value,
                )
                for i, value in enumerate(bins)
            ]
            created_bodies = StateBody.objects.bulk_create(body_rows, batch_size=BATCH)
            if not connection.features.can_return_rows_from_bulk_insert:
                created_bodies = list(StateBody.objects.filter(bin__in=bins).order_by("id"))
            per_body = [
                servants // bodies + (1 if i < servants % bodies else 0) for i in range(bodies)
            ]
            bar = tqdm(total=servants, unit="servant", disable=quiet, desc="generate")
            # Serials from 5000 up: clear of the demo's, and of earlier runs'.
            iin_serial = 5000 * 29200 + 2 * Servant.objects.count()
            for body, size in zip(created_bodies, per_body, strict=True):
                iin_serial = self._body(body, size, rng, iin_serial, templates)
                bar.update(size)
            bar.close()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"generated {bodies} bodies and {servants} servants in {elapsed:.1f} s "
            f"({connection.vendor})"
        )

    def _body(
        self,
        body: StateBody,
        size: int,
        rng: random.Random,
        iin_serial: int,
        templates: dict[str, MethodologyVersion],
    ) -> int:
        family = rng.choice(list(FAMILIES))
        first_c, head_c, staff_a, staff_b = FAMILIES[family]
        unit_count = max(1, min(40, size // 12))
        units = Unit.objects.bulk_create(
            [
                Unit(
                    body=body,
                    code="00",
                    name_kk="Басшылық",
                    name_ru="Руководство",
                    name_en="Leadership",
                )
            ]
        )
        if not connection.features.can_return_rows_from_bulk_insert:
            units = list(Unit.objects.filter(body=body))
        lead = units[0]
        children = Unit.objects.bulk_create(
            [
                Unit(
                    body=body,
                    parent=lead,
                    code=f"{i:02d}",
                    name_kk=f"{i}-бөлім",
                    name_ru=f"Отдел {i}",
                    name_en=f"Department {i}",
                )
                for i in range(1, unit_count + 1)
            ]
        )
        if not connection.features.can_return_rows_from_bulk_insert:
            children = list(Unit.objects.filter(body=body, parent=lead).order_by("code"))
        positions: list[Position] = [
            Position(
                body=body,
                unit=lead,
                code="00-01",
                title_kk="Басшы",
                title_ru="Руководитель",
                category=first_c,
                is_head=True,
            )
        ]
        for i in range(1, size):
            unit = children[(i - 1) % len(children)]
            ordinal = (i - 1) // len(children)
            head = ordinal == 0
            positions.append(
                Position(
                    body=body,
                    unit=unit,
                    code=f"{unit.code}-{ordinal + 1:03d}",
                    title_kk="Бөлім басшысы" if head else "Бас маман",
                    title_ru="Руководитель отдела" if head else "Главный специалист",
                    category=head_c if head else rng.choice((staff_a, staff_b)),
                    is_head=head,
                    provides_public_services=rng.random() < 0.3,
                )
            )
        positions = Position.objects.bulk_create(positions, batch_size=BATCH)
        if not connection.features.can_return_rows_from_bulk_insert:
            positions = list(Position.objects.filter(body=body).order_by("id"))
        iins = synthetic_iins(iin_serial, size)
        servant_rows = []
        for n, iin in enumerate(iins):
            data = person(iin_serial + n)
            data.pop("male")
            servant_rows.append(Servant(body=body, iin=iin, **data))
        created = Servant.objects.bulk_create(servant_rows, batch_size=BATCH)
        if not connection.features.can_return_rows_from_bulk_insert:
            created = list(Servant.objects.filter(body=body).order_by("id"))
        appointments = [
            Appointment(
                servant=s,
                position=p,
                start_date=date(2015 + rng.randrange(11), 1 + rng.randrange(12), 1),
            )
            for s, p in zip(created, positions, strict=True)
        ]
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
        absences = [
            Absence(
                servant=s,
                kind=AbsenceKind.ANNUAL_LEAVE,
                start_date=date(2026, 6 + rng.randrange(3), 1 + rng.randrange(20)),
                end_date=date(2026, 9, 25),
            )
            for s in created
            if rng.random() < 0.05
        ]
        Absence.objects.bulk_create(absences, batch_size=BATCH)
        template = templates["2023" if family == "D" else "2018" if family == "E" else "2025"]
        methodology_services.version_adopt(
            actor=None, body=body, template=template, effective_from=template.effective_from
        )
        return iin_serial + size * 2
