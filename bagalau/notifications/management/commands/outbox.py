"""`python manage.py outbox`: the outbox's state, and the claims left by stopped workers.

Prints the count per status (all bodies, or --body), then every worker holding rows in
"sending" longer than STUCK_AFTER (tick reclaims them itself; this shows that it must).
With --check it exits 1 when anything is stuck or failed, for monitoring.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from bagalau.notifications import selectors
from bagalau.notifications.models import Notification
from bagalau.notifications.services import STUCK_AFTER


class Command(BaseCommand):
    help = "Report the notification outbox by status and the stuck claims of stopped workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", type=int, help="only this state body's messages")
        parser.add_argument(
            "--check", action="store_true", help="exit 1 when a claim is stuck or a message failed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        body_id = options.get("body")
        qs = Notification.objects.all()
        if body_id is not None:
            qs = qs.filter(body_id=body_id)
        counts = dict.fromkeys(Notification.Status.values, 0)
        for row in qs.values("status").annotate(n=Count("id")):
            counts[row["status"]] = row["n"]
        self.stdout.write(" ".join(f"{status}={n}" for status, n in counts.items()))
        stuck = selectors.stuck_claims(now, body_id)
        minutes = int(STUCK_AFTER.total_seconds() // 60)
        if not stuck:
            self.stdout.write(f"stuck claims: none (older than {minutes} min)")
        for claim in stuck:
            age = int((now - claim["oldest"]).total_seconds() // 60)
            self.stdout.write(
                f"stuck: worker={claim['claimed_by'] or '?'} rows={claim['count']} "
                f"oldest claim {age} min ago"
            )
        if options["check"] and (stuck or counts.get(Notification.Status.FAILED)):
            raise CommandError(
                f"{sum(c['count'] for c in stuck)} stuck, "
                f"{counts.get(Notification.Status.FAILED, 0)} failed"
            )
