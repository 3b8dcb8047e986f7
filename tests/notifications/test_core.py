"""The exactly-once record, the deliveries over the chosen channels, sending
with retry and back-off, and the sweeper."""
import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from congress_portal.notifications import services
from congress_portal.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    NotificationPolicy,
    parse_days,
)
from congress_portal.notifications.services import Message, Recipient
from tests.deputies import factories as f

from .factories import ChannelPreferenceFactory, UnitContactFactory

pytestmark = pytest.mark.django_db


def reply_due(unit, item_id=1, stage="d7"):
    return Message(
        recipient=Recipient.unit(unit.pk),
        kind=Kind.REPLY_DUE,
        item_type="suggestion",
        item_id=item_id,
        stage=stage,
        context={"number": "第0001号", "title": "关于加强农村饮水安全的建议", "unit_name": unit.name,
                 "due_date": "2026年5月1日", "days_left": 7},
        link="/suggestions/1/",
    )


def test_policy_row_has_the_domain_defaults():
    policy = NotificationPolicy.current()
    assert policy.days("reply_due_days") == [30, 7, 1]
    assert policy.overdue_every_days == 7
    assert parse_days("1，7,30") == [30, 7, 1]


def test_a_message_is_recorded_once_and_sent_to_each_contact(no_broker, django_capture_on_commit_callbacks):
    unit = f.HandlingUnitFactory()
    UnitContactFactory(unit=unit)
    UnitContactFactory(unit=unit, email="")
    UnitContactFactory(unit=unit, receives_notices=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.record_messages(messages=[reply_due(unit), reply_due(unit)])
    with django_capture_on_commit_callbacks(execute=True):
        again = services.record_messages(messages=[reply_due(unit)])
    assert len(first) == 1 and again == []
    assert Notification.objects.count() == 1
    # Two contacts receive notices: two SMS, one email (one has no address).
    channels = sorted(Delivery.objects.values_list("channel", flat=True))
    assert channels == [Channel.EMAIL, Channel.SMS, Channel.SMS]
    assert sorted(sum(no_broker, [])) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_a_new_stage_is_a_new_message(no_broker):
    unit = f.HandlingUnitFactory()
    services.record_messages(messages=[reply_due(unit, stage="d30")])
    services.record_messages(messages=[reply_due(unit, stage="d7")])
    assert Notification.objects.count() == 2


def test_the_database_refuses_a_second_record():
    unit = f.HandlingUnitFactory()
    now = timezone.now()
    reply_due(unit).as_row(batch=None, now=now).save()
    with pytest.raises(IntegrityError):
        reply_due(unit).as_row(batch=None, now=now).save()


@pytest.mark.postgres  # SQLite (the demo) splits a bulk insert by its variable limit
def test_recording_takes_a_fixed_number_of_queries(no_broker, django_assert_num_queries):
    units = [f.HandlingUnitFactory() for _ in range(3)]
    for unit in units:
        UnitContactFactory(unit=unit)
    deputy = f.DeputyFactory()
    staff = f.staff_user(email="staff@npc.example.gov.cn")

    def batch(n, offset):
        messages = [reply_due(units[i % 3], item_id=offset + i) for i in range(n)]
        messages.append(Message(recipient=Recipient.deputy(deputy.pk), kind=Kind.RATING_PENDING,
                                item_type="suggestion", item_id=offset, stage="a7"))
        messages.append(Message(recipient=Recipient.user(staff.pk), kind=Kind.PROGRESS_SUMMARY,
                                item_type="period", item_id=offset, stage="2026-05"))
        return messages

    # unit/deputy/user addresses, savepoint, one insert of notifications and deliveries, release
    expected = 6
    with django_assert_num_queries(expected):
        services.record_messages(messages=batch(3, 100))
    with django_assert_num_queries(expected):
        services.record_messages(messages=batch(60, 1000))


def test_channel_preferences_are_respected(no_broker):
    deputy_user = f.deputy_user(email="deputy@example.cn")
    ChannelPreferenceFactory(user=deputy_user, email=False, sms=True)
    deputy = deputy_user.deputy
    services.record_messages(messages=[Message(recipient=Recipient.deputy(deputy.pk), kind=Kind.RATING_PENDING,
                                               item_type="suggestion", item_id=9, stage="a7")])
    assert list(Delivery.objects.values_list("channel", "address")) == [(Channel.SMS, deputy.phone)]

    unit = f.HandlingUnitFactory()
    contact_user = f.unit_user(unit=unit)
    ChannelPreferenceFactory(user=contact_user, email=True, sms=False)
    UnitContactFactory(unit=unit, user=contact_user, email="office@unit.example.cn")
    services.record_messages(messages=[reply_due(unit)])
    assert list(Delivery.objects.filter(notification__recipient_unit=unit).values_list("channel", flat=True)) == [
        Channel.EMAIL
    ]


def _one_delivery(channel=Channel.EMAIL):
    unit = f.HandlingUnitFactory()
    UnitContactFactory(unit=unit)
    services.record_messages(messages=[reply_due(unit)])
    return Delivery.objects.get(channel=channel)


def test_send_email_once(no_broker):
    delivery = _one_delivery()
    assert services.send_delivery(delivery_id=delivery.pk) == "sent"
    assert services.send_delivery(delivery_id=delivery.pk) == "skipped"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "答复到期提醒：第0001号《关于加强农村饮水安全的建议》还有7天到期"
    assert "应于2026年5月1日前答复代表" in message.body
    assert message.extra_headers["Message-ID"].startswith(f"<{delivery.key}@")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.sent_at


def test_send_sms_through_the_backend(no_broker, settings, caplog):
    settings.SMS_BACKEND = "congress_portal.notifications.sms.LoggingSmsBackend"
    delivery = _one_delivery(Channel.SMS)
    with caplog.at_level("INFO", logger="congress_portal.notifications.sms"):
        assert services.send_delivery(delivery_id=delivery.pk) == "sent"
    assert str(delivery.key) in caplog.text
    assert "【人大代表工作】答复到期提醒" in caplog.text


class BrokenSms:
    def send(self, **kwargs):
        raise ConnectionError("网关无响应")


def test_a_failed_send_is_recorded_and_retried_with_back_off(no_broker, settings):
    settings.SMS_BACKEND = "tests.notifications.test_core.BrokenSms"
    policy = NotificationPolicy.current()
    policy.max_send_attempts = 3
    policy.retry_backoff_minutes = 5
    policy.save()
    delivery = _one_delivery(Channel.SMS)
    services.send_delivery(delivery_id=Delivery.objects.get(channel=Channel.EMAIL).pk)  # out of the way
    start = timezone.now()
    assert services.send_delivery(delivery_id=delivery.pk, now=start) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRY
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=5)
    assert "网关无响应" in delivery.last_error

    # Not due yet: the sweeper leaves it; once due it is queued again.
    assert services.dispatch_due_deliveries(now=start + datetime.timedelta(minutes=4)) == 0
    assert services.dispatch_due_deliveries(now=start + datetime.timedelta(minutes=5)) == 1

    services.send_delivery(delivery_id=delivery.pk, now=start + datetime.timedelta(minutes=5))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=15)  # 5 + 10
    services.send_delivery(delivery_id=delivery.pk, now=start + datetime.timedelta(minutes=15))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert services.dispatch_due_deliveries(now=start + datetime.timedelta(days=1)) == 0

    staff = f.staff_user()
    settings.SMS_BACKEND = "congress_portal.notifications.sms.LoggingSmsBackend"
    assert services.retry_delivery(delivery=delivery, actor=staff)
    assert services.send_delivery(delivery_id=delivery.pk) == "sent"


def test_the_sweeper_requeues_pending_deliveries_whose_queueing_was_lost(no_broker):
    delivery = _one_delivery()
    now = timezone.now()
    assert services.dispatch_due_deliveries(now=now) == 0  # just created: its on-commit queueing is on the way
    assert services.dispatch_due_deliveries(now=now + datetime.timedelta(minutes=3)) == 2
    services.send_delivery(delivery_id=delivery.pk)
    assert services.dispatch_due_deliveries(now=now + datetime.timedelta(minutes=3)) == 1


def test_excel_attachment_goes_with_the_progress_notice(no_broker):
    from openpyxl import load_workbook
    import io

    unit = f.HandlingUnitFactory(name="省水利厅")
    UnitContactFactory(unit=unit)
    services.record_messages(messages=[Message(
        recipient=Recipient.unit(unit.pk), kind=Kind.PROGRESS_NOTICE, item_type="period", item_id=202605,
        stage="2026-05",
        context={"period_label": "2026年5月", "unit_name": unit.name, "as_of": "2026年5月5日",
                 "figures": [["交办件数", 3], ["逾期件数", 1]], "rank": 2, "unit_count": 10,
                 "sheet": "进度通报", "filename": "省水利厅2026年5月进度通报.xlsx",
                 "columns": ["编号", "标题", "答复期限"], "rows": [["第0001号", "关于河道治理的建议", "2026-06-01"]]},
    )])
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    services.send_delivery(delivery_id=delivery.pk)
    message = mail.outbox[0]
    assert message.subject == "2026年5月代表建议办理进度通报"
    assert "逾期件数：1" in message.body and "排名第2" in message.body
    filename, content, mimetype = message.attachments[0]
    assert filename == "省水利厅2026年5月进度通报.xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert ["第0001号", "关于河道治理的建议", "2026-06-01"] in [list(v[:3]) for v in values]
    assert ["逾期件数", 1] in [list(v[:2]) for v in values]


def test_the_excel_attachment_reads_back_with_bold_headers_numbers_and_text_kept_as_text():
    from openpyxl import load_workbook
    import io

    from congress_portal.notifications.excel import build_workbook

    content = build_workbook(
        title="进度通报:2026[5]",
        figures=[["交办件数", 3], ["满意率（满意及基本满意）", "85.0%"]],
        columns=["编号", "标题", "剩余天数（负数为逾期）"],
        rows=[["第0001号", '=HYPERLINK("http://example.com")', -3], ["第0002号", " 前后有空格 ", 1.5],
              ["第0003号", "含控制字符\x01的标题", None]],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "进度通报 2026 5"  # characters Excel refuses in a sheet name replaced
    cells = {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}
    assert cells["A1"].value == "进度通报:2026[5]" and cells["A1"].font.b
    assert (cells["A2"].value, cells["B2"].value, cells["B3"].value) == ("交办件数", 3, "85.0%")
    assert not cells["A2"].font.b
    assert [cells[f"{c}5"].value for c in "ABC"] == ["编号", "标题", "剩余天数（负数为逾期）"]
    assert all(cells[f"{c}5"].font.b for c in "ABC")
    # A formula-like title stays text; numbers stay numbers; spaces are kept; control characters dropped.
    assert cells["B6"].value == '=HYPERLINK("http://example.com")' and cells["B6"].data_type == "s"
    assert cells["C6"].value == -3 and cells["C7"].value == 1.5
    assert cells["B7"].value == " 前后有空格 "
    assert cells["B8"].value == "含控制字符的标题"
    assert sheet.column_dimensions["B"].width >= 8


def test_a_fresh_web_process_knows_the_send_task():
    """The web process queues sends by task name; Celery's autodiscovery runs
    only in a worker, so the app registers its tasks at start-up. A fresh
    interpreter, as gunicorn starts one, must find the task."""
    import os
    import subprocess
    import sys

    from congress_portal.notifications.services import SEND_TASK

    code = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        f"assert {SEND_TASK!r} in current_app.tasks\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congress_portal.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
