"""Helpers every app's notices share: dates in Chinese, links, reminder stages.

Notices compute a reminder's stage from its dates and the NotificationPolicy
row (30/7/1 days before a deadline, week n while overdue, n days after it
started waiting); each (recipient, item, kind, stage) is said once."""
import datetime

from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def cn_date(day):
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def end_of(day):
    """The last instant of a local day, as an aware datetime."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    ) - datetime.timedelta(microseconds=1)


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def local_day(field_name):
    """The local (Asia/Shanghai) date of a datetime column, computed by the
    database: per row in Python, timezone.localdate() costs more than the
    rest of the row's work together."""
    return TruncDate(field_name)


def due_stage(days_left, stages, overdue_every):
    """The reminder stage of an item due in ``days_left`` days: "d7" when the
    7-day stage is the nearest one reached, "o2" in the second overdue period,
    None when no reminder is due yet (or none while overdue)."""
    if days_left < 0:
        if not overdue_every:
            return None
        return f"o{(-days_left - 1) // overdue_every + 1}"
    reached = [stage for stage in stages if days_left <= stage]
    return f"d{min(reached)}" if reached else None


def waiting_stage(days_waiting, stages):
    """The reminder stage of something waiting for ``days_waiting`` days."""
    reached = [stage for stage in stages if days_waiting >= stage]
    return f"a{max(reached)}" if reached else None


def due_context(*, unit_name, title, due_on, today, **extra):
    """The context of a "due in n days / overdue by n days" reminder to a unit."""
    days_left = (due_on - today).days
    return {
        "unit_name": unit_name, "title": title, "due_date": cn_date(due_on),
        "days_left": max(days_left, 0), "days_overdue": max(-days_left, 0), **extra,
    }


def link_to(url_name):
    """A fast ``pk -> url`` for one URL pattern (reverse once, not per row)."""
    sentinel = 987654321
    try:
        url = reverse(url_name, args=[sentinel])
    except NoReverseMatch:
        return lambda pk: ""
    prefix, _sep, suffix = url.partition(str(sentinel))
    return lambda pk: f"{prefix}{pk}{suffix}"


def reverse_or_blank(url_name, *args):
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


def rate(part, whole):
    """"87.5%", or "—" when there is nothing to rate."""
    return f"{part / whole:.1%}" if whole else "—"
