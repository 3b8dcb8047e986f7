"""Each delivery reaches its recipient exactly once when a commit fails after
the hand-off, when a worker dies between claim and send, and when two
dispatchers run at once; a broker that is down loses nothing.

The hand-offs are counted at the stand-in gateway (tests/notifications/
gateways.py) and at Django's test mail outbox, by idempotency key."""
import datetime
import io
import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from congress_portal import celery_app
from congress_portal.notifications import channels, services
from congress_portal.notifications.models import Channel, Delivery, DeliveryStatus, Kind
from congress_portal.notifications.services import Message, Recipient
from tests.deputies import factories as f

from . import gateways
from .factories import UnitContactFactory

ROOT = Path(__file__).resolve().parents[2]
LATER = datetime.timedelta(hours=1)  # past any claim's stale time


@pytest.fixture(autouse=True)
def gateway(settings):
    settings.SMS_BACKEND = "tests.notifications.gateways.RecordingGateway"
    gateways.reset()
    yield gateways
    gateways.reset()


def reply_due(unit, item_id):
    return Message(
        recipient=Recipient.unit(unit.pk), kind=Kind.REPLY_DUE, item_type="suggestion", item_id=item_id,
        stage="d7", context={"number": f"第{item_id:04d}号", "title": "关于加强农村饮水安全的建议",
                             "unit_name": unit.name, "due_date": "2026年5月1日", "days_left": 7},
    )


def deliveries(n_messages):
    """n messages to a unit with one contact: an email and an SMS each."""
    unit = f.HandlingUnitFactory()
    UnitContactFactory(unit=unit)
    services.record_messages(messages=[reply_due(unit, item_id=i + 1) for i in range(n_messages)])
    return sorted(Delivery.objects.values_list("pk", flat=True))


def hand_offs():
    """idempotency key -> how many times it reached the gateway or the mail server."""
    keys = Counter(gateways.handed_over)
    keys.update(m.extra_headers["Message-ID"].strip("<>").split("@")[0] for m in mail.outbox)
    return keys


def run_queued(queued):
    """What the workers would do with the queued send tasks."""
    while queued:
        for delivery_id in queued.pop(0):
            services.send_delivery(delivery_id=delivery_id)


def assert_each_delivered_once():
    keys = hand_offs()
    expected = {str(key) for key in Delivery.objects.values_list("key", flat=True)}
    duplicated = {key: n for key, n in keys.items() if n > 1}
    lost = expected - set(keys)
    assert (duplicated, lost) == ({}, set())
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_commit_failing_after_the_send_neither_duplicates_nor_loses(monkeypatch, no_broker):
    """The database refuses the commit that follows each hand-off (a
    serialization failure, a dropped connection). The task's retry and the
    sweeper then run: every message arrives once. (The former send_delivery,
    which sent inside the transaction that marked the row sent, sent all 20
    of these twice.)"""
    ids = deliveries(10)
    handed_over = {"since_commit": False, "failed_commits": 0}
    real_send, real_commit = channels.send, connection.commit

    def send(delivery):
        real_send(delivery)
        handed_over["since_commit"] = True

    def commit():
        if handed_over["since_commit"]:
            handed_over["since_commit"] = False
            handed_over["failed_commits"] += 1
            raise OperationalError("could not serialize access due to concurrent update")
        real_commit()

    monkeypatch.setattr(channels, "send", send)
    monkeypatch.setattr(connection, "commit", commit)
    for delivery_id in ids:
        with pytest.raises(OperationalError):
            services.send_delivery(delivery_id=delivery_id)
    assert handed_over["failed_commits"] == 20
    monkeypatch.setattr(connection, "commit", real_commit)

    # Celery retries the task (autoretry_for OperationalError) ...
    for delivery_id in ids:
        services.send_delivery(delivery_id=delivery_id)
    # ... and the sweeper runs its rounds until nothing is left to do.
    services.dispatch_due_deliveries(now=timezone.now() + LATER)
    run_queued(no_broker)
    services.dispatch_due_deliveries(now=timezone.now() + 2 * LATER)
    run_queued(no_broker)

    assert len(ids) == 20
    assert_each_delivered_once()


@pytest.mark.django_db(transaction=True)
def test_a_claim_whose_worker_died_before_the_send_is_sent_once(no_broker):
    ids = deliveries(3)
    no_broker.clear()
    now = timezone.now()
    # Claimed (committed), then the worker was killed before the hand-off.
    Delivery.objects.filter(pk__in=ids[:2]).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=1)
    for delivery_id in ids:
        services.send_delivery(delivery_id=delivery_id)  # a redelivered task: claimed rows are skipped
    assert sum(hand_offs().values()) == 4
    # Not yet stale: a live worker may still be sending it.
    assert services.reconcile_stale_claims(now=now + datetime.timedelta(minutes=5))["requeued"] == 0
    services.dispatch_due_deliveries(now=now + LATER)
    assert sum(no_broker, []) == ids[:2]
    run_queued(no_broker)
    assert_each_delivered_once()
    assert Delivery.objects.get(pk=ids[0]).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_stale_claim_the_channel_cannot_look_up_waits_for_staff(settings, no_broker, client):
    settings.SMS_BACKEND = "tests.notifications.gateways.BlindGateway"
    ids = deliveries(1)
    sms = Delivery.objects.get(channel=Channel.SMS)
    email = Delivery.objects.get(channel=Channel.EMAIL)
    claimed = timezone.now()
    Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENDING, claimed_at=claimed, attempts=1)
    services.send_delivery(delivery_id=sms.pk)

    counts = services.reconcile_stale_claims(now=claimed + LATER)
    assert (counts["unknown"], counts["requeued"]) == (1, 1)  # the blind gateway; the mail outbox says "not sent"
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.UNKNOWN and "核实" in sms.last_error
    for _ in range(2):  # never resent on its own
        services.dispatch_due_deliveries(now=claimed + 3 * LATER)
        run_queued(no_broker)
    assert hand_offs() == Counter({str(email.key): 1})
    assert Delivery.objects.get(pk=sms.pk).status == DeliveryStatus.UNKNOWN

    # Staff find it in the admin, are told the risk, and decide.
    staff = f.staff_user(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get("/admin/notifications/delivery/", {"status__exact": "unknown"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "待核实" in text and "可能已送达" in text and f"/admin/notifications/delivery/{sms.pk}/change/" in text
    assert f"/admin/notifications/delivery/{email.pk}/change/" not in text
    response = client.post("/admin/notifications/delivery/",
                           {"action": "retry_unknown", "_selected_action": [sms.pk, email.pk]}, follow=True)
    assert "已重新排队 1 条" in response.content.decode()
    run_queued(no_broker)
    assert hand_offs() == Counter({str(email.key): 1, str(sms.key): 1})  # the same key went out again


@pytest.mark.django_db(transaction=True)
def test_staff_can_record_an_unknown_delivery_they_found_at_the_gateway():
    ids = deliveries(1)
    claimed = timezone.now() - LATER
    Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.UNKNOWN, claimed_at=claimed)
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert services.confirm_delivery_sent(delivery=delivery, actor=f.staff_user())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_at == claimed
    assert not services.confirm_delivery_sent(delivery=delivery, actor=f.staff_user())


@pytest.mark.django_db
def test_a_send_refuses_to_run_inside_a_transaction(no_broker):
    delivery_id = deliveries(1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_delivery(delivery_id=delivery_id)
    assert hand_offs() == Counter()
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.PENDING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_delivery_once(settings, no_broker):
    settings.SMS_BACKEND = "tests.notifications.gateways.SlowRecordingGateway"
    ids = deliveries(30)
    start = threading.Barrier(3)
    errors = []

    def dispatcher(order):
        try:
            start.wait()
            for delivery_id in order:
                services.send_delivery(delivery_id=delivery_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    orders = [ids, ids[::-1], ids[len(ids) // 2:] + ids[: len(ids) // 2]]
    threads = [threading.Thread(target=dispatcher, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_each_delivered_once()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down():
    url = f"redis://127.0.0.1:{closed_port()}/0"
    names = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(broker_url=url, broker_write_url=url, broker_read_url=url)
    celery_app._after_fork()  # drop producer pools bound to the old broker
    yield url
    celery_app.conf.update(saved)
    celery_app._after_fork()


def _due_suggestion():
    from suggestions import bulk

    bulk.build(suggestions=3, units=1, due_spread_days=(7, 7))


@pytest.mark.django_db
def test_scan_reminders_with_the_broker_down_records_everything_and_says_so(broker_down,
                                                                          django_capture_on_commit_callbacks):
    _due_suggestion()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("scan_reminders", stdout=out)
    assert "消息队列暂时无法连接：3 条新消息已记录在数据库中，将在下次补发" in out.getvalue()
    assert Delivery.objects.count() == 6
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_manage_py_scan_reminders_exits_0_without_a_traceback_when_the_broker_is_down(broker_down):
    _due_suggestion()
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "congress_portal.settings.test", "CELERY_BROKER_URL": broker_down,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    result = subprocess.run([sys.executable, "manage.py", "scan_reminders"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "将在下次补发" in result.stdout
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 6


def test_the_broker_gives_a_dead_workers_tasks_back_after_minutes_not_an_hour(settings):
    """The visibility timeout must outlast any countdown a task waits with
    (else the broker hands it out again while it waits): no task of the portal
    is queued with an ETA, and the longest autoretry back-off is capped."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest_wait = max(
        getattr(task, "retry_backoff_max", 0) for name, task in celery_app.tasks.items()
        if not name.startswith("celery.") and getattr(task, "autoretry_for", ())
    )
    assert 0 < longest_wait * 2 <= visibility <= 900


@pytest.mark.django_db
def test_the_demo_sms_backend_answers_for_what_it_handed_over(settings, no_broker):
    """The logging backend (demo, tests) knows the keys its process sent; for
    any other it cannot tell, so that claim goes to staff, never out again."""
    settings.SMS_BACKEND = "congress_portal.notifications.sms.LoggingSmsBackend"
    deliveries(2)
    sent, other = Delivery.objects.filter(channel=Channel.SMS).order_by("pk")
    assert services.send_delivery(delivery_id=sent.pk) == "sent"
    claimed = timezone.now() - LATER
    Delivery.objects.filter(pk__in=[sent.pk, other.pk]).update(status=DeliveryStatus.SENDING, claimed_at=claimed)
    counts = services.reconcile_stale_claims()
    assert (counts["sent"], counts["unknown"]) == (1, 1)
    assert Delivery.objects.get(pk=sent.pk).status == DeliveryStatus.SENT
    assert Delivery.objects.get(pk=other.pk).status == DeliveryStatus.UNKNOWN
