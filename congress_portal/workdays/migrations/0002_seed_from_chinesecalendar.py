from django.db import migrations


def seed(apps, schema_editor):
    from congress_portal.workdays.sync import sync_from_package

    sync_from_package(apps.get_model("workdays", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
