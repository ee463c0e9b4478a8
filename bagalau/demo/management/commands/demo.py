from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from bagalau.demo import build as demo


class Command(BaseCommand):
    help = "Create the demo state bodies, staff and users, and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete and recreate the demo bodies"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            logins = demo.build(reset=options["reset"])
            if not logins:
                self.stdout.write("The demo data is already there (use --reset to rebuild it).")
                logins = demo.known_logins()
        self.stdout.write(demo.logins_table(logins))
