"""`manage.py seed_calendar [--from 2018 --to 2030]`: national holidays from `holidays`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bagalau.workdays.services import seed_from_holidays

FIRST_YEAR = 2018


class Command(BaseCommand):
    help = "Seed the national working-day calendar from the holidays package (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from_year", type=int, default=FIRST_YEAR)
        parser.add_argument(
            "--to", dest="to_year", type=int, help="last year (default: this year + 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first = options["from_year"]
        last = options["to_year"] or timezone.localdate().year + 2
        if not 1991 <= first <= last <= 2100:
            raise CommandError("Need 1991 <= --from <= --to <= 2100.")
        changed = seed_from_holidays(range(first, last + 1))
        self.stdout.write(f"Calendar {first}-{last}: {changed} rows created, changed or removed.")
