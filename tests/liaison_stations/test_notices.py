"""What stations say, through the notice registry: the unit told of a
forwarded issue, the keepers of its feedback, a lost after-commit call said
by the scan's catch-up, and the feedback reminders once per stage."""
import datetime

import pytest
from django.utils import timezone

from congress_portal.notifications import registry
from congress_portal.notifications.models import Kind, Notification
from liaison_stations import services
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Record what would be queued instead of publishing it."""
    from congress_portal.notifications import tasks

    queued = []
    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: queued.append(list(ids)))
    return queued


def _forwarded(keeper, unit, **kwargs):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper))
    services.forward_issue(issue=issue, unit=unit, actor=keeper, **kwargs)
    return issue


def test_the_station_notices_are_registered():
    assert "liaison_stations" in [n.name for n in registry.registered()]
    assert "liaison_stations.IssueEvent" in registry.event_sources()


def test_forwarding_tells_the_unit_once_through_the_registry(keeper_user, django_capture_on_commit_callbacks,
                                                             monkeypatch):
    calls = []
    original = registry.event_recorded
    monkeypatch.setattr(registry, "event_recorded", lambda source, pk: (calls.append(source), original(source, pk)))
    unit = df.HandlingUnitFactory(name="县住建局")
    with django_capture_on_commit_callbacks(execute=True):
        issue = _forwarded(keeper_user, unit, note="请核实")
    assert calls == ["liaison_stations.IssueEvent"]
    told = Notification.objects.get(kind=Kind.STATION_ISSUE_EVENT)
    assert (told.recipient_unit, told.item_type, told.item_id) == (unit, "station_issue", issue.pk)
    assert told.stage == f"e{issue.events.get(move='forward').pk}"


def test_feedback_tells_the_keepers(keeper_user, django_capture_on_commit_callbacks):
    unit = df.HandlingUnitFactory()
    issue = _forwarded(keeper_user, unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_feedback(issue=issue, feedback="已处理", actor=df.unit_user(unit=unit))
    told = Notification.objects.get(kind=Kind.STATION_ISSUE_EVENT)
    assert told.recipient_user == keeper_user and told.link.endswith(f"/{issue.pk}/")


def test_the_scan_says_a_missed_event_once(keeper_user):
    unit = df.HandlingUnitFactory()
    issue = _forwarded(keeper_user, unit)  # no on-commit callbacks run: the hook was lost
    assert not Notification.objects.filter(kind=Kind.STATION_ISSUE_EVENT).exists()
    registry.scan()
    registry.scan()
    told = Notification.objects.get(kind=Kind.STATION_ISSUE_EVENT)
    assert (told.recipient_unit, told.item_id) == (unit, issue.pk)
    # Events older than the catch-up window are left alone.
    Notification.objects.all().delete()
    registry.scan(now=timezone.now() + registry.EVENT_CATCH_UP + datetime.timedelta(hours=1))
    assert not Notification.objects.filter(kind=Kind.STATION_ISSUE_EVENT).exists()


def test_the_feedback_reminder_comes_once_per_stage(keeper_user):
    unit = df.HandlingUnitFactory(name="县住建局")
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)
    issue = _forwarded(keeper_user, unit, due_on=due)

    def reminders():
        return list(Notification.objects.filter(kind=Kind.STATION_FEEDBACK_DUE).order_by("pk")
                    .values_list("recipient_unit_id", "item_id", "stage"))

    registry.scan(today=due - datetime.timedelta(days=5))
    assert reminders() == []
    registry.scan(today=due - datetime.timedelta(days=3))
    registry.scan(today=due - datetime.timedelta(days=2))
    assert reminders() == [(unit.pk, issue.pk, "d3")]
    registry.scan(today=due - datetime.timedelta(days=1))
    registry.scan(today=due - datetime.timedelta(days=1))
    assert reminders() == [(unit.pk, issue.pk, "d3"), (unit.pk, issue.pk, "d1")]
    reminder = Notification.objects.filter(kind=Kind.STATION_FEEDBACK_DUE).first()
    assert issue.station.name in reminder.body


def test_no_reminder_once_the_unit_has_fed_back(keeper_user):
    unit = df.HandlingUnitFactory()
    due = timezone.localdate() + datetime.timedelta(days=3)
    issue = _forwarded(keeper_user, unit, due_on=due)
    services.give_feedback(issue=issue, feedback="已处理", actor=df.unit_user(unit=unit))
    registry.scan(today=due)
    assert not Notification.objects.filter(kind=Kind.STATION_FEEDBACK_DUE).exists()
