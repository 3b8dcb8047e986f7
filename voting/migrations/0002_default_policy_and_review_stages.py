"""The domain defaults as rows staff can edit: the default policy (quorum and
majority more than half of all deputies) and the three review stages (三审)."""
from django.db import migrations

DEFAULT_STAGES = [(1, "主任会议"), (2, "党委"), (3, "常委会")]


def add_defaults(apps, schema_editor):
    VotingPolicy = apps.get_model("voting", "VotingPolicy")
    ReviewStage = apps.get_model("voting", "ReviewStage")
    if not VotingPolicy.objects.filter(congress__isnull=True).exists():
        VotingPolicy.objects.create(congress=None)
    for order, name in DEFAULT_STAGES:
        ReviewStage.objects.get_or_create(congress=None, order=order, defaults={"name": name})


def remove_defaults(apps, schema_editor):
    apps.get_model("voting", "VotingPolicy").objects.filter(congress__isnull=True).delete()
    apps.get_model("voting", "ReviewStage").objects.filter(congress__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
