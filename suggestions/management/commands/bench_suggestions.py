"""Benchmark: 100,000 suggestions in PostgreSQL, then the median time and the
query count of three lists, in-process through the API (routing, filtering,
pagination, serialisation): the unit inbox, the staff filtered list and the
public published list. Run with ``bin/bench suggestions``.

The rows are bulk-inserted (the services would take hours for 100,000); their
shape follows the lifecycle: assignments for assigned items and later, current
replies for replied ones, about a third published."""
import datetime
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from congress_portal.accounts.models import Role, User
from deputies.models import Deputy, HandlingUnit
from suggestions.models import (
    Assignment,
    AssignmentState,
    Disclosure,
    HandlingMode,
    Reply,
    ResultCategory,
    Status,
    Suggestion,
    SuggestionCategory,
    UnitRole,
)

MARK = "基准测试"


class Command(BaseCommand):
    help = "Build N suggestions (default 100,000) and time the unit inbox, staff filtered list and public list."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, rows, runs, **options):
        if connection.vendor != "postgresql":
            self.stderr.write(f"warning: running on {connection.vendor}, not PostgreSQL")
        have = Suggestion.objects.filter(title__startswith=MARK).count()
        if have < rows:
            started = time.monotonic()
            self._build(rows - have, offset=have)
            self.stdout.write(f"built {rows - have} suggestions in {time.monotonic() - started:.1f}s")
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        total = Suggestion.objects.count()
        staff = User.objects.get(username="bench-staff")
        unit_user = User.objects.get(username="bench-unit")
        category = SuggestionCategory.objects.get(code="transport")
        cases = [
            ("unit inbox", unit_user, "/api/suggestions/assignments/"),
            ("staff filtered list", staff, f"/api/suggestions/?status=assigned&status=replied&category={category.pk}&year=2025&keyword=公路"),
            ("staff list, overdue filter", staff, "/api/suggestions/?overdue=true"),
            ("public published list", None, "/api/suggestions/public/"),
            # The keyword looks in titles, summaries and, for full items, content and current replies.
            ("public list, keyword", None, "/api/suggestions/public/?keyword=公路"),
            ("public list, unit filter", None, f"/api/suggestions/public/?unit={unit_user.handling_unit_id}"),
        ]
        inbox_rows = Assignment.objects.filter(unit=unit_user.handling_unit, is_active=True).count()
        self.stdout.write(f"\nsuggestions in the database: {total}; bench unit's active assignments: {inbox_rows}")
        self.stdout.write(f"{'list':30} {'median ms':>10} {'min ms':>8} {'queries':>8} {'rows':>8}")
        for name, user, url in cases:
            client = APIClient(SERVER_NAME="localhost")
            if user is not None:
                client.force_authenticate(user)
            client.get(url)  # warm
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.content[:300]
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            self.stdout.write(
                f"{name:30} {statistics.median(times):10.1f} {min(times):8.1f} {len(ctx):8d} {response.json()['count']:8d}"
            )

    @transaction.atomic
    def _build(self, n, offset):
        rng = random.Random(42 + offset)
        now = timezone.now()
        categories = list(SuggestionCategory.objects.all())
        results = list(ResultCategory.objects.all())
        units = list(HandlingUnit.objects.filter(code__startswith="BENCH"))
        if not units:
            units = HandlingUnit.objects.bulk_create(HandlingUnit(name=f"基准承办单位{i:03d}", code=f"BENCH{i:03d}") for i in range(80))
        deputies = list(Deputy.objects.filter(name__startswith="基准代表"))
        if not deputies:
            deputies = Deputy.objects.bulk_create(
                Deputy(name=f"基准代表{i:04d}", gender="male", id_number=f"B{i:017d}") for i in range(2000)
            )
        if not User.objects.filter(username="bench-staff").exists():
            User.objects.create_user(username="bench-staff", role=Role.STAFF, password=None)
            User.objects.create_user(username="bench-unit", role=Role.UNIT, handling_unit=units[0], password=None)
        weights = [
            (Status.SUBMITTED, 5), (Status.NOT_REGISTERED, 2), (Status.REGISTERED, 3), (Status.ASSIGNED, 30),
            (Status.REPLIED, 15), (Status.REHANDLING, 3), (Status.CLOSED, 40), (Status.FOLLOWUP, 2),
        ]  # fmt: skip
        statuses = [s for s, w in weights for _ in range(w)]
        words = ["公路", "教育", "医疗", "养老", "农田", "环境", "就业", "住房"]
        batch = 5000
        for start in range(0, n, batch):
            rows = []
            for i in range(start, min(n, start + batch)):
                status = rng.choice(statuses)
                submitted = now - datetime.timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
                assigned = status not in (Status.SUBMITTED, Status.NOT_REGISTERED, Status.REGISTERED)
                published = status in (Status.CLOSED, Status.REPLIED, Status.FOLLOWUP) and rng.random() < 0.45
                rows.append(
                    Suggestion(
                        lead_deputy=rng.choice(deputies), title=f"{MARK}：关于{rng.choice(words)}工作的建议{offset + i}",
                        content="建议内容……", category=rng.choice(categories), year=rng.choice([2024, 2025]),
                        status=status, number=None,
                        handling_mode=HandlingMode.LEAD if assigned else "", submitted_at=submitted,
                        assigned_at=submitted + datetime.timedelta(days=10) if assigned else None,
                        reply_due_at=submitted + datetime.timedelta(days=100) if assigned else None,
                        disclosure=Disclosure.FULL if published else Disclosure.UNDECIDED,
                        published_at=submitted + datetime.timedelta(days=120) if published else None,
                    )
                )  # fmt: skip
            made = Suggestion.objects.bulk_create(rows)
            assignments, replies = [], []
            for s in made:
                if not s.assigned_at:
                    continue
                lead, co = rng.sample(units, 2)
                replied = s.status not in (Status.ASSIGNED, Status.REHANDLING)
                state = AssignmentState.REPLIED if replied else AssignmentState.ACKNOWLEDGED
                assignments.append(Assignment(suggestion=s, unit=lead, role=UnitRole.LEAD, state=state, assigned_at=s.assigned_at, reply_due_at=s.reply_due_at))
                if rng.random() < 0.5:
                    assignments.append(Assignment(suggestion=s, unit=co, role=UnitRole.CO, state=AssignmentState.OPINION_SUBMITTED, assigned_at=s.assigned_at))
            Assignment.objects.bulk_create(assignments)
            for a in assignments:
                if a.role == UnitRole.LEAD and a.state == AssignmentState.REPLIED:
                    replies.append(Reply(suggestion_id=a.suggestion_id, assignment=a, letter="答复……", result_category=rng.choice(results), signed_off_by="某厅长"))
            Reply.objects.bulk_create(replies)
