from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bagalau.methodology import services


class Command(BaseCommand):
    help = "Load the indicator catalogs and the national typical methodology versions (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.catalog_load()
        versions = services.templates_load()
        self.stdout.write(
            f"catalog: {counts['categories']} categories, {counts['competencies']} competencies, "
            f"{counts['sets']} indicator sets, {counts['indicators']} indicators; "
            f"{len(versions)} national versions"
        )
