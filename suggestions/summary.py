"""The staff dashboard's figures, kept as rows (DashboardSummary: one per year
and one for every year) so that the dashboard reads a row instead of counting
a million suggestions on every view.

The rows are computed by ``compute_figures``, through the one definition of
each figure in suggestions/figures.py, over what staff see (every submitted
suggestion). Any change to suggestions, assignments, replies or ratings marks
the rows stale (in the cache, after commit); the next dashboard view then
queues ``tasks.refresh_dashboard_summary`` and shows the figures it has, with
the time they were counted; rows older than ``MAX_AGE`` are refreshed the
same way. A year without a row is counted on the spot, once, and kept."""
import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from . import figures
from .models import AWAITING_REPLY, Assignment, DashboardSummary, Reply, Status, Suggestion

MAX_AGE = datetime.timedelta(minutes=10)
STALE_KEY = "suggestions:dashboard-summary:stale"
QUEUED_KEY = "suggestions:dashboard-summary:queued"
ALL_YEARS = 0


def compute_figures(base, *, now=None):
    """Counts for the staff dashboard over ``base`` (a Suggestion queryset):
    by status, lead/split unit, category and result category, overdue, key
    supervision, the satisfaction and on-time rates of figures.py. Plain
    values only (no translated labels), so a row can keep them."""
    now = now or timezone.now()
    by_status = dict(base.values_list("status").annotate(n=Count("pk")).order_by())
    by_category = list(base.values("category__name").annotate(n=Count("pk")).order_by("-n", "category__name"))
    assignments = Assignment.objects.filter(suggestion__in=base.values("pk"), is_active=True)
    by_unit = list(
        assignments.values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
            overdue=Count(
                "pk",
                filter=Q(role__in=["lead", "split"], reply_due_at__lt=now, suggestion__status__in=AWAITING_REPLY, replied_at__isnull=True),
            ),
        )
        .order_by("unit__name")
    )
    current = figures.current_replies(Reply.objects.filter(suggestion__in=base.values("pk")))
    by_result = list(current.values("result_category__code", "result_category__name").annotate(n=Count("pk")).order_by("result_category__code"))
    totals = current.aggregate(**figures.reply_aggregates())
    on_time = figures.owing_replies(assignments).aggregate(**{k: figures.assignment_aggregates(now)[k] for k in ("first_due", "on_time")})
    return {
        "total": sum(by_status.values()),
        "by_status": [{"status": s, "count": by_status.get(s, 0)} for s in Status.values if s != Status.DRAFT],
        "by_category": [{"category": r["category__name"], "count": r["n"]} for r in by_category],
        "by_unit": by_unit,
        "by_result_category": [{"code": r["result_category__code"], "name": r["result_category__name"], "count": r["n"]} for r in by_result],
        "overdue": base.overdue(now).count(),
        "key_supervision": base.filter(key_supervision__isnull=False).count(),
        "rated_replies": totals["rated"],
        "satisfied_replies": totals["satisfied"],
        "satisfaction_rate": round(totals["satisfied"] / totals["rated"], 4) if totals["rated"] else None,
        "first_replies_due": on_time["first_due"],
        "first_replies_on_time": on_time["on_time"],
        "on_time_rate": round(on_time["on_time"] / on_time["first_due"], 4) if on_time["first_due"] else None,
    }


def with_labels(data):
    """The figures with each status's label in the current language."""
    return {**data, "by_status": [{**row, "label": str(Status(row["status"]).label)} for row in data["by_status"]]}


def _scope(year):
    base = Suggestion.objects.submitted()  # what staff see: visible_to(staff)
    return base.filter(year=year) if year else base


def _store(year, now):
    data = compute_figures(_scope(year), now=now)
    DashboardSummary.objects.update_or_create(year=year or ALL_YEARS, defaults={"figures": data, "computed_at": now})
    return data


def refresh_summary(*, now=None):
    """Recount every row: every year together and each year with suggestions.
    Whole-table work: run by the task, never by a page."""
    cache.delete(STALE_KEY)  # a change from now on marks the new rows stale again
    cache.delete(QUEUED_KEY)
    now = now or timezone.now()
    years = sorted(set(Suggestion.objects.submitted().order_by().values_list("year", flat=True).distinct()))
    for year in [ALL_YEARS, *years]:
        _store(year, now)
    DashboardSummary.objects.exclude(year__in=[ALL_YEARS, *years]).delete()
    return len(years) + 1


def mark_stale(**kwargs):
    """Signal receiver: the rows are out of date once this transaction commits."""
    transaction.on_commit(lambda: cache.set(STALE_KEY, True, timeout=None))


def queue_refresh():
    """Queue one refresh (not one per view) after the current transaction."""
    if cache.add(QUEUED_KEY, True, timeout=int(MAX_AGE.total_seconds())):
        from celery import current_app  # by name: the task module imports this one

        transaction.on_commit(lambda: current_app.send_task("suggestions.tasks.refresh_dashboard_summary"))


def read(*, year=None, now=None):
    """The dashboard figures of ``year`` (None: every year) from their row,
    with ``computed_at``; one query when the row is there."""
    now = now or timezone.now()
    row = DashboardSummary.objects.filter(year=year or ALL_YEARS).first()
    if row is None:
        data, computed_at = _store(year, now), now
    else:
        data, computed_at = row.figures, row.computed_at
        if cache.get(STALE_KEY) or now - computed_at > MAX_AGE:
            queue_refresh()
    return {**with_labels(data), "computed_at": computed_at}
