"""Sending each delivery exactly once, even when a commit fails.

Three steps, and no network call inside a database transaction:

1. claim: a transaction of its own, committed before anything goes out, moves
   the row from pending/retry to ``sending`` with ``claimed_at`` and
   ``attempts + 1``. It is one conditional UPDATE: of two workers (two
   redeliveries of a task, the task and the sweeper) only one matches.
2. send: outside any transaction, with the delivery's key as the idempotency
   key (the same on every attempt).
3. record: a new short transaction writes sent, retry or failed, and only if
   the claim is still ours (same attempt, still ``sending``).

When step 3 never commits (serialization failure, lost connection, a killed
worker), the row stays ``sending`` and nobody resends it on sight: a retry of
the task finds no owed row and skips. Once the claim is older than
``NOTIFICATION_CLAIM_STALE_SECONDS`` (far longer than any send may take) the
sweeper asks the channel about the key: handed over, it is recorded as sent;
never received, it is queued again; the channel cannot tell, it becomes
``unknown`` and waits for staff in the admin.
"""
import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from .models import Delivery, DeliveryStatus, NotificationPolicy

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 50
OWED = (DeliveryStatus.PENDING, DeliveryStatus.RETRY)

# The task is looked up by name in the Celery app's registry, not imported:
# tasks.py calls these services, and the dependency points one way.
SEND_TASK = "congress_portal.notifications.tasks.send_deliveries"


def dispatch(delivery_ids):
    """Queue the sends, a chunk of deliveries per task (called after commit).

    The rows are committed before this runs, so a broker that cannot be
    reached loses nothing: the sweeper queues pending rows once the broker is
    back. Returns how many ids could not be queued (logged, not raised: the
    caller's work is already committed)."""
    send = current_app.tasks[SEND_TASK]
    ids = list(delivery_ids)
    for start in range(0, len(ids), DISPATCH_CHUNK):
        try:
            send.delay(ids[start : start + DISPATCH_CHUNK])
        except BrokerError as exc:
            left = len(ids) - start
            logger.warning("broker unreachable, %s deliveries stay pending for the sweeper: %s", left, exc)
            return left
    return 0


def broker_reachable():
    """Whether the broker answers now (one quick try, no back-off)."""
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0)
    except BrokerError:
        return False
    return True


def claim_stale_after():
    return timedelta(seconds=getattr(settings, "NOTIFICATION_CLAIM_STALE_SECONDS", 600))


def _assert_outside_transaction():
    """A send must not run inside a transaction that could still roll back:
    its claim would be undone and the message sent again. A test case's own
    wrapping transaction is allowed (Django's durable atomic ignores it too)."""
    if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError("an external send must run outside any database transaction")


def _claim(delivery_id, now):
    with transaction.atomic(durable=True):
        claimed = Delivery.objects.filter(pk=delivery_id, status__in=OWED).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    if not claimed:
        return None
    return Delivery.objects.select_related("notification").get(pk=delivery_id)


def _ours(delivery):
    """The row as long as the claim on it is still this attempt's."""
    return Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts)


def _failure_fields(delivery, error, now):
    policy = NotificationPolicy.current()
    if delivery.attempts >= policy.max_send_attempts:
        return {"status": DeliveryStatus.FAILED, "next_attempt_at": None, "last_error": error[:2000]}
    delay = policy.retry_backoff_minutes * 2 ** (delivery.attempts - 1)
    return {"status": DeliveryStatus.RETRY, "next_attempt_at": now + timedelta(minutes=delay),
            "last_error": error[:2000]}


def send_delivery(*, delivery_id, now=None):
    """Send one delivery if it is still owed; safe to run twice or at once.

    Returns "sent", "failed" or "skipped" (not owed: sent, failed for good,
    or claimed by another worker). A failure to record the result propagates
    (the task retries and skips the row); the claim stays for the sweeper."""
    from . import channels

    _assert_outside_transaction()
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    error = None
    try:
        channels.send(delivery)
    except Exception as exc:  # any backend failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"
    with transaction.atomic(durable=True):
        if error is None:
            recorded = _ours(delivery).update(status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None)
        else:
            fields = _failure_fields(delivery, error, now)
            recorded = _ours(delivery).update(**fields)
    if not recorded:
        logger.warning("delivery %s: its claim was reconciled before the result was recorded", delivery.pk)
    if error is not None:
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
        return "failed"
    return "sent"


def reconcile_stale_claims(*, now=None, stale_after=None, limit=500):
    """Settle deliveries claimed longer than ``stale_after`` ago and still
    ``sending``: their worker died or could not record the result. The
    channel is asked about the key; nothing is resent without its answer. A
    send the channel never received becomes a retry due now, which the
    sweeper's due query (``dispatch_due_deliveries``, right after) queues.
    Returns {"sent": n, "requeued": n, "unknown": n, "failed": n, "later": n}."""
    from . import channels

    _assert_outside_transaction()
    now = now or timezone.now()
    stale_after = claim_stale_after() if stale_after is None else stale_after
    stale = list(
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lte=now - stale_after)
        .select_related("notification")
        .order_by("pk")[:limit]
    )
    counts = dict.fromkeys(("sent", "requeued", "unknown", "failed", "later"), 0)
    for delivery in stale:
        try:
            answer = channels.lookup(delivery)
        except Exception as exc:  # the channel cannot be asked now: ask at the next sweep
            logger.warning("delivery %s: lookup failed, asking again later: %s", delivery.pk, exc)
            counts["later"] += 1
            continue
        if answer == channels.SENT:
            # Handed over right after the claim; the exact moment was lost with the result.
            outcome, fields = "sent", {"status": DeliveryStatus.SENT, "sent_at": delivery.claimed_at,
                                       "next_attempt_at": None}
        elif answer == channels.NOT_SENT:
            fields = _failure_fields(delivery, _("发送结果未记录，渠道确认未收到。"), now)
            fields["next_attempt_at"] = now if fields["status"] == DeliveryStatus.RETRY else None
            outcome = "requeued" if fields["status"] == DeliveryStatus.RETRY else "failed"
        else:
            outcome, fields = "unknown", {
                "status": DeliveryStatus.UNKNOWN, "next_attempt_at": None,
                "last_error": _("发送结果未记录，渠道无法查询是否已送达，请核实后处理。"),
            }
        with transaction.atomic(durable=True):
            settled = _ours(delivery).filter(claimed_at=delivery.claimed_at).update(**fields)
        if settled:
            counts[outcome] += 1
    if stale:
        logger.info("stale claims reconciled: %s", counts)
    return counts


def dispatch_due_deliveries(*, now=None, pending_grace=timedelta(minutes=2), stale_after=None, limit=5000):
    """The sweeper: settle stale claims, then re-queue retries whose back-off
    has passed and pending deliveries whose queueing was lost (a crash between
    commit and queueing, a broker that was down). Queueing twice is harmless:
    only one worker claims a row. Returns the number queued by the due query."""
    now = now or timezone.now()
    reconcile_stale_claims(now=now, stale_after=stale_after)
    ids = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.RETRY, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.PENDING, created_at__lte=now - pending_grace)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return len(ids)


def _staff_only(actor):
    from .permissions import can_manage_deliveries

    if not can_manage_deliveries(actor):
        raise PermissionDenied


def retry_delivery(*, delivery, actor):
    """Staff send a failed or unknown delivery again (admin action). For an
    unknown one this is staff's decision that it did not arrive: it goes out
    again under the same key (a gateway that honours keys still drops it)."""
    _staff_only(actor)
    updated = Delivery.objects.filter(
        pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN]
    ).update(status=DeliveryStatus.RETRY, next_attempt_at=timezone.now(), attempts=0)
    if updated:
        transaction.on_commit(lambda: dispatch([delivery.pk]))
    return bool(updated)


def confirm_delivery_sent(*, delivery, actor):
    """Staff found an unknown delivery at the gateway or mail server: record it sent."""
    _staff_only(actor)
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.UNKNOWN).update(
        status=DeliveryStatus.SENT, sent_at=F("claimed_at"), next_attempt_at=None
    )
    return bool(updated)
