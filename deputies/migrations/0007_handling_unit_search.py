"""The n-gram keyword index (congress_portal/search.py) on handling units'
names and short names, for the searchable unit pickers (PostgreSQL only)."""
from django.db import migrations

from congress_portal import search

TABLE, COLUMNS, INDEX = "deputies_handlingunit", ["name", "short_name"], "handlingunit_name_ngrams"


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
        ("deputies", "0006_delegation_suggestions"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
    ]
