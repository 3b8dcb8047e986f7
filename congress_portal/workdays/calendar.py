"""Working-day arithmetic on the Chinese calendar (holidays and 调休 make-up days).

A day is a working day when it is Monday-Friday and not a stored holiday, or a
Saturday/Sunday stored as a make-up workday. Each call reads the stored
exceptions of the span it needs in one query."""
import calendar as _pycalendar
import datetime

from django.utils import timezone

# Enough slack that n working days always fit: the longest Chinese holiday
# block (Spring Festival / National Day) is 8-9 days.
_SPAN_SLACK_DAYS = 30


def _exceptions(start, end):
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


def _is_working(day, exceptions):
    from .models import DayKind

    kind = exceptions.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day):
    """True when ``day`` (a date) is a working day."""
    return _is_working(day, _exceptions(day, day))


def add_working_days(day, n):
    """The date ``n`` working days after ``day`` (``day`` itself not counted).

    ``add_working_days(d, 0)`` is ``d`` when it is a working day, else the next
    working day. Negative ``n`` counts backwards."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    span = datetime.timedelta(days=remaining * 2 + _SPAN_SLACK_DAYS)
    lo, hi = (day, day + span) if step > 0 else (day - span, day)
    exceptions = _exceptions(lo, hi)
    current = day
    if remaining == 0:
        while not _is_working(current, exceptions):
            current += datetime.timedelta(days=1)
        return current
    while remaining:
        current += datetime.timedelta(days=step)
        if not (lo <= current <= hi):  # pathological calendar: widen and go on
            lo, hi = min(lo, current) - span, max(hi, current) + span
            exceptions = _exceptions(lo, hi)
        if _is_working(current, exceptions):
            remaining -= 1
    return current


def next_working_day(day):
    """``day`` if it is a working day, else the first working day after it."""
    return add_working_days(day, 0)


def add_months(day, n):
    """Calendar months: 31 January + 1 month is 28/29 February."""
    month_index = day.month - 1 + n
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _pycalendar.monthrange(year, month)[1]))


def due_date_after_months(day, n):
    """A deadline ``n`` months after ``day``; a deadline falling on a rest day
    moves to the next working day (the rule of the procedure laws: 期间届满的最后一日
    是法定休假日的，以法定休假日后的第一日为期间届满的日期)."""
    return next_working_day(add_months(day, n))


def end_of_day(day):
    """The last moment of ``day`` in the portal's time zone (aware datetime)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def local_today():
    return timezone.localdate()
