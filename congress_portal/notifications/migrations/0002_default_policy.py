"""The policy row staff edit, with domain.md's defaults."""
from django.db import migrations


def create_policy(apps, schema_editor):
    NotificationPolicy = apps.get_model("notifications", "NotificationPolicy")
    NotificationPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
