from django.db import migrations


def forwards(apps, schema_editor):
    from yufang.supervision.defaults import load

    load(apps.get_model("supervision", "Checklist"), apps.get_model("supervision", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_supervision")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
