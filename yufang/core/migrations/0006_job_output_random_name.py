# Joins the job-output and random-upload-name branches; the job's output file gets a random name too.

from django.db import migrations, models

import yufang.core.files
import yufang.core.models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_job_output_and_reported_at"),
        ("core", "0005_uploads_random_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="output",
            field=models.FileField(
                blank=True,
                storage=yufang.core.models.private_storage,
                upload_to=yufang.core.files.RandomName("jobs"),
                verbose_name="结果文件",
            ),
        ),
    ]
