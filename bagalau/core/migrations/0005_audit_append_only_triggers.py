"""The database refuses to change audit rows, whatever client writes to it.

PostgreSQL: UPDATE and DELETE are refused, except DELETE inside `core.models.audit_purge()`
(which sets `bagalau.audit_purge` for its transaction). TRUNCATE stays possible: the test
runner's flush uses it, and it needs the table owner.
SQLite: UPDATE is refused. DELETE is not: Django's flush (transactional tests) deletes rows,
and SQLite triggers cannot tell a purge apart; the ORM guard and the chain's head catch it.
A SQLite table rebuild by a later migration drops the trigger: `verify_audit` warns then.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('bagalau.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""
SQLITE_CREATE = (
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END"
)
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_update"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_chain_existing_audit_rows")]

    operations = [migrations.RunPython(create, drop)]
