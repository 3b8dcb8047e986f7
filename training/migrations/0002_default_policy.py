"""The one policy row, with the defaults, so staff find it in the admin and
pages never create it on the fly."""
from django.db import migrations


def create_policy(apps, schema_editor):
    TrainingPolicy = apps.get_model("training", "TrainingPolicy")
    TrainingPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
