"""`manage.py tick`: run the periodic hooks, then deliver due notifications.

Safe every minute from cron and on two workers at once: rows are claimed with a
conditional UPDATE (see services.claim). `--loop 60` runs it forever as a simple service,
which outlives a database restart (a failed run is logged and the next one reconnects).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from bagalau.notifications import periodic, services

logger = logging.getLogger("bagalau.tick")

# One run keeps claiming batches until nothing is due or this much time has passed, so a
# big queue (a quarter's close) drains without overlapping the next minute's run much.
TIME_BUDGET_SECONDS = 45.0


class Command(BaseCommand):
    help = "Run periodic hooks (reminders, overdue flags) and send due notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker",
            default=f"{socket.gethostname()}-{os.getpid()}",
            help="Name of this worker, unique among those running (default: host-pid).",
        )
        parser.add_argument(
            "--limit", type=int, default=500, help="Rows claimed per batch (default 500)."
        )
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Run forever, once every SECONDS (default: run once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker: str = options["worker"][:128]
        limit: int = max(1, options["limit"])
        interval: float = options["loop"]
        if interval <= 0:
            self.stdout.write(self.run_once(worker, limit))
            return
        try:
            while True:
                started = time.monotonic()
                close_old_connections()
                try:
                    self.stdout.write(self.run_once(worker, limit))
                except DatabaseError as exc:
                    # The database restarted or is unreachable: this run's work was rolled
                    # back or never claimed. Drop the connection, wait, and go on; rows this
                    # worker claimed and did not finish are reclaimed (services.STUCK_AFTER).
                    logger.warning("tick: the database failed, retrying: %s", exc)
                    self.stdout.write(f"tick: database unavailable ({type(exc).__name__})")
                    connections.close_all()
                self.stdout.flush()
                close_old_connections()
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            self.stdout.write("tick: stopped")

    def run_once(self, worker: str, limit: int) -> str:
        result = periodic.run_periodic(timezone.now())
        sent = failed = 0
        started = time.monotonic()
        while True:
            now = timezone.now()
            ids = services.claim_due(worker, now, limit)
            if not ids:
                break
            s, f = services.deliver(ids, worker=worker, now=now)
            sent, failed = sent + s, failed + f
            if len(ids) < limit or time.monotonic() - started > TIME_BUDGET_SECONDS:
                break
        line = f"tick: {result.hooks} hooks, {result.queued} queued, {sent} sent, {failed} failed"
        if result.errors:
            line += f", {result.errors} hook errors"
        return line
