"""Keyset pagination: a page is found from the last row of the previous one
through an index, so page 10,000 costs what page 1 costs, and nothing counts
the whole set. Links carry ``after`` (next page) or ``before`` (previous
page) cursors of the row's key values instead of page numbers.

The keys are integer or date-time columns (never null) of the queryset's own
model, in the order of an index that serves the page, e.g. ("level_rank",
"congress_id", "id") or, newest first with ``descending=True``,
("published_at", "id"); the last key must be unique. A date-time travels in
the cursor as whole microseconds since 1970 (UTC)."""
import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, DateTimeField
from django.db.models.expressions import RawSQL

PAGE_SIZE = 30


@dataclass
class KeysetPage:
    object_list: list = field(default_factory=list)
    next_cursor: str = ""
    previous_cursor: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.previous_cursor)


def parse_cursor(text, length):
    """The key values of a cursor, or None when it is missing or malformed."""
    parts = (text or "").split(".")
    if len(parts) != length:
        return None
    try:
        values = [int(part) for part in parts]
    except ValueError:
        return None
    if any(abs(value) >= 2**63 for value in values):  # beyond a bigint column
        return None
    return values


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _cursor_part(value):
    if isinstance(value, datetime.datetime):
        delta = value - EPOCH
        return str((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds)
    return str(value)


def _cursor(row, keys):
    return ".".join(_cursor_part(getattr(row, key)) for key in keys)


def _key_values(queryset, keys, numbers):
    """The cursor's numbers as the keys' values (date-times decoded); None
    when a number is out of range."""
    opts = queryset.model._meta
    values = []
    for key, number in zip(keys, numbers):
        if isinstance(opts.get_field(key), DateTimeField):
            try:
                number = EPOCH + datetime.timedelta(microseconds=number)
            except OverflowError:
                return None
        values.append(number)
    return values


def _row_compare(queryset, keys, operator, values):
    """(col1, col2, ...) > (%s, %s, ...): a row comparison an index on the same
    columns answers directly (an OR of column comparisons is not)."""
    opts = queryset.model._meta
    table = queryset.query.get_initial_alias()
    columns = ", ".join(f'"{table}"."{opts.get_field(key).column}"' for key in keys)
    placeholders = ", ".join(["%s"] * len(keys))
    return RawSQL(f"({columns}) {operator} ({placeholders})", values, output_field=BooleanField())


def keyset_page(queryset, *, keys, after="", before="", size=PAGE_SIZE, descending=False):
    """One page of ``queryset`` in ``keys`` order (every key descending when
    ``descending``), after or before a cursor."""
    before_values = parse_cursor(before, len(keys))
    before_values = before_values and _key_values(queryset, keys, before_values)
    after_values = None if before_values else parse_cursor(after, len(keys))
    after_values = after_values and _key_values(queryset, keys, after_values)
    forward = [f"-{key}" for key in keys] if descending else list(keys)
    backward = list(keys) if descending else [f"-{key}" for key in keys]
    ahead, behind = (">", "<") if not descending else ("<", ">")
    if before_values:
        rows = list(queryset.filter(_row_compare(queryset, keys, behind, before_values)).order_by(*backward)[: size + 1])
        more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        if not rows:  # before the first row: show the first page
            return keyset_page(queryset, keys=keys, size=size, descending=descending)
        return KeysetPage(
            object_list=rows, next_cursor=_cursor(rows[-1], keys),
            previous_cursor=_cursor(rows[0], keys) if more_before else "",
        )
    page = queryset.order_by(*forward)
    if after_values:
        page = page.filter(_row_compare(queryset, keys, ahead, after_values))
    rows = list(page[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        object_list=rows,
        next_cursor=_cursor(rows[-1], keys) if more_after else "",
        previous_cursor=_cursor(rows[0], keys) if after_values and rows else "",
    )
