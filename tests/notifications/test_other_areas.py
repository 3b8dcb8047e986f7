"""What the notifications part says for the other areas: livelihood projects'
progress reports due (voting) and training enrolments (training)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_portal.notifications import registry
from congress_portal.notifications.models import Channel, Delivery, Kind, Notification, NotificationPolicy
from congress_portal.notifications.text import cn_date
from tests.deputies import factories as df
from tests.training.factories import TrainingSessionFactory
from tests.voting.factories import ProjectFactory
from training import services as training_services
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

    registry.scan(today=today)
    registry.scan(today=today)  # the next beat
    due_on = today + datetime.timedelta(days=3)
    notification = project_reminders().get()
    assert (notification.recipient_unit, notification.item_type, notification.item_id, notification.stage) == (
        unit, "project", project.pk, due_on.isoformat()
    )
    assert "城区老旧小区加装电梯" in notification.subject
    assert cn_date(due_on) in notification.body and "还有3天" in notification.body
    assert notification.link.endswith(f"/{project.pk}/")
    assert Delivery.objects.filter(notification=notification).count() == 2  # the contact's email and SMS

    # Overdue, the same due date: said already, not again.
    registry.scan(today=due_on + datetime.timedelta(days=2))
    assert project_reminders().filter(item_id=project.pk).count() == 1
    # A report filed moves the due date on; the next one is reminded anew.
    report(project, staff, due_on + datetime.timedelta(days=2))
    next_due = due_on + datetime.timedelta(days=32)
    registry.scan(today=next_due - datetime.timedelta(days=6))
    assert project_reminders().filter(item_id=project.pk).count() == 1
    registry.scan(today=next_due + datetime.timedelta(days=1))
    latest = project_reminders().get(item_id=project.pk, stage=next_due.isoformat())
    assert "已逾期1天" in latest.body


def test_progress_report_reminders_take_the_same_queries_for_more_projects():
    staff = df.staff_user()

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            messages = registry.due_messages(today=timezone.localdate(), policy=NotificationPolicy.current())
        return len(ctx), len([m for m in messages if m.kind == Kind.PROJECT_REPORT_DUE])

    chosen_project(df.HandlingUnitFactory(), reported_days_ago=28, reporter=staff)
    one, found = count_queries()
    assert found == 1
    for _ in range(4):
        chosen_project(df.HandlingUnitFactory(), reported_days_ago=40, reporter=staff)
    assert count_queries() == (one, 5)


# ---------------------------------------------------------------- training


def upcoming_session(**kwargs):
    starts = timezone.localtime() + datetime.timedelta(days=10)
    starts = starts.replace(hour=9, minute=0, second=0, microsecond=0)
    return TrainingSessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=8), **kwargs)


def enrolment_notices(**filters):
    return Notification.objects.filter(kind=Kind.TRAINING_ENROLMENT, **filters)


def test_enrolled_deputies_get_an_inbox_message_once_per_session(
    no_broker, staff_user, django_capture_on_commit_callbacks
):
    session = upcoming_session(title="乡村振兴专题培训班", hours="4.5", venue="省委党校报告厅")
    with_account = df.deputy_user(email="daibiao@example.cn")
    deputy = with_account.deputy
    others = [df.DeputyFactory() for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        training_services.enrol_deputies(session=session, deputies=[deputy, *others], actor=staff_user)
    assert sorted(enrolment_notices().values_list("recipient_deputy_id", flat=True)) == sorted(
        d.pk for d in [deputy, *others]
    )
    inbox = list(Notification.objects.visible_to(with_account))
    assert [(n.kind, n.item_type, n.item_id) for n in inbox] == [(Kind.TRAINING_ENROLMENT, "training_session", session.pk)]
    notice = inbox[0]
    assert notice.subject == "培训通知：乡村振兴专题培训班"
    starts = timezone.localtime(session.starts_at)
    assert f"{cn_date(starts.date())} 09:00" in notice.body
    assert "计4.5学时" in notice.body and "地点：省委党校报告厅" in notice.body
    assert notice.body.startswith(f"{deputy.name}代表")
    # The deputy's chosen channels: email to the account, SMS to the deputy's phone.
    assert sorted(Delivery.objects.filter(notification=notice).values_list("channel", flat=True)) == [
        Channel.EMAIL, Channel.SMS
    ]

    # Enrolled again together with a newcomer, and the hook run twice: only the newcomer is told.
    newcomer = df.DeputyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        training_services.enrol_deputies(session=session, deputies=[deputy, newcomer], actor=staff_user)
    training_services.notify_enrolled(session.pk, [deputy.pk, newcomer.pk])
    assert enrolment_notices().count() == 4
    assert enrolment_notices(recipient_deputy=newcomer).count() == 1


def test_no_message_for_a_withdrawn_enrolment_or_a_session_already_over(no_broker, staff_user):
    session = upcoming_session()
    deputy = df.DeputyFactory()
    training_services.enrol_deputies(session=session, deputies=[deputy], actor=staff_user)
    training_services.withdraw_enrolment(enrolment=session.enrolments.get(deputy=deputy), actor=staff_user)
    training_services.notify_enrolled(session.pk, [deputy.pk])  # the hook runs after the withdrawal
    past = TrainingSessionFactory()  # 2025: attendance recorded afterwards
    training_services.enrol_deputies(session=past, deputies=[deputy], actor=staff_user)
    training_services.notify_enrolled(past.pk, [deputy.pk])
    assert not enrolment_notices().exists()


def test_the_scan_catches_up_an_enrolment_whose_hook_never_ran(no_broker, staff_user):
    session = upcoming_session()
    deputies = [df.DeputyFactory() for _ in range(3)]
    # Callbacks are not run here: as if the process died between the commit and the hook.
    training_services.enrol_deputies(session=session, deputies=deputies, actor=staff_user)
    assert not enrolment_notices().exists()
    registry.scan()
    registry.scan()
    assert enrolment_notices().count() == 3


@pytest.mark.postgres  # SQLite (the demo) splits a bulk insert by its variable limit
def test_enrolment_notices_take_the_same_queries_for_more_deputies(no_broker, staff_user):
    def hook_queries(count):
        session = upcoming_session()
        deputies = [df.DeputyFactory() for _ in range(count)]
        training_services.enrol_deputies(session=session, deputies=deputies, actor=staff_user)
        with CaptureQueriesContext(connection) as ctx:
            training_services.notify_enrolled(session.pk, [d.pk for d in deputies])
        assert enrolment_notices(item_id=session.pk).count() == count
        return len(ctx)

    assert hook_queries(2) == hook_queries(12)
