"""Exactly once against the real Redis broker and a real Celery worker
process (prefork, two children) running the test settings on the test
database. Each test fails if the unique Notification record is removed (the
scans below run again after the crash / twice at once and would say it all a
second time).

"Delivered" is what reached the sink standing in for the gateway: every
hand-off is one line with the delivery's idempotency key. A worker killed after
a hand-off but before recording it leaves its claim behind; the sweeper asks
the sink about the key (as a gateway that keeps its messages answers) instead
of handing it over again, so no key reaches the sink twice."""
import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from congress_portal import celery_app
from suggestions import bulk
from congress_portal.notifications.models import Delivery, DeliveryStatus, Kind, Notification, NotificationPolicy
from tests.deputies import factories as df

from . import sink

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/15")
VISIBILITY_TIMEOUT = 2
# Claims older than this are reconciled by the sweeper in these tests: longer
# than a live worker takes from claim to record, shorter than the test.
STALE_CLAIM_SECONDS = 5


@pytest.fixture
def broker():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    names = ("broker_url", "broker_write_url", "broker_read_url", "broker_transport_options")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(
        broker_url=REDIS_URL, broker_write_url=REDIS_URL, broker_read_url=REDIS_URL,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    celery_app._after_fork()  # drop producer pools bound to the old broker
    yield client
    celery_app.conf.update(saved)
    celery_app._after_fork()
    client.flushdb()


class Worker:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.sink = str(tmp_path / "sink.jsonl")
        self.procs = []
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        self.database_url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def start(self):
        n = len(self.procs)
        log_path = self.tmp_path / f"worker{n}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "NOTIFY_SINK": self.sink,
            "DATABASE_CONN_MAX_AGE": "0",
        }
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("celery")), "-A", "congress_portal", "worker", "-c", "2",
                 "--loglevel=INFO", "-n", f"notifytest{n}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b" ready." in log_path.read_bytes():
                return proc
            if proc.poll() is not None:
                raise AssertionError(log_path.read_text())
            time.sleep(0.1)
        raise AssertionError("worker did not start:\n" + log_path.read_text())

    def kill(self, proc):
        """SIGKILL the worker and its pool children (its own process group)."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

    def lines(self):
        return sink.read(self.sink)


@pytest.fixture
def worker(broker, tmp_path):
    w = Worker(tmp_path)
    yield w
    w.stop_all()


def wait_until(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def broker_busy():
    """Messages still queued or taken by a worker and not yet acknowledged."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    return bool(client.llen("celery") or client.hlen("unacked"))


def all_sent(expected):
    def check():
        return (
            Delivery.objects.count() == expected
            and not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
        )

    return check


def tally(worker):
    """(hand-offs, distinct keys, deliveries lost, distinct natural keys of what was sent)."""
    lines = worker.lines()
    keys = Counter(line["key"] for line in lines)
    delivery_keys = {str(k) for k in Delivery.objects.values_list("key", flat=True)}
    lost = delivery_keys - set(keys)
    natural = set(
        Delivery.objects.filter(key__in=list(keys)).values_list(
            "notification__recipient_key", "notification__kind", "notification__item_id", "notification__stage",
            "channel", "address",
        )
    )
    return len(lines), len(keys), len(lost), len(natural)


def test_due_reminders_are_delivered(worker, broker):
    from congress_portal.notifications.tasks import scan_reminders

    bulk.build(suggestions=20, units=4, due_spread_days=(7, 7))
    worker.start()
    scan_reminders.delay()
    wait_until(all_sent(40), what="40 deliveries sent")
    assert Notification.objects.filter(kind=Kind.REPLY_DUE, stage="d7").count() == 20
    handoffs, keys, lost, natural = tally(worker)
    assert (handoffs, keys, lost, natural) == (40, 40, 0, 40)
    assert {line["channel"] for line in worker.lines()} == {"email", "sms"}
    assert any("答复到期提醒" in line["text"] for line in worker.lines())
    # The next beat finds the same reminders due and says nothing new.
    scan_reminders.delay()
    wait_until(lambda: not broker_busy(), what="the second scan")
    time.sleep(1)
    assert tally(worker) == (40, 40, 0, 40)
    assert Notification.objects.count() == 20


def test_worker_killed_mid_batch_of_1000_loses_and_duplicates_nothing(worker):
    from congress_portal.notifications.tasks import dispatch_due_deliveries
    from congress_portal.notifications.tasks import scan_reminders

    bulk.build(suggestions=1000, units=50, due_spread_days=(7, 7), contact_email=False)
    first = worker.start()
    scan_reminders.delay()
    wait_until(lambda: len(worker.lines()) >= 250, what="a quarter of the batch")
    worker.kill(first)
    killed_at = time.monotonic()
    sent_before_kill = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    stranded = Delivery.objects.filter(status=DeliveryStatus.SENDING).count()  # claimed, never recorded
    assert sent_before_kill < 1000, "the batch finished before the kill; nothing was tested"

    time.sleep(VISIBILITY_TIMEOUT + 0.5)  # Redis gives the dead worker's unacked messages back after this
    worker.start()
    # The next beats: the scan again, and the sweeper for anything never queued
    # and for the dead worker's claims, stale by now.
    scan_reminders.delay()
    time.sleep(max(0.0, STALE_CLAIM_SECONDS + 0.5 - (time.monotonic() - killed_at)))
    dispatch_due_deliveries.delay(pending_grace_seconds=0, stale_claim_seconds=STALE_CLAIM_SECONDS)
    wait_until(all_sent(1000), timeout=90, what="all 1,000 sent after the restart")
    time.sleep(1)  # let any redelivered message finish, so a late duplicate would be seen

    handoffs, keys, lost, natural = tally(worker)
    resent = handoffs - keys
    print(f"\nkill after {sent_before_kill} sent: delivered {keys}, lost {lost}, duplicated {keys - natural}, "
          f"hand-offs {handoffs} (same key twice: {resent}; claims the kill left: {stranded})")
    assert Notification.objects.count() == 1000
    assert Delivery.objects.count() == 1000
    assert keys == 1000 and lost == 0
    assert natural == 1000  # no reminder was sent under two keys
    assert resent == 0  # the dead worker's unrecorded sends were looked up, not handed over again


def test_scan_and_monthly_notice_run_twice_at_once_say_everything_once(worker):
    from congress_portal.notifications.tasks import scan_reminders
    from suggestions.tasks import send_monthly_notices

    NotificationPolicy.objects.filter(pk=1).update(monthly_notice_day=1)
    df.staff_user(email="duban@npc.example.gov.cn")
    bulk.build(suggestions=200, units=10, due_spread_days=(-20, 7), contact_phone=False)
    worker.start()
    today = timezone.localdate().isoformat()
    # Two beats firing together: both pool processes scan at the same time.
    for _ in range(2):
        scan_reminders.delay()
        send_monthly_notices.delay(today=today)
    reminders = Notification.objects.filter(kind__in=[Kind.REPLY_DUE, Kind.REPLY_OVERDUE])
    wait_until(lambda: reminders.count() == 200 and Notification.objects.filter(kind=Kind.PROGRESS_SUMMARY).exists(),
               what="the scan and the notice")
    expected = 200 + 10 + 1  # one reminder per item, a notice per unit, the staff summary
    wait_until(all_sent(expected), what="all sent")
    time.sleep(1.5)  # both scans and both notices have run by now; a duplicate would be sent
    scan_reminders.delay()
    send_monthly_notices.delay(today=today)
    time.sleep(1.5)
    handoffs, keys, lost, natural = tally(worker)
    assert Notification.objects.count() == expected
    assert (handoffs, keys, lost, natural) == (expected, expected, 0, expected)
    assert Notification.objects.filter(kind=Kind.PROGRESS_NOTICE).count() == 10
