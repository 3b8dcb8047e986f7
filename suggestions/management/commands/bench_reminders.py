"""bin/bench reminders [--suggestions N] [--units N]: the reminder scan and the
monthly notice at volume, in PostgreSQL. Prints the figures.

Builds N open (assigned) suggestions over the units with
suggestions.bulk (deadlines spread from 60 days overdue to
100 days ahead) unless the bench database already holds them (the data is
kept between runs; only the notifications are cleared, so every run measures
a first scan). Then: a first scan with only a tenth of the items active and a
first scan over all N (both record every reminder due, so their query counts
must be equal: the count does not depend on N), the same scan again (steady
state: nothing new), and the monthly notice for all units: building the
figures and snapshots, recording every notice and the staff summaries, then
rendering every message and building every Excel attachment. Sends are
counted, not published."""
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        self.queries = CaptureQueriesContext(connection)
        self.queries.__enter__()
        return self

    def __exit__(self, *exc):
        self.queries.__exit__(*exc)
        self.seconds = time.perf_counter() - self.start

    @property
    def count(self):
        return len(self.queries)


class Command(BaseCommand):
    help = "Benchmark the reminder scan and the monthly progress notice."

    def add_arguments(self, parser):
        parser.add_argument("--suggestions", type=int, default=100_000)
        parser.add_argument("--units", type=int, default=2_000)

    def handle(self, *args, suggestions, units, **options):
        from congress_portal.accounts.models import Role, User
        from congress_portal.notifications import services
        from congress_portal.notifications.excel import workbook_for
        from congress_portal.notifications.models import Delivery, Kind, Notification
        from django.utils import timezone

        from congress_portal.notifications import registry
        from congress_portal.notifications.models import NotificationPolicy
        from suggestions.notices import monthly_notices

        queued = []
        services.dispatch = lambda ids: queued.append(len(ids))  # count, do not publish
        for i in range(5):
            User.objects.get_or_create(
                username=f"bench-staff-{i}", defaults={"role": Role.STAFF, "email": f"staff{i}@npc.example.gov.cn"}
            )
        out = self.stdout.write
        out(f"reminders benchmark: {suggestions:,} open suggestions, {units:,} units ({connection.vendor})")

        t0 = time.perf_counter()
        unit_ids = _ensure_data(suggestions, units)
        out(f"  data: {suggestions:,} open suggestions over {len(unit_ids):,} units "
            f"(built or found in {time.perf_counter() - t0:.1f} s)")

        small = suggestions // 10
        _clear_notifications()
        with _only_every_tenth_active():
            with Timer() as scan_small:
                result_small = registry.scan()
        out(f"  first scan at N={small:,} (a tenth active): {scan_small.seconds:.2f} s, {scan_small.count} queries, "
            f"{len(result_small.messages):,} due, {result_small.recorded:,} recorded")

        _clear_notifications()
        with Timer() as scan_big:
            result_big = registry.scan()
        out(f"  first scan at N={suggestions:,}: {scan_big.seconds:.2f} s, {scan_big.count} queries, "
            f"{len(result_big.messages):,} due, {result_big.recorded:,} recorded")
        with Timer() as scan_again:
            result_again = registry.scan()
        out(f"  same scan again (steady state): {scan_again.seconds:.2f} s, {scan_again.count} queries, "
            f"{result_again.recorded} recorded")
        out(f"  query count independent of N: {scan_small.count} == {scan_big.count}: {scan_small.count == scan_big.count}")
        with Timer() as dry:
            due = registry.due_messages(today=timezone.localdate(), policy=NotificationPolicy.current())
        out(f"  dry run (find only): {dry.seconds:.2f} s, {dry.count} queries, {len(due):,} due")

        with Timer() as build_notices:
            messages = monthly_notices(force=True)
        with Timer() as record_notices:
            created = services.record_messages(messages=messages)
        notices = list(Notification.objects.filter(pk__in=created))
        with Timer() as render:
            size = 0
            for notification in notices:
                notification.subject, notification.body, notification.sms_text  # noqa: B018
                _name, content = workbook_for(notification)
                size += len(content)
        per_unit = sum(1 for n in notices if n.kind == Kind.PROGRESS_NOTICE)
        out(f"  monthly notice: {per_unit:,} unit notices + {len(notices) - per_unit} staff summaries")
        out(f"    figures and snapshots: {build_notices.seconds:.2f} s, {build_notices.count} queries")
        out(f"    recorded with deliveries: {record_notices.seconds:.2f} s, {record_notices.count} queries")
        out(f"    every message rendered and every Excel attachment built: {render.seconds:.2f} s "
            f"({size / 1e6:.1f} MB of xlsx)")
        total = build_notices.seconds + record_notices.seconds + render.seconds
        out(f"    total: {total:.2f} s")
        out(f"  deliveries queued (counted, not published): {sum(queued):,}; "
            f"notifications in the table: {Notification.objects.count():,}; deliveries: {Delivery.objects.count():,}")


def _ensure_data(suggestions, units):
    """The bench's open suggestions and units: found when an earlier run built
    them, built (or topped up) otherwise. Returns the unit ids."""
    from deputies.models import HandlingUnit
    from suggestions.models import Assignment, Status

    from suggestions import bulk

    have = Assignment.objects.filter(is_active=True, suggestion__status=Status.ASSIGNED).count()
    unit_ids = list(HandlingUnit.objects.filter(contacts__isnull=False).order_by("pk")
                    .values_list("pk", flat=True).distinct()[:units])
    if len(unit_ids) < units:
        unit_ids, _ = bulk.build(suggestions=min(suggestions, max(suggestions - have, 0)), units=units, seed=1)
    elif have < suggestions:
        _build_more(suggestions - have, unit_ids, seed=2)
    _analyze()
    return unit_ids


def _analyze():
    """Planner statistics, as autovacuum keeps them in production (the bench
    server may run without autovacuum; bulk-loaded tables never analysed get
    row estimates of a few hundred, and nested-loop plans to match)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _clear_notifications():
    from congress_portal.notifications.models import Delivery, Notification

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Delivery._meta.db_table}, {Notification._meta.db_table}, notifications_scanwatermark")


class _only_every_tenth_active:
    """Leave a tenth of the assignments active for a scan (the others
    deactivated, then restored)."""

    def __enter__(self):
        from suggestions.models import Assignment

        self.table = Assignment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {self.table} SET is_active = false WHERE is_active AND id % 10 <> 0 RETURNING id")
            self.ids = [row[0] for row in cursor.fetchall()]

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {self.table} SET is_active = true WHERE id = ANY(%s)", [self.ids])
            cursor.execute(f"VACUUM ANALYZE {self.table}")


def _build_more(count, unit_ids, seed):
    """More assigned suggestions over existing units (bulk.build makes its own units)."""
    import datetime
    import random

    from django.db import transaction
    from django.utils import timezone

    from deputies.models import Deputy
    from suggestions.models import Assignment, AssignmentState, HandlingMode, Status, Suggestion, SuggestionCategory
    from suggestions.models import UnitRole

    from suggestions.bulk import TITLES

    rng = random.Random(seed)
    now = timezone.now()
    year = timezone.localdate().year
    deputy_ids = list(Deputy.objects.values_list("pk", flat=True)[:5000])
    category = SuggestionCategory.objects.order_by("pk").first()
    first = (Suggestion.objects.filter(year=year, session__isnull=True).order_by("-number")
             .values_list("number", flat=True).first() or 0) + 1
    with transaction.atomic():
        dues = [now + datetime.timedelta(days=rng.randint(-60, 100)) for _ in range(count)]
        rows = Suggestion.objects.bulk_create(
            [Suggestion(lead_deputy_id=deputy_ids[i % len(deputy_ids)], title=TITLES[i % len(TITLES)],
                        content="建议加大投入，完善机制。", category=category, year=year, number=first + i,
                        status=Status.ASSIGNED, handling_mode=HandlingMode.LEAD,
                        assigned_at=dues[i] - datetime.timedelta(days=90), reply_due_at=dues[i])
             for i in range(count)],
            batch_size=5000,
        )
        Assignment.objects.bulk_create(
            [Assignment(suggestion=s, unit_id=unit_ids[i % len(unit_ids)], role=UnitRole.LEAD,
                        state=AssignmentState.ACKNOWLEDGED, assigned_at=dues[i] - datetime.timedelta(days=90),
                        acknowledged_at=dues[i] - datetime.timedelta(days=88), reply_due_at=dues[i])
             for i, s in enumerate(rows)],
            batch_size=5000,
        )
