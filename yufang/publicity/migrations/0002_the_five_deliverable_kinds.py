"""The kinds of publicity deliverable the 2023 plan pays for (seed 三（一）, 附件 工伤预防宣传):
the broadcaster's 线性宣传课堂, short videos, targeted pushes on the 5G 智媒 platform, printed
materials and events such as the launch ceremony. The programme owner edits them afterwards."""

from django.db import migrations

from yufang.publicity.defaults import KINDS, load_default_kinds


def add_kinds(apps, schema_editor):
    load_default_kinds(apps)


def remove_kinds(apps, schema_editor):
    DeliverableKind = apps.get_model("publicity", "DeliverableKind")
    DeliverableKind.objects.filter(code__in=[k["code"] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_deliverables")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
