"""Every write of the notifications part.

``record_messages`` is the one way anything is said: it records each message
once (unique per recipient, kind, item and stage or period), creates the
deliveries of the new ones over the recipients' chosen channels in the same
transaction, and queues the sends after commit. ``send_delivery`` is what the
Celery task calls; ``dispatch_due_deliveries`` is the periodic sweeper that
picks up retries and anything whose queueing was lost.
"""
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import Channel, Delivery, DeliveryStatus, Notification, NotificationPolicy

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 50


@dataclass(frozen=True)
class Recipient:
    """A handling unit, a deputy or a user."""

    type: str  # "unit" | "deputy" | "user"
    id: int

    @property
    def key(self):
        return f"{self.type}:{self.id}"

    @classmethod
    def unit(cls, unit_id):
        return cls("unit", unit_id)

    @classmethod
    def deputy(cls, deputy_id):
        return cls("deputy", deputy_id)

    @classmethod
    def user(cls, user_id):
        return cls("user", user_id)


@dataclass(frozen=True)
class Message:
    recipient: Recipient
    kind: str
    item_type: str
    item_id: int
    stage: str = ""
    context: dict = field(default_factory=dict, compare=False, hash=False)
    link: str = field(default="", compare=False, hash=False)

    @property
    def natural_key(self):
        return (self.recipient.key, self.kind, self.item_type, self.item_id, self.stage)

    def as_row(self, *, batch, now):
        row = Notification(
            recipient_key=self.recipient.key,
            kind=self.kind,
            item_type=self.item_type,
            item_id=self.item_id,
            stage=self.stage,
            context=self.context,
            link=self.link,
            created_at=now,
            batch=batch,
        )
        setattr(row, f"recipient_{self.recipient.type}_id", self.recipient.id)
        return row


def record_messages(*, messages, now=None):
    """Record each message once and queue its sends after commit.

    Set-based: one INSERT ... ON CONFLICT DO NOTHING for all messages, one
    SELECT for the rows this call created (by its batch id), one query per
    recipient type for addresses, one INSERT for the deliveries; the query
    count does not depend on the number of messages. Returns the new
    notifications' ids."""
    now = now or timezone.now()
    unique = {}
    for message in messages:
        unique.setdefault(message.natural_key, message)
    if not unique:
        return []
    batch = uuid.uuid4()
    fast = connection.vendor == "postgresql"
    with transaction.atomic():
        if fast:
            created = _insert_notifications_pg(unique.values(), now=now)
        else:
            Notification.objects.bulk_create(
                [message.as_row(batch=batch, now=now) for message in unique.values()], ignore_conflicts=True
            )
            created = list(
                Notification.objects.filter(batch=batch).values_list(
                    "id", "recipient_unit_id", "recipient_deputy_id", "recipient_user_id"
                )
            )
        deliveries = _deliveries_for(created, now=now)
        if fast:
            delivery_ids = _insert_deliveries_pg(deliveries, now=now)
        else:
            Delivery.objects.bulk_create(deliveries)
            delivery_ids = [delivery.pk for delivery in deliveries]
        if delivery_ids:
            transaction.on_commit(lambda: dispatch(delivery_ids))
    return [row[0] for row in created]


def _insert_notifications_pg(messages, *, now):
    """One INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING
    RETURNING: the rows this call really created, however many messages
    (the ORM's bulk_create compiles one placeholder per value, which is slow
    at 50,000 rows, and cannot return the rows of an ignore-conflicts insert)."""
    columns = {name: [] for name in ("key", "unit", "deputy", "user", "kind", "item_type", "item_id", "stage",
                                     "context", "link")}
    for message in messages:
        recipient = message.recipient
        columns["key"].append(recipient.key)
        columns["unit"].append(recipient.id if recipient.type == "unit" else None)
        columns["deputy"].append(recipient.id if recipient.type == "deputy" else None)
        columns["user"].append(recipient.id if recipient.type == "user" else None)
        columns["kind"].append(str(message.kind))
        columns["item_type"].append(message.item_type)
        columns["item_id"].append(message.item_id)
        columns["stage"].append(message.stage)
        columns["context"].append(json.dumps(message.context, cls=DjangoJSONEncoder, ensure_ascii=False))
        columns["link"].append(message.link)
    table = connection.ops.quote_name(Notification._meta.db_table)
    sql = f"""
        INSERT INTO {table} (recipient_key, recipient_unit_id, recipient_deputy_id, recipient_user_id, kind,
                             item_type, item_id, stage, context, link, created_at)
        SELECT k, u, d, us, kd, it, iid, st, ctx::jsonb, lk, %s
        FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bigint[],
                    %s::text[], %s::text[], %s::text[]) AS t(k, u, d, us, kd, it, iid, st, ctx, lk)
        ON CONFLICT DO NOTHING
        RETURNING id, recipient_unit_id, recipient_deputy_id, recipient_user_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *columns.values()])
        return sorted(cursor.fetchall())


def _insert_deliveries_pg(deliveries, *, now):
    if not deliveries:
        return []
    table = connection.ops.quote_name(Delivery._meta.db_table)
    sql = f"""
        INSERT INTO {table} (key, notification_id, channel, address, status, attempts, last_error, created_at)
        SELECT k, n, c, a, %s, 0, '', %s
        FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::text[]) AS t(k, n, c, a)
        RETURNING id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [
            DeliveryStatus.PENDING.value, now,
            [str(d.key) for d in deliveries], [d.notification_id for d in deliveries],
            [str(d.channel) for d in deliveries], [d.address for d in deliveries],
        ])
        return sorted(row[0] for row in cursor.fetchall())


def _preference(user):
    from .models import ChannelPreference

    if user is None:
        return None
    try:
        return user.channel_preference
    except ChannelPreference.DoesNotExist:
        return None


def _wants(preference, channel):
    return True if preference is None else getattr(preference, channel)


def _unit_addresses(unit_ids):
    from deputies.models import UnitContact

    addresses = {}
    contacts = UnitContact.objects.filter(unit_id__in=unit_ids, receives_notices=True).select_related(
        "user__channel_preference"
    )
    for contact in contacts:
        preference = _preference(contact.user)
        found = addresses.setdefault(contact.unit_id, set())
        email = contact.email or (contact.user.email if contact.user else "")
        if email and _wants(preference, "email"):
            found.add((Channel.EMAIL, email))
        if contact.phone and _wants(preference, "sms"):
            found.add((Channel.SMS, contact.phone))
    return addresses


def _deputy_addresses(deputy_ids):
    from deputies.models import Deputy

    addresses = {}
    for deputy in Deputy.objects.filter(id__in=deputy_ids).select_related("user__channel_preference"):
        preference = _preference(deputy.user)
        found = addresses.setdefault(deputy.pk, set())
        if deputy.user and deputy.user.email and _wants(preference, "email"):
            found.add((Channel.EMAIL, deputy.user.email))
        if deputy.phone and _wants(preference, "sms"):
            found.add((Channel.SMS, deputy.phone))
    return addresses


def _user_addresses(user_ids):
    from congress_portal.accounts.models import User

    addresses = {}
    for user in User.objects.filter(id__in=user_ids, is_active=True).select_related("channel_preference"):
        preference = _preference(user)
        found = addresses.setdefault(user.pk, set())
        if user.email and _wants(preference, "email"):
            found.add((Channel.EMAIL, user.email))
        if user.phone and _wants(preference, "sms"):
            found.add((Channel.SMS, user.phone))
    return addresses


def _deliveries_for(created, *, now):
    unit_ids = {row[1] for row in created if row[1]}
    deputy_ids = {row[2] for row in created if row[2]}
    user_ids = {row[3] for row in created if row[3]}
    by_unit = _unit_addresses(unit_ids) if unit_ids else {}
    by_deputy = _deputy_addresses(deputy_ids) if deputy_ids else {}
    by_user = _user_addresses(user_ids) if user_ids else {}
    deliveries = []
    for notification_id, unit_id, deputy_id, user_id in created:
        if unit_id:
            addresses = by_unit.get(unit_id, ())
        elif deputy_id:
            addresses = by_deputy.get(deputy_id, ())
        else:
            addresses = by_user.get(user_id, ())
        for channel, address in sorted(addresses):
            deliveries.append(
                Delivery(notification_id=notification_id, channel=channel, address=address, created_at=now)
            )
    return deliveries


def dispatch(delivery_ids):
    """Queue the sends, a chunk of deliveries per task (called after commit)."""
    from .tasks import send_deliveries

    ids = list(delivery_ids)
    for start in range(0, len(ids), DISPATCH_CHUNK):
        send_deliveries.delay(ids[start : start + DISPATCH_CHUNK])


def send_delivery(*, delivery_id, now=None):
    """Send one delivery if it is still owed; safe to run twice or at once.

    The row is locked for the send, so two workers never send the same
    delivery; a row another worker holds is skipped (that worker records it,
    or dies and the sweeper re-queues it). Returns "sent", "failed" or
    "skipped"."""
    from . import channels

    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
            .filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY])
            .first()
        )
        if delivery is None:
            return "skipped"
        now = now or timezone.now()
        delivery.attempts += 1
        try:
            channels.send(delivery)
        except Exception as exc:  # any backend failure is recorded and retried
            policy = NotificationPolicy.current()
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= policy.max_send_attempts:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.status = DeliveryStatus.RETRY
                delay = policy.retry_backoff_minutes * 2 ** (delivery.attempts - 1)
                delivery.next_attempt_at = now + timedelta(minutes=delay)
            delivery.save(update_fields=["attempts", "status", "next_attempt_at", "last_error"])
            logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, delivery.last_error)
            return "failed"
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    return "sent"


def dispatch_due_deliveries(*, now=None, pending_grace=timedelta(minutes=2), limit=5000):
    """The sweeper: re-queue retries whose back-off has passed and pending
    deliveries whose queueing was lost (a crash between commit and queueing,
    a broker restart). Sending twice is harmless: send_delivery skips rows
    already sent. Returns the number queued."""
    from django.db.models import Q

    now = now or timezone.now()
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


def retry_delivery(*, delivery, actor):
    """Staff send a failed delivery again (admin action)."""
    from django.core.exceptions import PermissionDenied

    from .permissions import can_manage_deliveries

    if not can_manage_deliveries(actor):
        raise PermissionDenied
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.RETRY, next_attempt_at=timezone.now(), attempts=0
    )
    if updated:
        transaction.on_commit(lambda: dispatch([delivery.pk]))
    return bool(updated)


def mark_read(*, user, notification_ids=None, now=None):
    """Mark the user's notifications read (all unread ones when no ids are
    given). Another recipient's notifications are not touched. Returns the
    number marked."""
    queryset = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=now or timezone.now())


def mark_unread(*, user, notification_ids):
    return Notification.objects.visible_to(user).filter(pk__in=list(notification_ids)).update(read_at=None)
