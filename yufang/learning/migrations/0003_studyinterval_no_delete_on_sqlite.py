"""SQLite refuses DELETE on the study evidence too, except while Django flushes the database
(yufang/core/db/sqlite3/base.py registers `yufang_flushing()`); PostgreSQL already refuses it
(0002_studyinterval_append_only)."""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER learning_studyinterval_no_delete BEFORE DELETE ON learning_studyinterval
WHEN NOT yufang_flushing()
BEGIN SELECT RAISE(ABORT, 'learning_studyinterval is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS learning_studyinterval_no_delete;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_studyinterval_append_only")]

    operations = [migrations.RunPython(forward, backward)]
