"""The audit trail cannot be quietly changed: append-only, hash-chained, verifiable."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bagalau.core.models import (
    AuditChainHead,
    AuditEvent,
    AuditImmutable,
    audit,
    audit_many,
    purge_audit_before,
)

pytestmark = pytest.mark.django_db


def write(w, n=3, body=None):
    body = w.body if body is None else body
    actor = w.users["hrofficer"]
    return [
        audit(actor=actor, action="servant.saved", obj=w.servant, body=body, data={"n": i})
        for i in range(n)
    ]


def lift_trigger():
    """Tamper as an attacker with database access would (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        else:
            # Deferred foreign-key checks of the rows just written must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify(*args):
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_each_row_holds_the_hash_of_the_previous_row_of_its_body(world):
    first, second, third = write(world)
    other = write(world, 1, body=world.other_body)[0]
    assert first.prev_hash == "" and second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert other.prev_hash == ""  # a chain per body
    head = AuditChainHead.objects.get(key=f"body:{world.body.pk}")
    assert (head.last_hash, head.length) == (third.hash, 3)
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.computed_hash() == stored.hash and len(stored.hash) == 64


def test_bulk_writes_are_chained_too(world):
    before = write(world, 1)[0]
    rows = audit_many(
        (world.users["hrofficer"], "servant.saved", world.servant, world.body, {"n": i})
        for i in range(3)
    )
    assert rows[0].prev_hash == before.hash and rows[2].prev_hash == rows[1].hash
    assert "OK: 4 audit events" in verify()


def test_the_orm_refuses_to_change_or_delete_audit_rows(world):
    event = write(world, 1)[0]
    event.data = {"n": 99}
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(data={})
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.bulk_update([event], ["data"])
    assert AuditEvent.objects.get(pk=event.pk).data == {"n": 0}


def test_the_database_refuses_an_update_of_an_audit_row(world):
    event = write(world, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 7}', event.pk])
    assert AuditEvent.objects.get(pk=event.pk).data == {"n": 0}


def test_users_and_bodies_with_audit_events_cannot_be_deleted(world):
    from django.db.models import ProtectedError

    from bagalau.core.tests.factories import BodyFactory

    write(world, 1)
    with pytest.raises(ProtectedError):
        world.users["hrofficer"].delete()  # users are deactivated, not deleted
    empty = BodyFactory()  # no staff, no records: only its audit chain holds it
    write(world, 1, body=empty)
    with pytest.raises(ProtectedError):
        empty.delete()


def test_verify_audit_reports_ok_with_the_count(world):
    write(world, 3)
    write(world, 2, body=world.other_body)
    assert "OK: 5 audit events in 2 chain(s)" in verify()
    assert "OK: 2 audit events in 1 chain(s)" in verify("--body", world.other_body.bin)
    assert "OK: 3 audit events" in verify("--body", str(world.body.pk))
    with pytest.raises(CommandError, match="No state body"):
        verify("--body", "000000000000")


def test_verify_audit_finds_a_tampered_row(world):
    rows = write(world, 4)
    lift_trigger()
    raw("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 42}', rows[2].pk])
    with pytest.raises(CommandError) as broken:
        verify()
    message = str(broken.value)
    assert f"row #{rows[2].pk}" in message and "content hash mismatch" in message
    # The other body's chain is not affected.
    assert "OK: 0 audit events" in verify("--body", world.other_body.bin)


def test_verify_audit_finds_a_rewritten_chain_link(world):
    rows = write(world, 3)
    lift_trigger()
    raw("UPDATE core_auditevent SET prev_hash = %s WHERE id = %s", ["0" * 64, rows[1].pk])
    with pytest.raises(CommandError, match=rf"missing row at row #{rows[1].pk}"):
        verify()


def test_verify_audit_finds_a_deleted_row_in_the_middle_and_at_the_end(world):
    rows = write(world, 4)
    lift_trigger()
    raw("DELETE FROM core_auditevent WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=rf"missing row at row #{rows[2].pk}"):
        verify()
    raw("DELETE FROM core_auditevent WHERE id IN (%s, %s, %s)", [r.pk for r in rows[1:]])
    with pytest.raises(CommandError, match="missing row at end of chain"):
        verify()


def test_the_retention_purge_is_the_one_way_out_and_keeps_the_rest_verifiable(world):
    old = write(world, 3)
    cutoff = timezone.now()
    kept = write(world, 2)
    assert purge_audit_before(cutoff) == 3
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in kept]).count() == 2
    assert "OK: 2 audit events" in verify()
    assert purge_audit_before(cutoff - timedelta(days=1)) == 0


def test_verify_audit_warns_when_the_trigger_is_gone(world):
    write(world, 1)
    lift_trigger()
    err = StringIO()
    call_command("verify_audit", stdout=StringIO(), stderr=err)
    assert "trigger" in err.getvalue()


# --- the admin: read-only for everyone, superusers included -----------------------------------


def test_the_admin_cannot_delete_or_change_audit_rows_even_for_a_superuser(world):
    event = write(world, 1)[0]
    admin = world.client("admin")
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin.get(delete_url).status_code == 403
    assert admin.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    assert admin.post(change_url, {"action": "x", "data": "{}"}).status_code == 403
    assert admin.get(reverse("admin:core_auditevent_add")).status_code == 403
    changelist = admin.get(reverse("admin:core_auditevent_changelist"))
    assert changelist.status_code == 200
    assert b"delete_selected" not in changelist.content
    bulk = admin.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == {"n": 0} and stored.hash == event.hash


def test_the_demo_reset_removes_its_records_through_the_purge_and_stays_verifiable():
    from bagalau.org.models import StateBody

    # Early in a year: a short history (four quarters) is enough to reset.
    call_command("demo", "--date", "2026-01-15", stdout=StringIO())
    call_command("demo", "--reset", "--date", "2026-01-15", stdout=StringIO())
    assert StateBody.objects.filter(name_kk__endswith="(демо)").count() == 2
    assert "OK" in verify()
