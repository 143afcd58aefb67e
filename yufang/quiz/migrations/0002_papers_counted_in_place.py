"""The launch morning's writes made cheaper on PostgreSQL. Counting a submitted paper rewrites
the participant's and the paper's rows in place (HOT updates: no index touched) when the row's
page has room: no index covers the counted result any longer (the people board sorts a
competition's participants instead), and both tables leave room on their pages. Drawing a paper
maintains fewer indexes: the paper's participant and the participant's competition are served by
the unique keys and composite indexes that lead with them, nothing reads papers by day, and a
token is never matched by a LIKE pattern. The
storage parameter exists on PostgreSQL only; elsewhere nothing more to do."""

import django.db.models.deletion
from django.db import migrations, models

# Percent of each page filled by inserts; the rest is room for the rows' next versions.
FILLFACTOR = {"quiz_participant": 50, "quiz_paper": 50}


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, percent in FILLFACTOR.items():
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {percent})")
        # The LIKE-pattern twin Django makes beside a unique text column: tokens are only ever
        # looked up whole, and every drawn paper would write it too.
        paper = apps.get_model("quiz", "Paper")
        token = paper._meta.get_field("token")
        name = schema_editor._create_index_name(paper._meta.db_table, [token.column], suffix="_like")
        schema_editor.execute(schema_editor._delete_index_sql(paper, name))


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in FILLFACTOR:
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET (fillfactor)")
        paper = apps.get_model("quiz", "Paper")
        like = schema_editor._create_like_index_sql(paper, paper._meta.get_field("token"))
        if like is not None:
            schema_editor.execute(like)


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0001_quiz_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="paper",
            name="quiz_paper_partici_0ea6ec_idx",
        ),
        migrations.RemoveIndex(
            model_name="participant",
            name="quiz_partic_competi_0547f5_idx",
        ),
        migrations.AlterField(
            model_name="paper",
            name="participant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="paper_set",
                to="quiz.participant",
            ),
        ),
        migrations.AlterField(
            model_name="participant",
            name="competition",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="participants",
                to="quiz.competition",
                verbose_name="竞答",
            ),
        ),
        migrations.RunPython(leave_room, fill_pages),
    ]
