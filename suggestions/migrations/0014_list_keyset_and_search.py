"""The public list's keyset index (published_at, id, newest first) and the
n-gram keyword columns (congress_portal/search.py; PostgreSQL only, the demo's
SQLite searches with icontains) on suggestions' title, content and public
summary and on reply letters."""

from django.conf import settings
from django.db import migrations, models


from congress_portal import search

SEARCH_COLUMNS = [
    ("suggestions_suggestion", ["title", "content", "public_summary"], "suggestion_text_ngrams"),
    ("suggestions_reply", ["letter"], "reply_letter_ngrams"),
]


def create_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(search.CREATE_FUNCTION_SQL)
    for table, columns, index in SEARCH_COLUMNS:
        for statement in search.create_search_column_sql(table=table, columns=columns, index=index):
            schema_editor.execute(statement)


def drop_search_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _columns, index in SEARCH_COLUMNS:
        for statement in search.drop_search_column_sql(table=table, index=index):
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('deputies', '0005_photo_checked_upload'),
        ('suggestions', '0013_congress_of_suggestions_and_letters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='suggestion',
            name='suggestion_published_idx',
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(condition=models.Q(('published_at__isnull', False)), fields=['-published_at', '-id'], name='suggestion_published_order'),
        ),
        migrations.RunPython(create_search_columns, drop_search_columns),
    ]
