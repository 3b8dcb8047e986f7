import django.db.models
from django.db import migrations

import liaison_stations.models.issues


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_stations", "0007_backfill_issue_tracking_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="issue",
            name="tracking_code",
            field=django.db.models.CharField(
                default=liaison_stations.models.issues.new_tracking_code, editable=False, max_length=8, unique=True,
                verbose_name="查询码",
            ),
        ),
    ]
