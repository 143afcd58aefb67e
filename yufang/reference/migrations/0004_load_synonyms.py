"""The ways rosters commonly write the reference industries and positions
(reference/data/synonyms.json), each mapped only where the meaning is the same."""

from django.db import migrations

from yufang.reference.loading import load_synonyms


def load(apps, schema_editor):
    load_synonyms(apps)


def unload(apps, schema_editor):
    apps.get_model("reference", "Synonym").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_synonym")]

    operations = [migrations.RunPython(load, unload)]
