"""Two writers appending to one body's chain at once never fork it (PostgreSQL only).

Transactional: each thread has its own connection and commits. The chain head row is locked
by every append, so the second writer waits and links to the first one's row.
"""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from bagalau.core.models import AuditChainHead, AuditEvent, audit
from bagalau.core.tests.factories import BodyFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; the race needs two PostgreSQL connections",
    ),
]

PER_WORKER = 25


def test_concurrent_appends_to_one_chain_stay_linear():
    body = BodyFactory()
    audit(actor=None, action="body.saved", obj=body, body=body)  # the head exists
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(PER_WORKER):
                with transaction.atomic():
                    audit(actor=None, action="unit.saved", obj=body, body=body, data={name: i})
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    rows = list(
        AuditEvent.objects.filter(body=body).order_by("id").values_list("prev_hash", "hash")
    )
    assert len(rows) == 1 + 2 * PER_WORKER
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))  # no fork
    assert AuditChainHead.objects.get(key=f"body:{body.pk}").length == len(rows)
    out = StringIO()
    call_command("verify_audit", "--body", body.bin, stdout=out, stderr=StringIO())
    assert "OK" in out.getvalue()
