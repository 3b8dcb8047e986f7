"""The n-gram keyword index (congress_portal/search.py) on station issues: what
was raised, the station's answer and the unit's feedback (never who raised it
or their contact), for the keyword search of the issue lists (PostgreSQL only;
SQLite, the demo, searches with icontains)."""
from django.db import migrations

from congress_portal import search

TABLE, COLUMNS, INDEX = "liaison_stations_issue", ["content", "answer", "feedback"], "issue_text_ngrams"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(search.CREATE_FUNCTION_SQL)
    for statement in search.create_search_column_sql(table=TABLE, columns=COLUMNS, index=INDEX):
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in search.drop_search_column_sql(table=TABLE, index=INDEX):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_stations", "0011_fullwidth_labels"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
    ]
