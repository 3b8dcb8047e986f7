"""The directory's keyset order (level_rank, backfilled from level) and the
n-gram keyword indexes (PostgreSQL; congress_portal/search.py) on deputies'
names and work units and on electoral units' names."""
from django.db import migrations, models
from django.db.models import Case, Value, When

import deputies.models
from congress_portal import search

SEARCH_COLUMNS = [
    ("deputies_deputy", ["name", "work_unit"], "deputy_name_unit_ngrams"),
    ("deputies_electoralunit", ["name"], "electoralunit_name_ngrams"),
]


def backfill_level_rank(apps, schema_editor):
    Mandate = apps.get_model("deputies", "Mandate")
    ranks = [When(level=level, then=Value(rank)) for level, rank in deputies.models.LEVEL_RANK.items()]
    Mandate.objects.update(level_rank=Case(*ranks, default=Value(len(ranks))))


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(search.CREATE_FUNCTION_SQL)
    for table, columns, index in SEARCH_COLUMNS:
        for statement in search.create_search_column_sql(table=table, columns=columns, index=index):
            schema_editor.execute(statement)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _columns, index in SEARCH_COLUMNS:
        for statement in search.drop_search_column_sql(table=table, index=index):
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('deputies', '0003_deputyimport'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmandate',
            name='level_rank',
            field=deputies.models.LevelRankField(default=5, editable=False, verbose_name='层级顺序'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='level_rank',
            field=deputies.models.LevelRankField(default=5, editable=False, verbose_name='层级顺序'),
        ),
        migrations.AddIndex(
            model_name='mandate',
            index=models.Index(condition=models.Q(('status', 'serving')), fields=['level_rank', 'congress', 'id'], name='mandate_directory_order'),
        ),
        migrations.RunPython(backfill_level_rank, migrations.RunPython.noop),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
