"""The reminder scan reads only what can have become due since its last scan
(``congress_portal/notifications/watermark.py``): per stage a range of due
dates after the watermark, plus the suggestions whose dates moved since."""
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_portal.notifications import registry
from congress_portal.notifications.models import Kind, Notification, NotificationPolicy, ScanWatermark
from congress_portal.notifications.watermark import ScanWindow
from suggestions import notices, services
from suggestions.models import Status, SuggestionEvent, UnitRole
from tests.suggestions.factories import Actors, in_status

pytestmark = pytest.mark.django_db


def assigned(n):
    actors = Actors()
    items = [in_status(Status.ASSIGNED, actors)[0] for _ in range(n)]
    # Their events are older than any scan below: only the due dates can bring them in.
    SuggestionEvent.objects.update(at=timezone.now() - datetime.timedelta(days=3))
    return items, actors


def reply_due_day(suggestion):
    return timezone.localdate(suggestion.assignments.get(role=UnitRole.LEAD).reply_due_at)


def assignment_rows_read(sql):
    """How many assignment rows the query reads, from its plan as it runs
    (sequential scans off, as the planner chooses at a million rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = on")
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node):
        rows = 0
        if node.get("Relation Name") == "suggestions_assignment":
            rows += (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                     + node.get("Rows Removed by Index Recheck", 0)) * node["Actual Loops"]
        return rows + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan[0]["Plan"])


@pytest.mark.postgres
def test_a_repeat_on_the_same_day_reads_no_open_item(no_broker):
    items, _ = assigned(3)
    day = reply_due_day(items[0]) + datetime.timedelta(days=20)  # every reply and co-opinion overdue
    first = registry.scan(today=day)
    assert first.recorded > 0 and Notification.objects.filter(kind=Kind.REPLY_OVERDUE).count() == 3
    assert ScanWatermark.objects.get(key="suggestions.reply").scanned_day == day

    policy = NotificationPolicy.current()
    window = ScanWindow.read(today=day)
    with CaptureQueriesContext(connection) as ctx:
        assert notices.due_reminders(day, policy, window) == []
    # One query on the events since the last scan (none), and no kind's query runs: no open item is read.
    assert len(ctx) == 1 and "suggestions_suggestionevent" in ctx.captured_queries[0]["sql"]

    # Without the watermark every kind's query runs and reads the overdue items (saying nothing: the anti-join).
    with CaptureQueriesContext(connection) as ctx:
        assert notices.due_reminders(day, policy) == []
    reads = [assignment_rows_read(q["sql"]) for q in ctx.captured_queries if "suggestions_assignment" in q["sql"]]
    assert len(ctx) == 6 and sum(reads) >= 6, reads


def test_the_next_day_reads_only_the_window(no_broker):
    """The day after, the reply query reads the items whose stage began that
    day (through the due-date index), not every open one."""
    items, _ = assigned(3)
    due = reply_due_day(items[0])
    day = due - datetime.timedelta(days=10)
    registry.scan(today=day)
    assert Notification.objects.filter(kind=Kind.REPLY_DUE, stage="d30").count() == 3
    # The third item's due date moved (no event) so that its "d7" begins tomorrow: due − 2.
    lead = items[2].assignments.get(role=UnitRole.LEAD)
    type(lead).objects.filter(pk=lead.pk).update(reply_due_at=lead.reply_due_at - datetime.timedelta(days=2))
    tomorrow = day + datetime.timedelta(days=1)
    policy, window = NotificationPolicy.current(), ScanWindow.read(today=tomorrow)
    with CaptureQueriesContext(connection) as ctx:
        messages = notices.due_reminders(tomorrow, policy, window)
    assert [(m.item_id, m.stage) for m in messages if m.kind == Kind.REPLY_DUE] == [(items[2].pk, "d7")]
    # The events since the last scan (the items were just made: theirs), then one query per kind.
    assert len(ctx) == 7


def test_a_skipped_day_is_caught_up(no_broker):
    items, _ = assigned(2)
    due = reply_due_day(items[0])
    registry.scan(today=due - datetime.timedelta(days=10))
    assert set(Notification.objects.filter(kind=Kind.REPLY_DUE).values_list("stage", flat=True)) == {"d30"}
    # No scan on due − 9 … due − 7 (when "d7" began); the scan of due − 6 finds it all the same.
    result = registry.scan(today=due - datetime.timedelta(days=6))
    assert sorted(m.stage for m in result.messages if m.kind == Kind.REPLY_DUE) == ["d7", "d7"]
    # And the overdue periods that turned while the scan was away.
    registry.scan(today=due + datetime.timedelta(days=1))
    assert Notification.objects.filter(kind=Kind.REPLY_OVERDUE, stage="o1").count() == 2
    result = registry.scan(today=due + datetime.timedelta(days=12))  # "o2" began on due + 8
    assert sorted(m.stage for m in result.messages if m.kind == Kind.REPLY_OVERDUE) == ["o2", "o2"]
    assert registry.scan(today=due + datetime.timedelta(days=13)).messages == []


def test_a_due_date_moved_into_a_passed_stage_is_found(no_broker):
    """An extension sets a due date whose "d7" began before the last scan: no
    range after the watermark holds it, its event since that scan does."""
    items, actors = assigned(2)
    moved, kept = items
    due = reply_due_day(moved)
    registry.scan(today=due + datetime.timedelta(days=1))
    assert Notification.objects.filter(kind=Kind.REPLY_OVERDUE, stage="o1").count() == 2
    services.extend_deadline(suggestion=moved, actor=actors.staff, new_due_date=due + datetime.timedelta(days=6),
                             reason="涉及面广，需协调多个部门。")
    result = registry.scan(today=due + datetime.timedelta(days=2))
    assert [(m.item_id, m.kind, m.stage) for m in result.messages if m.kind in (Kind.REPLY_DUE, Kind.REPLY_OVERDUE)] == [
        (moved.pk, Kind.REPLY_DUE, "d7")
    ]


def test_a_scan_for_an_earlier_day_scans_everything_and_keeps_the_watermark(no_broker):
    items, _ = assigned(1)
    due = reply_due_day(items[0])
    registry.scan(today=due + datetime.timedelta(days=1))
    Notification.objects.all().delete()
    result = registry.scan(today=due - datetime.timedelta(days=10))  # by hand, for a day already passed
    assert {m.stage for m in result.messages if m.kind == Kind.REPLY_DUE} == {"d30"}
    assert ScanWatermark.objects.get(key="suggestions.reply").scanned_day == due + datetime.timedelta(days=1)


def test_a_dry_run_moves_no_watermark(no_broker):
    assigned(1)
    registry.scan(dry_run=True)
    assert not ScanWatermark.objects.exists()
