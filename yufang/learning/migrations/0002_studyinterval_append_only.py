"""The evidence of credited study time is append-only in the database itself, as the audit
trail is: PostgreSQL refuses UPDATE and DELETE, SQLite refuses UPDATE (its test flush deletes)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION learning_studyinterval_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'learning_studyinterval is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER learning_studyinterval_no_update BEFORE UPDATE ON learning_studyinterval
    FOR EACH ROW EXECUTE FUNCTION learning_studyinterval_append_only();
CREATE TRIGGER learning_studyinterval_no_delete BEFORE DELETE ON learning_studyinterval
    FOR EACH ROW EXECUTE FUNCTION learning_studyinterval_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS learning_studyinterval_no_update ON learning_studyinterval;
DROP TRIGGER IF EXISTS learning_studyinterval_no_delete ON learning_studyinterval;
DROP FUNCTION IF EXISTS learning_studyinterval_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER learning_studyinterval_no_update BEFORE UPDATE ON learning_studyinterval
BEGIN SELECT RAISE(ABORT, 'learning_studyinterval is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS learning_studyinterval_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
