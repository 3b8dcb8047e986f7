"""What a day's reminder scan has to look at, from the last day it covered.

A reminder stage begins on the day that crosses a threshold of the item's
dates: "d7" when today reaches due − 7, "o1" the day after the due date and
every ``overdue_every`` days after that, "a5" when today reaches start + 5.
The scan of ``today`` after one of ``last`` need only read the items whose
threshold fell in (last, today]: per stage a range of due (or start) dates
on an index; a skipped day is caught up by the wider range. Items whose dates
were set or moved since (a new assignment, an extension, re-handling) are
added by the app (its events since ``last``). The anti-join on the
notification table stays the guard against saying anything twice; the
watermark only narrows what is read. No watermark (a first run), or one past
``today`` (a scan run by hand for an earlier day), scans everything."""
import datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Mod
from django.utils import timezone

from .models import ScanWatermark
from .text import end_of, start_of

NOTHING = Q(pk__in=[])
# An event written before a scan began but committed after it was not seen by
# that scan: the next one re-reads changes from this long before it.
COMMIT_MARGIN = datetime.timedelta(hours=1)


class Since(NamedTuple):
    """The last scan of a kind: the day it covered, and from when a change
    to an item's dates (an event) may not have been seen by it."""

    day: datetime.date
    changed_after: datetime.datetime


class ScanWindow:
    """The watermarks read once per scan; ``last(key)`` says from when the
    scan of ``today`` must look for that kind, and remembers the key so the
    scan records ``today`` for it (``save``)."""

    def __init__(self, *, today, marks):
        self.today = today
        self.marks = marks
        self.scanned = set()

    @classmethod
    def read(cls, *, today):
        rows = ScanWatermark.objects.values_list("key", "scanned_day", "scanned_at")
        return cls(today=today, marks={key: Since(day, at - COMMIT_MARGIN) for key, day, at in rows})

    def last(self, key):
        """The last scan of ``key`` (a ``Since``), or None: scan everything."""
        self.scanned.add(key)
        last = self.marks.get(key)
        if last is None or last.day > self.today:
            return None
        return last

    def save(self, *, now=None):
        """Record ``today`` for every key scanned (never moving a watermark back)."""
        keys = sorted(key for key in self.scanned if key not in self.marks or self.marks[key].day <= self.today)
        if not keys:
            return
        now = now or timezone.now()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {ScanWatermark._meta.db_table} (key, scanned_day, scanned_at) "
                    "SELECT unnest(%s::varchar[]), %s, %s "
                    "ON CONFLICT (key) DO UPDATE SET scanned_day = GREATEST("
                    f"{ScanWatermark._meta.db_table}.scanned_day, EXCLUDED.scanned_day), scanned_at = EXCLUDED.scanned_at",
                    [keys, self.today, now],
                )
            return
        for key in keys:
            day = max(self.today, self.marks[key].day) if key in self.marks else self.today
            ScanWatermark.objects.update_or_create(key=key, defaults={"scanned_day": day, "scanned_at": now})


def _bounds(date_column):
    """(first instant, last instant) of a day, for a datetime column or a date one."""
    if date_column:
        return (lambda day: day), (lambda day: day)
    return start_of, end_of


def due_window(field, *, today, last, stages, overdue_every, days_left="days_left", date_column=False):
    """A Q over the due-date column ``field``: the items for which a stage
    began after ``last`` up to ``today`` (None: no restriction). ``days_left``
    names the annotation (due day − today) the overdue periods are counted on;
    ``last`` a ``Since``; with ``overdue_every`` the queryset must be annotated with
    ``<days_left>_phase`` (``overdue_phase``)."""
    first, final = _bounds(date_column)
    if last is None:
        return None
    last = last.day
    gap = (today - last).days
    if gap <= 0:
        return NOTHING
    window = NOTHING
    for stage in stages:  # "d{stage}" begins on due − stage: due in (last + stage, today + stage]
        window |= Q(**{f"{field}__gte": first(last + datetime.timedelta(days=stage + 1)),
                       f"{field}__lte": final(today + datetime.timedelta(days=stage))})
    if overdue_every:
        # "o{n}" begins on due + 1 + (n − 1) × every: overdue items whose
        # period turned within the last ``gap`` days (every one after a long gap).
        overdue = Q(**{f"{field}__lte": final(today - datetime.timedelta(days=1))})
        if gap < overdue_every:
            overdue &= Q(**{f"{days_left}_phase__lt": gap})
        window |= overdue
    return window


def overdue_phase(days_left, overdue_every):
    """Days since the current overdue period began (annotate as ``<days_left>_phase``)."""
    return Mod(-F(days_left) - Value(1), Value(overdue_every or 1))


def waiting_window(field, *, today, last, stages):
    """A Q over the start column ``field`` (assigned, invited, replied): the
    items for which "a{stage}" began after ``last``: start in (last − stage, today − stage]."""
    if last is None:
        return None
    last = last.day
    if (today - last).days <= 0:
        return NOTHING
    window = NOTHING
    for stage in stages:
        window |= Q(**{f"{field}__gte": start_of(last - datetime.timedelta(days=stage - 1)),
                       f"{field}__lte": end_of(today - datetime.timedelta(days=stage))})
    return window
