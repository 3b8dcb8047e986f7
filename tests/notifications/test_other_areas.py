"""What the notifications part says for the other areas: livelihood projects'
progress reports due (voting) and training enrolments (training)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_portal.notifications.models import Delivery, Kind, Notification
from suggestions import reminders
from tests.deputies import factories as df
from tests.voting.factories import ProjectFactory
from voting.models import ProgressReport, ProjectStatus

from .factories import UnitContactFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- voting


def chosen_project(unit, *, reported_days_ago, reporter, title="城区老旧小区加装电梯"):
    project = ProjectFactory(status=ProjectStatus.CHOSEN, responsible_unit=unit, title=title)
    report(project, reporter, timezone.localdate() - datetime.timedelta(days=reported_days_ago))
    return project


def report(project, reporter, on):
    ProgressReport.objects.create(project=project, reported_on=on, percent_done=20, narrative="已开工。",
                                  submitted_by=reporter)


def project_reminders():
    return Notification.objects.filter(kind=Kind.PROJECT_REPORT_DUE)


def test_progress_report_due_is_reminded_to_the_responsible_unit_once_per_due_date(no_broker):
    staff = df.staff_user()
    unit = df.HandlingUnitFactory(name="县住房和城乡建设局")
    UnitContactFactory(unit=unit)
    today = timezone.localdate()
    # Default policy: a report every 30 days, reminded 5 days ahead.
    project = chosen_project(unit, reported_days_ago=27, reporter=staff)  # due in 3 days
    chosen_project(df.HandlingUnitFactory(), reported_days_ago=10, reporter=staff)  # due in 20 days: not yet
    ProjectFactory(status=ProjectStatus.CHOSEN, responsible_unit=None)  # no unit, never reported: nobody to tell
    ProjectFactory(responsible_unit=unit)  # a candidate, not chosen: reports nothing

    reminders.scan(today=today)
    reminders.scan(today=today)  # the next beat
    due_on = today + datetime.timedelta(days=3)
    notification = project_reminders().get()
    assert (notification.recipient_unit, notification.item_type, notification.item_id, notification.stage) == (
        unit, "project", project.pk, due_on.isoformat()
    )
    assert "城区老旧小区加装电梯" in notification.subject
    assert reminders.cn_date(due_on) in notification.body and "还有3天" in notification.body
    assert notification.link.endswith(f"/{project.pk}/")
    assert Delivery.objects.filter(notification=notification).count() == 2  # the contact's email and SMS

    # Overdue, the same due date: said already, not again.
    reminders.scan(today=due_on + datetime.timedelta(days=2))
    assert project_reminders().filter(item_id=project.pk).count() == 1
    # A report filed moves the due date on; the next one is reminded anew.
    report(project, staff, due_on + datetime.timedelta(days=2))
    next_due = due_on + datetime.timedelta(days=32)
    reminders.scan(today=next_due - datetime.timedelta(days=6))
    assert project_reminders().filter(item_id=project.pk).count() == 1
    reminders.scan(today=next_due + datetime.timedelta(days=1))
    latest = project_reminders().get(item_id=project.pk, stage=next_due.isoformat())
    assert "已逾期1天" in latest.body


def test_progress_report_reminders_take_the_same_queries_for_more_projects():
    staff = df.staff_user()

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            messages = reminders.due_reminders(today=timezone.localdate())
        return len(ctx), len([m for m in messages if m.kind == Kind.PROJECT_REPORT_DUE])

    chosen_project(df.HandlingUnitFactory(), reported_days_ago=28, reporter=staff)
    one, found = count_queries()
    assert found == 1
    for _ in range(4):
        chosen_project(df.HandlingUnitFactory(), reported_days_ago=40, reporter=staff)
    assert count_queries() == (one, 5)
