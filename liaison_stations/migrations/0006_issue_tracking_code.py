"""The tracking code (查询码) of an issue, in three steps so that existing rows
each get their own: add the column empty, fill it (0007), then make it unique
and required (0008). The lookup rate limit joins the policy row."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_stations", "0005_backfill_issue_event_move"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="tracking_code",
            field=models.CharField(editable=False, max_length=8, null=True, verbose_name="查询码"),
        ),
        migrations.AddField(
            model_name="stationpolicy",
            name="tracking_rate_limit",
            field=models.PositiveSmallIntegerField(default=30, verbose_name="每个IP每小时最多查询次数"),
        ),
        migrations.AddField(
            model_name="historicalstationpolicy",
            name="tracking_rate_limit",
            field=models.PositiveSmallIntegerField(default=30, verbose_name="每个IP每小时最多查询次数"),
        ),
    ]
