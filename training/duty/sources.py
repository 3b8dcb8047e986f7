"""The parts of a duty record, one source per app that records something.

A source names its metrics and computes them for a year and a set of deputies
in a few grouped queries (``values("deputy").annotate(...)``), never one query
per deputy: the yearly refresh covers every deputy of the province at once.
A source whose app has not landed its models says so in ``is_available`` and
contributes nothing; the record shows its metrics as zero.

To add a part: subclass ``DutySource``, list its metrics, implement ``collect``
(and ``details`` for the printable record), and append it to ``SOURCES``.
"""
import datetime
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import models as m


def year_range(year):
    """Aware datetimes [1 Jan, 1 Jan next year) in the portal's time zone, so
    "the year" is the Chinese calendar year whatever the database's zone."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def _restrict(queryset, field, deputy_ids):
    return queryset if deputy_ids is None else queryset.filter(**{f"{field}__in": deputy_ids})


def _model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


class DutySource:
    key = ""
    label = ""
    metrics = ()  # (key, label) pairs

    def is_available(self):
        return True

    def collect(self, *, year, deputy_ids):
        """{deputy_id: {metric: number}} for deputies with anything to count.
        ``deputy_ids`` is None (everyone) or an iterable/queryset of ids."""
        raise NotImplementedError

    def details(self, *, year, deputy):
        """Lines for the printable record: a list of (date or None, text)."""
        return []


class PlenarySource(DutySource):
    key = "plenary"
    label = _("出席会议")
    metrics = (
        ("plenary_present", _("出席代表大会会议(次)")),
        ("plenary_leave", _("请假(次)")),
        ("plenary_absent", _("缺席(次)")),
    )

    def collect(self, *, year, deputy_ids):
        rows = (
            _restrict(m.PlenaryAttendance.objects.filter(session__year=year), "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(
                plenary_present=Count("pk", filter=Q(status=m.PlenaryAttendanceStatus.PRESENT)),
                plenary_leave=Count("pk", filter=Q(status=m.PlenaryAttendanceStatus.LEAVE)),
                plenary_absent=Count("pk", filter=Q(status=m.PlenaryAttendanceStatus.ABSENT)),
            )
        )
        return {row.pop("deputy_id"): row for row in rows}

    def details(self, *, year, deputy):
        rows = (
            m.PlenaryAttendance.objects.filter(session__year=year, deputy=deputy)
            .select_related("session__term__congress")
            .order_by("session__start_date")
        )
        return [(a.session.start_date, f"{a.session} · {a.get_status_display()}") for a in rows]


class TrainingSource(DutySource):
    key = "training"
    label = _("学习培训")
    metrics = (
        ("training_sessions", _("参加学习培训(次)")),
        ("training_hours", _("培训学时")),
    )

    def collect(self, *, year, deputy_ids):
        start, end = year_range(year)
        rows = (
            _restrict(
                m.Enrolment.objects.filter(
                    status=m.EnrolmentStatus.ATTENDED, session__starts_at__gte=start, session__starts_at__lt=end
                ),
                "deputy_id",
                deputy_ids,
            )
            .values("deputy_id")
            .annotate(training_sessions=Count("pk"), training_hours=Sum("hours_credited"))
        )
        return {row.pop("deputy_id"): row for row in rows}

    def details(self, *, year, deputy):
        start, end = year_range(year)
        rows = (
            m.Enrolment.objects.filter(
                deputy=deputy, status=m.EnrolmentStatus.ATTENDED, session__starts_at__gte=start, session__starts_at__lt=end
            )
            .select_related("session")
            .order_by("session__starts_at")
        )
        return [
            (
                timezone.localtime(e.session.starts_at).date(),
                _("%(title)s(%(kind)s,%(hours)s学时)")
                % {"title": e.session.title, "kind": e.session.get_kind_display(), "hours": e.hours_credited},
            )
            for e in rows
        ]


class ActivitySource(DutySource):
    key = "activities"
    label = _("其他履职活动")
    metrics = (("activities_total", _("其他履职活动(次)")),) + tuple(
        (f"activity_{kind.value}", kind.label) for kind in m.ActivityKind
    )

    def collect(self, *, year, deputy_ids):
        first, last = m.year_bounds(year)
        per_kind = {
            f"activity_{kind.value}": Count("pk", filter=Q(kind=kind.value)) for kind in m.ActivityKind
        }
        rows = (
            _restrict(m.DutyActivity.objects.filter(date__gte=first, date__lte=last), "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(activities_total=Count("pk"), **per_kind)
        )
        return {row.pop("deputy_id"): row for row in rows}

    def details(self, *, year, deputy):
        first, last = m.year_bounds(year)
        rows = m.DutyActivity.objects.filter(deputy=deputy, date__gte=first, date__lte=last).order_by("date", "pk")
        return [(a.date, f"{a.get_kind_display()} · {a.title}") for a in rows]


SOURCES = [PlenarySource(), TrainingSource(), ActivitySource()]


def available_sources():
    return [source for source in SOURCES if source.is_available()]


def metric_labels():
    """Every metric a scoring item may name, with its label (also those of
    sources whose app has not landed yet, so staff can prepare the rules)."""
    return {key: label for source in SOURCES for key, label in source.metrics}


def zero_metrics():
    return {key: 0 for key in metric_labels()}


def as_number(value):
    """JSON-friendly: ints stay ints, Decimals become floats rounded to 0.1."""
    if isinstance(value, Decimal):
        return float(round(value, 1))
    return value or 0
