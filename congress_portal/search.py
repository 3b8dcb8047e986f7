"""Chinese keyword search served by an index, with no database extension.

Chinese has no spaces between words, so a word index (PostgreSQL's parsers,
or jieba) either misses two-character words or depends on a dictionary. The
portal indexes text as overlapping character n-grams instead: every single
character and every pair of neighbours ("王建国" -> 王, 建, 国, 王建, 建国), in a
``tsvector`` built by the SQL function ``portal_ngrams`` and kept in a GIN
expression index. A query word of one character looks for that character; a
longer word for all its pairs (AND); each word is then re-checked with
``icontains`` on the few rows the index found, so a match means the word
appears as typed, as with the ``icontains`` search it replaces.

On SQLite (the demo) the same filter is a plain ``icontains``.

Use ``keyword_filter(fields, text)`` in a ``.filter()`` on the model itself;
create the column and its index with ``create_search_column_sql`` in a
migration (see deputies/migrations/0004_*)."""
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import BooleanField, Expression, Q

# IMMUTABLE so that an expression index may use it. PL/pgSQL, not SQL: a SQL
# body of set-returning functions is planned with 1,000-row guesses per call,
# which sets off JIT compilation (about 0.7 s a call); this loop takes about
# 0.1 ms for a name and a work unit, and appends to the array in place.
CREATE_FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION portal_ngrams(VARIADIC parts text[]) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  grams text[] := '{}';
  part text;
  word text;
  i int;
BEGIN
  FOREACH part IN ARRAY parts LOOP
    CONTINUE WHEN part IS NULL;
    FOREACH word IN ARRAY regexp_split_to_array(lower(part), '\s+') LOOP
      FOR i IN 1 .. char_length(word) LOOP
        grams := grams || substr(word, i, 1);
        IF i < char_length(word) THEN
          grams := grams || substr(word, i, 2);
        END IF;
      END LOOP;
    END LOOP;
  END LOOP;
  RETURN array_to_tsvector(grams);
END
$$;
"""
DROP_FUNCTION_SQL = "DROP FUNCTION IF EXISTS portal_ngrams(VARIADIC text[]);"


# The n-grams are a stored generated column beside the text, not only an
# expression index: a common word matches so many rows that the bitmap goes
# lossy and PostgreSQL rechecks the condition row by row, which with an
# expression index means running portal_ngrams again on each (25 s for the
# 186,000 deputies of "人民法院" at 2.8 million); a stored column is read instead.
SEARCH_COLUMN = "search_ngrams"


def create_search_column_sql(*, table, columns, index):
    cols = ", ".join(f'"{column}"' for column in columns)
    return [
        f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{SEARCH_COLUMN}" tsvector '
        f"GENERATED ALWAYS AS (portal_ngrams({cols})) STORED;",
        f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin ("{SEARCH_COLUMN}");',
    ]


def drop_search_column_sql(*, table, index):
    return [f'DROP INDEX IF EXISTS "{index}";', f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{SEARCH_COLUMN}";']


def words(text):
    """The words of a query: split on white space, lower case, at most 8."""
    return [word for word in (text or "").lower().split() if word][:8]


def grams(word):
    """The index terms that must all be present for ``word`` to appear."""
    if len(word) == 1:
        return [word]
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


def tsquery(text):
    """The tsquery text for ``text`` ("" when it has no words): quoted lexemes
    joined by &, cast directly (no parser, so no locale decides what a word is)."""
    terms = sorted({gram for word in words(text) for gram in grams(word)})
    return " & ".join("'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in terms)


class NgramMatch(Expression):
    """"table"."search_ngrams" @@ 'query'::tsquery on the queryset's own table,
    the condition the GIN index serves."""

    output_field = BooleanField()

    def __init__(self, query):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        alias = compiler.query.get_initial_alias()
        column = f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(SEARCH_COLUMN)}"
        return f"{column} @@ %s::tsquery", [self.query]


def estimated_matches(table, text):
    """At most how many rows of ``table`` (PostgreSQL) the n-grams of ``text``
    match, by the column's statistics: the row count times the share of the
    rarest gram (0 when a gram is not among the common ones). The planner
    multiplies the shares of a word's grams as if they were independent, so
    it takes a common word (人民法院: 186,000 of 2.8 million) for a rare one,
    joins every match and sorts them; callers use this to choose an ordered
    walk of their keyset index instead. One query on two catalogue rows."""
    terms = sorted({gram for word in words(text) for gram in grams(word)})
    if not terms:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs FROM pg_class c "
            "LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = %s AND s.schemaname = current_schema() "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [SEARCH_COLUMN, table],
        )
        row = cursor.fetchone()
    if row is None or not row[1]:
        return 0
    reltuples, elems, freqs = row
    share = dict(zip(elems, freqs))
    return int(max(reltuples, 0) * min(share.get(term, 0) for term in terms))


def keyword_filter(fields, text):
    """A Q matching rows where every word of ``text`` appears in one of
    ``fields``, for a filter on the model whose table has the search column
    built from those fields (on PostgreSQL served by its GIN index). None when
    ``text`` has no words."""
    query_words = words(text)
    if not query_words:
        return None
    exact = reduce(and_, [reduce(or_, [Q(**{f"{field}__icontains": word}) for field in fields]) for word in query_words])
    if connection.vendor != "postgresql":
        return exact
    return Q(NgramMatch(tsquery(text))) & exact
