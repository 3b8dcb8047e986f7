"""Give every issue recorded before tracking codes existed its own code."""
import secrets

from django.db import migrations

# A copy, not an import: a migration keeps working when the model's code changes.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
BATCH = 1000


def fill_codes(apps, schema_editor):
    Issue = apps.get_model("liaison_stations", "Issue")
    used = set(Issue.objects.exclude(tracking_code=None).values_list("tracking_code", flat=True))
    while True:
        rows = list(Issue.objects.filter(tracking_code=None).only("pk")[:BATCH])
        if not rows:
            return
        for issue in rows:
            code = ""
            while not code or code in used:
                code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
            used.add(code)
            issue.tracking_code = code
        Issue.objects.bulk_update(rows, ["tracking_code"])


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_stations", "0006_issue_tracking_code"),
    ]

    operations = [
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
