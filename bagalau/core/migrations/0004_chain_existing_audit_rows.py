"""Chain the audit rows written before the hash chain existed, in insertion (id) order."""

from django.db import migrations

from bagalau.core import audit_chain

BATCH = 1000


def chain_rows(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    heads: dict[str, tuple[str, int]] = {}
    batch = []
    for event in AuditEvent.objects.using(db).order_by("id").iterator(chunk_size=BATCH):
        key = audit_chain.chain_key(event.body_id)
        prev, length = heads.get(key, ("", 0))
        event.prev_hash = prev
        event.hash = audit_chain.event_hash(
            body_id=event.body_id,
            created_at=event.created_at,
            actor_id=event.actor_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            data=event.data,
            prev_hash=prev,
        )
        heads[key] = (event.hash, length + 1)
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.using(db).bulk_update(batch, ["prev_hash", "hash"])
    for key, (last_hash, length) in heads.items():
        AuditChainHead.objects.using(db).update_or_create(
            key=key, defaults={"last_hash": last_hash, "length": length}
        )


def unchain_rows(apps, schema_editor):
    apps.get_model("core", "AuditChainHead").objects.using(schema_editor.connection.alias).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_hash_chain")]

    operations = [migrations.RunPython(chain_rows, unchain_rows)]
