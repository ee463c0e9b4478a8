from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from bagalau.demo import build as demo


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: give a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Create the demo state bodies, staff and users with their evaluation history up to "
        "today (or --date), and print the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete and recreate the demo bodies"
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="The demo's day (default: today); tests pin it. Its last step runs at 09:00.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["date"]) if options["date"] else None
        with translation.override("en"):
            built = demo.build(reset=options["reset"], today=today)
            if built is None:
                self.stdout.write(
                    "The demo data is already there (use --reset to rebuild it for today)."
                )
                logins = demo.known_logins()
            else:
                logins = built.logins
        self.stdout.write(demo.logins_table(logins))
        if built is not None:
            self.stdout.write("\n".join(built.summary))
