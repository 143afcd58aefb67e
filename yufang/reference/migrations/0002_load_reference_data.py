from django.db import migrations


def load(apps, schema_editor):
    from yufang.reference.loading import load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
