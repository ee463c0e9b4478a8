"""`manage.py retention [--body ID] [--dry-run] [--archive DIR]` (001 p8, 002 p15).

Lists, per body and period, the records kept past their three years; without --dry-run
deletes them (one transaction per body and period, archived first with --archive) and leaves
one audit event `retention.purge` with the counts and periods only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from bagalau.org.models import StateBody
from bagalau.reports import retention


class Command(BaseCommand):
    help = "List (--dry-run) or purge the evaluation records past their retention term."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--body", type=int, help="one state body (its id)")
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument("--archive", type=Path, help="write each deleted row as JSON lines")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        bodies = StateBody.objects.order_by("pk")
        if options["body"] is not None:
            bodies = bodies.filter(pk=options["body"])
            if not bodies.exists():
                raise CommandError(f"--body: no state body {options['body']}")
        dry = options["dry_run"]
        work = [(b.pk, y, q) for b in bodies for y, q in retention.expired_periods(b.pk, today)]
        bar = tqdm(work, unit="period", desc="retention", disable=None, file=self.stderr._out)
        total = 0
        for body_id, year, quarter in bar:
            if dry:
                found = retention.period_counts(body_id, year, quarter)
            else:
                found = retention.period_purge(
                    body_id=body_id, year=year, quarter=quarter, archive_dir=options["archive"]
                )
            if not found.total:
                continue
            total += found.total
            counts = ", ".join(f"{k}={v}" for k, v in sorted(found.counts.items()))
            verb = "expired" if dry else "deleted"
            self.stdout.write(
                f"body {body_id} {found.label} (expired {found.expires_on}): {verb} {counts}"
            )
        verb = "would delete" if dry else "deleted"
        self.stdout.write(f"retention: {verb} {total} records")
