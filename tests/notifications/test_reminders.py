"""The reminder scan, the notices and the event hooks, on suggestions brought
to each status by the real services."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_portal.notifications.models import Delivery, Kind, Notification, NotificationPolicy
from congress_portal.notifications import registry, text
from suggestions import notices, services
from suggestions.models import AssignmentState, Status, UnitRole
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, in_status

from .factories import UnitContactFactory

pytestmark = pytest.mark.django_db


def kinds_and_stages(**filters):
    return sorted(Notification.objects.filter(**filters).values_list("recipient_key", "kind", "stage"))


def test_stage_rules():
    assert text.due_stage(45, [30, 7, 1], 7) is None
    assert text.due_stage(30, [30, 7, 1], 7) == "d30"
    assert text.due_stage(8, [30, 7, 1], 7) == "d30"
    assert text.due_stage(7, [30, 7, 1], 7) == "d7"
    assert text.due_stage(0, [30, 7, 1], 7) == "d1"
    assert text.due_stage(-1, [30, 7, 1], 7) == "o1"
    assert text.due_stage(-7, [30, 7, 1], 7) == "o1"
    assert text.due_stage(-8, [30, 7, 1], 7) == "o2"
    assert text.due_stage(-8, [30, 7, 1], 0) is None
    assert text.waiting_stage(1, [2, 4]) is None
    assert text.waiting_stage(3, [2, 4]) == "a2"
    assert text.waiting_stage(9, [2, 4]) == "a4"


def test_acknowledgement_reminders_once_per_stage(no_broker):
    suggestion, actors, units = in_status(Status.ASSIGNED)
    today = timezone.localdate()
    registry.scan(today=today + datetime.timedelta(days=1))
    assert not Notification.objects.filter(kind=Kind.ACKNOWLEDGEMENT_PENDING).exists()
    registry.scan(today=today + datetime.timedelta(days=2))
    registry.scan(today=today + datetime.timedelta(days=3))
    expected = [(f"unit:{u.pk}", Kind.ACKNOWLEDGEMENT_PENDING, "a2") for u in units]
    assert kinds_and_stages(kind=Kind.ACKNOWLEDGEMENT_PENDING) == sorted(expected)
    registry.scan(today=today + datetime.timedelta(days=4))
    assert Notification.objects.filter(kind=Kind.ACKNOWLEDGEMENT_PENDING, stage="a4").count() == 2
    # Once acknowledged, no more.
    for assignment in suggestion.assignments.all():
        services.acknowledge_assignment(assignment=assignment, actor=actors.unit_user(assignment.unit))
    before = Notification.objects.count()
    NotificationPolicy.objects.filter(pk=1).update(acknowledgement_after_days="2,4,6")
    registry.scan(today=today + datetime.timedelta(days=6))
    assert Notification.objects.filter(kind=Kind.ACKNOWLEDGEMENT_PENDING).count() == 4
    assert Notification.objects.count() == before


def test_reply_due_stages_then_weekly_while_overdue(no_broker):
    suggestion, actors, units = in_status(Status.ASSIGNED)
    lead = suggestion.assignments.get(role=UnitRole.LEAD)
    services.acknowledge_assignment(assignment=lead, actor=actors.unit_user(lead.unit))
    due = timezone.localdate(lead.reply_due_at)
    key = f"unit:{lead.unit_id}"

    def stages_on(days_from_due):
        registry.scan(today=due + datetime.timedelta(days=days_from_due))
        return [s for k, kind, s in kinds_and_stages(recipient_key=key, kind__in=[Kind.REPLY_DUE, Kind.REPLY_OVERDUE])]

    assert stages_on(-31) == []
    assert stages_on(-30) == ["d30"]
    assert stages_on(-20) == ["d30"]
    assert sorted(stages_on(-7)) == ["d30", "d7"]
    assert sorted(stages_on(-1)) == ["d1", "d30", "d7"]
    assert sorted(stages_on(1)) == ["d1", "d30", "d7", "o1"]
    assert sorted(stages_on(7)) == ["d1", "d30", "d7", "o1"]
    assert sorted(stages_on(8)) == ["d1", "d30", "d7", "o1", "o2"]
    overdue = Notification.objects.get(recipient_key=key, stage="o2")
    assert overdue.kind == Kind.REPLY_OVERDUE
    assert overdue.subject == f"逾期催办：{suggestion.number_label}《{suggestion.title}》已逾期8天"


def test_staff_change_the_stages_in_the_policy_row(no_broker):
    suggestion, actors, units = in_status(Status.ASSIGNED)
    lead = suggestion.assignments.get(role=UnitRole.LEAD)
    due = timezone.localdate(lead.reply_due_at)
    NotificationPolicy.objects.filter(pk=1).update(reply_due_days="15,3")
    registry.scan(today=due - datetime.timedelta(days=20))
    assert not Notification.objects.filter(kind=Kind.REPLY_DUE).exists()
    registry.scan(today=due - datetime.timedelta(days=15))
    assert Notification.objects.get(kind=Kind.REPLY_DUE).stage == "d15"


def test_co_unit_opinion_due(no_broker):
    suggestion, actors, units = in_status(Status.ASSIGNED)
    co = suggestion.assignments.get(role=UnitRole.CO)
    due = timezone.localdate(co.opinion_due_at)
    registry.scan(today=due - datetime.timedelta(days=7))
    notification = Notification.objects.get(kind=Kind.CO_OPINION_DUE)
    assert (notification.recipient_unit_id, notification.stage) == (co.unit_id, "d7")
    services.submit_co_opinion(assignment=co, actor=actors.unit_user(co.unit), content="同意主办单位意见。")
    registry.scan(today=due - datetime.timedelta(days=1))
    assert Notification.objects.filter(kind=Kind.CO_OPINION_DUE).count() == 1


def test_deputies_are_reminded_to_cosign_and_to_rate(no_broker):
    today = timezone.localdate()
    submitted, actors, _units = in_status(Status.SUBMITTED)
    registry.scan(today=today + datetime.timedelta(days=3))
    cosign = Notification.objects.get(kind=Kind.COSIGN_PENDING)
    assert cosign.recipient_deputy == actors.cosigner_user.deputy
    assert "邀请您附议建议《关于改善农村公路养护的建议》" in cosign.body

    replied, actors, _units = in_status(Status.REPLIED)
    registry.scan(today=today + datetime.timedelta(days=7))
    rating = Notification.objects.get(kind=Kind.RATING_PENDING)
    assert rating.recipient_deputy == actors.deputy and rating.stage == "a7"
    assert rating.subject == f"答复待测评：{replied.number_label}《{replied.title}》"


def test_co_signers_named_on_a_draft_are_told_when_it_is_submitted(no_broker, django_capture_on_commit_callbacks):
    from tests.suggestions.factories import category

    actors = Actors()
    cosigner = actors.cosigner_user.deputy
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.save_draft(
            lead_deputy=actors.deputy, actor=actors.deputy_user, title="关于完善乡村公交的建议", content="建议内容。",
            category=category(), co_signers=[cosigner],
        )
    assert not Notification.objects.filter(recipient_deputy=cosigner).exists()  # a draft tells no one
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_draft(suggestion=draft, actor=actors.deputy_user)
    invited = Notification.objects.get(recipient_deputy=cosigner, kind=Kind.SUGGESTION_EVENT)
    assert "关于完善乡村公交的建议" in invited.subject


def test_rehandling_and_second_reply_due(no_broker):
    today = timezone.localdate()
    rehandled, actors, units = in_status(Status.REHANDLING)
    lead = rehandled.assignments.get(role=UnitRole.LEAD)
    assert lead.state == AssignmentState.REHANDLING
    due = timezone.localdate(lead.reply_due_at)
    registry.scan(today=due - datetime.timedelta(days=7))
    notification = Notification.objects.get(kind=Kind.REHANDLING_DUE)
    assert notification.stage == "r1-d7" and notification.recipient_unit_id == lead.unit_id

    followup, actors, units = in_status(Status.FOLLOWUP)
    registry.scan(today=today + datetime.timedelta(days=23))
    second = Notification.objects.get(kind=Kind.SECOND_REPLY_DUE)
    assert second.stage == "d7" and second.item_type == "followup_item"


def test_station_issue_feedback_due(no_broker):
    from liaison_stations import services as station_services
    from tests.liaison_stations.factories import IssueFactory, station_with_keeper

    keeper = df.keeper_user()
    station = station_with_keeper(keeper)
    issue = IssueFactory(station=station)
    unit = df.HandlingUnitFactory(name="县住建局")
    today = timezone.localdate()
    station_services.forward_issue(issue=issue, unit=unit, actor=keeper, due_on=today + datetime.timedelta(days=10))
    registry.scan(today=today + datetime.timedelta(days=7))
    notification = Notification.objects.get(kind=Kind.STATION_FEEDBACK_DUE)
    assert notification.recipient_unit == unit and notification.stage == "d3"
    assert station.name in notification.body


@pytest.mark.postgres  # SQLite (the demo) splits a bulk insert by its variable limit
def test_the_scan_says_nothing_twice_and_its_query_count_does_not_grow(no_broker, django_capture_on_commit_callbacks):
    def build(n):
        actors = Actors()
        for status in [Status.SUBMITTED, Status.ASSIGNED, Status.REPLIED, Status.REHANDLING, Status.FOLLOWUP][:n]:
            in_status(status, actors)

    def scan_queries():
        with CaptureQueriesContext(connection) as ctx:
            registry.scan(today=timezone.localdate() + datetime.timedelta(days=90))
        LAST[:] = [q["sql"] for q in ctx.captured_queries]
        return len(ctx)

    build(5)
    first = scan_queries()
    count = Notification.objects.count()
    deliveries = Delivery.objects.count()
    assert count > 0
    again = scan_queries()
    assert Notification.objects.count() == count and Delivery.objects.count() == deliveries
    # Nothing new: only the queries that find what is due and not yet said (one per kind), and no insert.
    assert again == REPEAT_SCAN_QUERIES, again
    assert not [sql for sql in LAST if "INSERT" in sql and "scanwatermark" not in sql]
    build(5)
    build(5)
    assert scan_queries() == first + 1  # three times the items, the same queries (and the events since the last scan)
    assert Notification.objects.count() > count
    assert scan_queries() == REPEAT_SCAN_QUERIES  # and again nothing new, whatever the number of rows


# The scan's savepoint, the watermarks read and moved (2), the policy row, a savepoint with SET LOCAL jit, the
# suggestions' events since the last scan, one query per kind of reminder of every app (6 of suggestions: they run
# because this test's items were just made; 5 of the others), the catch-up of recent events (an event that told
# no one, like this test's registration, is looked at again: 3 queries).
REPEAT_SCAN_QUERIES = 30
LAST = []


def test_a_repeat_scan_finds_only_what_became_due_since(no_broker):
    """The anti-join skips what was said; an item that became due after the first scan is found by the next."""
    today = timezone.localdate() + datetime.timedelta(days=120)  # the reply (3 months) is overdue
    first, actors, units = in_status(Status.ASSIGNED)
    registry.scan(today=today)
    said = set(Notification.objects.values_list("pk", flat=True))
    assert Notification.objects.filter(item_id=first.pk, kind=Kind.REPLY_OVERDUE).exists()
    assert registry.scan(today=today).recorded == 0
    second, _, _ = in_status(Status.ASSIGNED, actors, units=units)
    result = registry.scan(today=today)
    new = Notification.objects.exclude(pk__in=said)
    assert result.recorded == new.count() > 0
    assert {n.item_id for n in new.filter(item_type="suggestion")} == {second.pk}
    assert new.filter(kind=Kind.REPLY_OVERDUE, recipient_unit=units[0]).exists()
    # A week later the overdue stage moves on: the first item is said again, at its new stage only.
    later = registry.scan(today=today + datetime.timedelta(days=7))
    stages = sorted(Notification.objects.filter(item_id=first.pk, kind=Kind.REPLY_OVERDUE, recipient_unit=units[0])
                    .values_list("stage", flat=True))
    assert later.recorded > 0 and len(stages) == 2 and stages[0] != stages[1]


def test_events_reach_the_right_people_once_even_if_the_hook_was_lost(no_broker, django_capture_on_commit_callbacks):
    unit = df.HandlingUnitFactory(name="省交通运输厅")
    UnitContactFactory(unit=unit)
    actors = Actors()
    with django_capture_on_commit_callbacks(execute=True):
        suggestion, actors, units = in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])
    unit_events = Notification.objects.filter(recipient_unit=unit, kind=Kind.SUGGESTION_EVENT)
    assert [n.subject for n in unit_events] == [f"交办：{suggestion.number_label}《{suggestion.title}》"]
    deputy_events = Notification.objects.filter(recipient_deputy=actors.deputy, kind=Kind.SUGGESTION_EVENT)
    assert sorted(n.context["event_label"] for n in deputy_events) == ["交办", "审查通过"]
    with django_capture_on_commit_callbacks(execute=True):
        in_status(Status.SUBMITTED, actors)
    invited = Notification.objects.get(recipient_deputy=actors.cosigner_user.deputy, kind=Kind.SUGGESTION_EVENT)
    assert invited.context["event_label"] == "提出建议"

    # A reply whose after-commit hook never ran (callbacks not executed):
    lead = suggestion.assignments.get(unit=unit)
    services.acknowledge_assignment(assignment=lead, actor=actors.unit_user(unit))
    services.reply_to_suggestion(assignment=lead, actor=actors.unit_user(unit), letter="答复如下。",
                                 result_category=__import__("tests.suggestions.factories", fromlist=["result"]).result("A"),
                                 signed_off_by="李厅长")
    before = Notification.objects.count()
    registry.scan()
    reply_events = Notification.objects.filter(recipient_deputy=actors.deputy, context__event_label="答复")
    assert reply_events.count() == 1
    registry.scan()
    assert Notification.objects.count() == before + 1


def _monthly_setup():
    unit = df.HandlingUnitFactory(name="省水利厅")
    UnitContactFactory(unit=unit)
    staff = df.staff_user(email="duban@npc.example.gov.cn")
    suggestion, actors, units = in_status(Status.ASSIGNED, units=[unit, df.HandlingUnitFactory(name="省财政厅")])
    return unit, staff, suggestion


def test_monthly_notice_on_the_policy_day_once(no_broker):
    unit, staff, suggestion = _monthly_setup()
    NotificationPolicy.objects.filter(pk=1).update(monthly_notice_day=5)
    today = timezone.localdate()
    assert notices.send_monthly_notices(today=today.replace(day=4)) == 0
    on_day = today.replace(day=5)
    created = notices.send_monthly_notices(today=on_day)
    assert created == 4  # two units with open items, two staff members (ours and the lifecycle's)
    assert notices.send_monthly_notices(today=on_day) == 0
    assert notices.send_monthly_notices(today=today.replace(day=20)) == 0  # same period
    notice = Notification.objects.get(kind=Kind.PROGRESS_NOTICE, recipient_unit=unit)
    figures = dict(notice.context["figures"])
    assert figures["交办件数"] == 1 and figures["已签收"] == 0 and figures["未办结"] == 1
    assert notice.context["rows"][0][:2] == [suggestion.number_label, suggestion.title]
    summary = Notification.objects.get(kind=Kind.PROGRESS_SUMMARY, recipient_user=staff)
    assert sorted(row[1] for row in summary.context["rows"]) == sorted(["省财政厅", "省水利厅"])
    assert [row[0] for row in summary.context["rows"]] == [1, 2]
    assert Delivery.objects.filter(notification=notice).count() == 2  # the contact's email and SMS


def test_results_notice_after_the_handling_period(no_broker):
    from tests.deputies.factories import SessionFactory

    today = timezone.localdate()
    session = SessionFactory(year=today.year, handling_period_end=today - datetime.timedelta(days=1))
    actors = Actors()
    staff = actors.staff
    unit = df.HandlingUnitFactory(name="省卫生健康委")
    suggestion, actors, units = in_status(Status.CLOSED, actors, units=[unit])
    type(suggestion).objects.filter(pk=suggestion.pk).update(session=session, year=session.year)
    assert notices.send_results_notices(today=today) == 2
    assert notices.send_results_notices(today=today) == 0
    notice = Notification.objects.get(kind=Kind.RESULTS_NOTICE)
    assert notice.recipient_unit == unit
    assert notice.context["rows"][0][2] == "B" and notice.context["rows"][0][5] == "过程满意，结果满意"
    assert Notification.objects.get(kind=Kind.RESULTS_SUMMARY).recipient_user == staff
    # Long-ended sessions are not notified when the portal starts.
    session.handling_period_end = today - datetime.timedelta(days=400)
    session.save()
    Notification.objects.all().delete()
    assert notices.send_results_notices(today=today) == 0


def test_dry_run_prints_and_writes_nothing(no_broker):
    suggestion, actors, units = in_status(Status.ASSIGNED)
    out = io.StringIO()
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    call_command("scan_reminders", "--dry-run", "--date", day, stdout=out)
    text = out.getvalue()
    assert "DRY RUN" in text and "2 would be sent" in text and f"待签收提醒：{suggestion.number_label}" in text
    out = io.StringIO()
    call_command("scan_reminders", "--dry-run", "--date", day[:8] + "28", "--monthly", stdout=out)
    assert "代表建议办理进度通报" in out.getvalue()
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0
    call_command("scan_reminders", "--date", day, stdout=io.StringIO())
    out = io.StringIO()
    call_command("scan_reminders", "--dry-run", "--date", day, stdout=out)
    assert "0 due, 0 would be sent" in out.getvalue()  # what was said is not even found


def test_setup_schedules_is_idempotent():
    from django_celery_beat.models import PeriodicTask

    call_command("setup_schedules", stdout=io.StringIO())
    call_command("setup_schedules", stdout=io.StringIO())
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert tasks["提醒扫描"] == "congress_portal.notifications.tasks.scan_reminders"
    assert tasks["月度进度通报"] == "suggestions.tasks.send_monthly_notices"
    assert tasks["消息重试与补发"] == "congress_portal.notifications.tasks.dispatch_due_deliveries"
    assert PeriodicTask.objects.count() == 4
    from congress_portal import celery_app

    celery_app.loader.import_default_modules()
    for name in tasks.values():
        assert name in celery_app.tasks


def test_seed_notifications_fills_the_inboxes_once(no_broker):
    suggestion, actors, units = in_status(Status.REPLIED)
    out = io.StringIO()
    call_command("seed_notifications", stdout=out)
    count = Notification.objects.count()
    assert count > 0 and Notification.objects.filter(kind=Kind.SUGGESTION_EVENT).exists()
    call_command("seed_notifications", stdout=io.StringIO())
    assert Notification.objects.count() == count
