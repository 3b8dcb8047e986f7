"""The counts shown as badges on the navigation (unread messages, co-sign
invitations waiting for an answer).

Each app registers, from its AppConfig.ready(), a function giving the rows a
badge counts for a user (a queryset, or None when it does not apply), under
the URL name of the navigation link it sits on; congress_portal imports no
app. ``counts`` asks for every badge of a page in ONE query, and each count
stops at ``CAP`` rows (``SELECT count(*) FROM (... LIMIT 100)``), served by the
index that lists those rows: a badge never counts a whole table."""
from django.db import connection

CAP = 100
_COUNTERS = {}


def register(url_name, rows_for):
    """``rows_for(user)`` -> the queryset a badge on ``url_name`` counts, or None."""
    _COUNTERS[url_name] = rows_for


def counts(user, url_names):
    """{url name: count} for the registered badges among ``url_names`` that
    apply to ``user``, in one query; {} when none does (no query)."""
    parts = []
    for name in url_names:
        rows_for = _COUNTERS.get(name)
        rows = rows_for(user) if rows_for else None
        if rows is not None:
            parts.append((name, rows.order_by().values("pk")[:CAP]))
    if not parts:
        return {}
    selects, params = [], []
    for _name, rows in parts:
        sql, part_params = rows.query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS badge_rows)")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        found = cursor.fetchone()
    return {name: value for (name, _rows), value in zip(parts, found)}


def label(count):
    """What the badge says: the count, or "99+" past the cap."""
    return f"{CAP - 1}+" if count >= CAP else str(count)
