"""The voting app's notices, through the notice registry: the responsible unit
is reminded of a chosen project's next progress report, once per due date."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_portal.notifications import registry, tasks
from congress_portal.notifications.models import Kind, NotificationPolicy, Notification
from congress_portal.notifications.text import cn_date
from tests.deputies import factories as df
from tests.voting.factories import ProjectFactory
from voting import notices
from voting.models import ProgressReport, ProjectStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: None)


def chosen_project(unit, *, reported_days_ago, reporter, title="城区老旧小区加装电梯"):
    project = ProjectFactory(status=ProjectStatus.CHOSEN, responsible_unit=unit, title=title)
    ProgressReport.objects.create(
        project=project, reported_on=timezone.localdate() - datetime.timedelta(days=reported_days_ago),
        percent_done=20, narrative="已开工。", submitted_by=reporter,
    )
    return project


def test_voting_notices_are_registered():
    assert "voting" in {n.name for n in registry.registered()}


def test_the_scan_reminds_the_responsible_unit_of_a_progress_report_once():
    staff = df.staff_user()
    unit = df.HandlingUnitFactory(name="县住房和城乡建设局")
    today = timezone.localdate()
    project = chosen_project(unit, reported_days_ago=27, reporter=staff)  # default policy: every 30 days, 5 days ahead
    chosen_project(df.HandlingUnitFactory(), reported_days_ago=10, reporter=staff)  # due in 20 days: not yet
    ProjectFactory(status=ProjectStatus.CHOSEN, responsible_unit=None)  # nobody to tell
    ProjectFactory(responsible_unit=unit)  # a candidate: reports nothing

    registry.scan(today=today)
    registry.scan(today=today)  # the next beat says nothing new
    reminders = Notification.objects.filter(kind=Kind.PROJECT_REPORT_DUE)
    due_on = today + datetime.timedelta(days=3)
    notification = reminders.get()
    assert (notification.recipient_unit, notification.item_type, notification.item_id, notification.stage) == (
        unit, "project", project.pk, due_on.isoformat()
    )
    assert "城区老旧小区加装电梯" in notification.subject
    assert cn_date(due_on) in notification.body and "还有3天" in notification.body
    assert notification.link.endswith(f"/{project.pk}/")
    # Overdue, the same due date: said already.
    registry.scan(today=due_on + datetime.timedelta(days=2))
    assert reminders.count() == 1


def test_the_reminders_take_the_same_queries_for_more_projects():
    staff = df.staff_user()
    policy = NotificationPolicy.current()

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            messages = notices.project_report_reminders(timezone.localdate(), policy)
        return len(ctx), len(messages)

    chosen_project(df.HandlingUnitFactory(), reported_days_ago=28, reporter=staff)
    one, found = count_queries()
    assert found == 1
    for _ in range(4):
        chosen_project(df.HandlingUnitFactory(), reported_days_ago=40, reporter=staff)
    assert count_queries() == (one, 5)


def test_every_voting_event_source_is_registered_and_tells_no_one(caplog):
    sources = ["voting.BallotEvent", "voting.ProjectEvent", "voting.ProposalEvent", "voting.RatingEvent"]
    assert set(sources) <= set(registry.event_sources())
    with caplog.at_level("ERROR"):
        for source in sources:
            assert registry.messages_for_events(source, [1]) == []
            registry.event_recorded(source, 1)
    assert not caplog.records
