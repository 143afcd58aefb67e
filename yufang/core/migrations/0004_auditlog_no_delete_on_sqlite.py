"""SQLite refuses DELETE on the audit trail too, except while Django flushes the database
(yufang/core/db/sqlite3/base.py registers `yufang_flushing()`); PostgreSQL already refuses it
(0002)."""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog
WHEN NOT yufang_flushing()
BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS core_auditlog_no_delete;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_job")]

    operations = [migrations.RunPython(forward, backward)]
