"""Every write of the notifications part.

``record_messages`` is the one way anything is said: it records each message
once (unique per recipient, kind, item and stage or period), creates the
deliveries of the new ones over the recipients' chosen channels in the same
transaction, and queues the sends after commit. Sending itself (claim, send
outside any transaction, record; stale claims reconciled) is ``sending.py``,
re-exported here: ``send_delivery`` is what the Celery task calls,
``dispatch_due_deliveries`` the periodic sweeper.
"""
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import Channel, ChannelPreference, Delivery, DeliveryStatus, Notification
from .sending import (  # noqa: F401 - the service names callers use
    SEND_TASK,
    confirm_delivery_sent,
    dispatch,
    dispatch_due_deliveries,
    reconcile_stale_claims,
    retry_delivery,
    send_delivery,
)


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
        if self.recipient.type in _RECIPIENT_COLUMN:  # a person without an account has no column, only the key
            setattr(row, f"recipient_{self.recipient.type}_id", self.recipient.id)
        return row


def record_messages(*, messages, now=None):
    """Record each message once and queue its sends after commit.

    Set-based, a fixed number of queries however many messages: one query
    per recipient type for the addresses, then (PostgreSQL) a single
    statement that inserts the notifications with ON CONFLICT DO NOTHING and,
    from the rows it really created, their deliveries. The unique constraint
    decides what is new, so two scans at once still say everything once: the
    second insert waits for the first's commit and then skips its rows.
    Returns the new notifications' ids.

    There is deliberately no "which of these exist already?" pre-check: it
    would let a later scan skip what an earlier one said even without the
    unique constraint, hiding its loss from the reliability tests."""
    now = now or timezone.now()
    unique = {}
    for message in messages:
        unique.setdefault(message.natural_key, message)
    candidates = list(unique.values())
    if not candidates:
        return []
    addresses = _addresses_by_recipient({message.recipient for message in candidates})
    with transaction.atomic():
        if connection.vendor == "postgresql":
            created, delivery_ids = _insert_pg(candidates, addresses, now=now)
        else:
            created, delivery_ids = _insert_orm(candidates, addresses, now=now)
        if delivery_ids:
            transaction.on_commit(lambda: dispatch(delivery_ids))
    return created


def _insert_orm(messages, addresses, *, now):
    """The portable path (SQLite in the demo): bulk_create with
    ignore_conflicts, then the rows this call created, found by its batch id
    (an ignore-conflicts bulk_create does not return the new rows' ids)."""
    batch = uuid.uuid4()
    Notification.objects.bulk_create(
        [message.as_row(batch=batch, now=now) for message in messages], ignore_conflicts=True
    )
    created = sorted(Notification.objects.filter(batch=batch).values_list("id", "recipient_key"))
    deliveries = [
        Delivery(notification_id=notification_id, channel=channel, address=address, created_at=now)
        for notification_id, key in created
        for channel, address in addresses.get(key, ())
    ]
    Delivery.objects.bulk_create(deliveries)
    return [row[0] for row in created], [delivery.pk for delivery in deliveries]


# One statement: the notifications go in as one JSON document (one C-level
# json.dumps here, json_to_recordset there; arrays bound per column were
# quoted value by value in Python and cost seconds at 50,000 rows), ON
# CONFLICT DO NOTHING keeps the ones already said out, and the deliveries of
# exactly the rows created are inserted from the RETURNING in the same
# statement (keys from gen_random_uuid(), no Python object per delivery).
_INSERT_SQL = """
WITH incoming AS (
    SELECT * FROM json_to_recordset(%(rows)s::json)
        AS t(k text, u bigint, d bigint, us bigint, kd text, it text, iid bigint, st text, ctx jsonb, lk text)
), created AS (
    INSERT INTO {notification} (recipient_key, recipient_unit_id, recipient_deputy_id, recipient_user_id, kind,
                                item_type, item_id, stage, context, link, created_at)
    SELECT k, u, d, us, kd, it, iid, st, ctx, lk, %(now)s FROM incoming
    ON CONFLICT DO NOTHING
    RETURNING id, recipient_key
), addresses AS (
    SELECT * FROM json_to_recordset(%(addresses)s::json) AS a(k text, c text, a text)
), deliveries AS (
    INSERT INTO {delivery} (key, notification_id, channel, address, status, attempts, last_error, created_at)
    SELECT gen_random_uuid(), created.id, addresses.c, addresses.a, %(pending)s, 0, '', %(now)s
    FROM created JOIN addresses ON addresses.k = created.recipient_key
    RETURNING id
)
SELECT 'n', id FROM created
UNION ALL
SELECT 'd', id FROM deliveries
"""


def _insert_pg(messages, addresses, *, now):
    rows = []
    for message in messages:
        recipient = message.recipient
        row = {"k": recipient.key, "kd": str(message.kind), "it": message.item_type, "iid": message.item_id,
               "st": message.stage, "ctx": message.context, "lk": message.link}
        if recipient.type in _RECIPIENT_COLUMN:  # a person without an account has no column, only the key
            row[_RECIPIENT_COLUMN[recipient.type]] = recipient.id
        rows.append(row)
    address_rows = [
        {"k": key, "c": str(channel), "a": address} for key, found in addresses.items() for channel, address in found
    ]
    sql = _INSERT_SQL.format(
        notification=connection.ops.quote_name(Notification._meta.db_table),
        delivery=connection.ops.quote_name(Delivery._meta.db_table),
    )
    params = {
        "rows": json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")),
        "addresses": json.dumps(address_rows, ensure_ascii=False),
        "now": now,
        "pending": DeliveryStatus.PENDING.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    created = sorted(pk for what, pk in result if what == "n")
    delivery_ids = sorted(pk for what, pk in result if what == "d")
    return created, delivery_ids


_RECIPIENT_COLUMN = {"unit": "u", "deputy": "d", "user": "us"}


def preference_of(user):
    """The user's channel choice, or None (every channel) when there is none."""
    if user is None:
        return None
    try:
        return user.channel_preference
    except ChannelPreference.DoesNotExist:
        return None


def wants(preference, channel):
    return True if preference is None else getattr(preference, channel)


def _user_addresses(user_ids):
    from congress_portal.accounts.models import User

    addresses = {}
    for user in User.objects.filter(id__in=user_ids, is_active=True).select_related("channel_preference"):
        preference = preference_of(user)
        found = addresses.setdefault(user.pk, set())
        if user.email and wants(preference, "email"):
            found.add((Channel.EMAIL, user.email))
        if user.phone and wants(preference, "sms"):
            found.add((Channel.SMS, user.phone))
    return addresses


# recipient type -> ids -> {id: {(channel, address)}}; "user" is ours, the apps
# that own other recipients (deputies: "unit" and "deputy"; liaison_stations:
# "constituent", the person who raised an issue) register theirs.
_address_lookups = {"user": _user_addresses}


def register_addresses(recipient_type, lookup):
    """Register how the addresses of one recipient type are found (from an
    app's AppConfig.ready()): ``lookup(ids) -> {id: {(channel, address)}}``."""
    _address_lookups[recipient_type] = lookup


def _addresses_by_recipient(recipients):
    """recipient key -> sorted [(channel, address)], one query per recipient type present."""
    ids = defaultdict(set)
    for recipient in recipients:
        ids[recipient.type].add(recipient.id)
    found = {}
    for type_, type_ids in ids.items():
        for pk, addresses in _address_lookups[type_](type_ids).items():
            found[f"{type_}:{pk}"] = sorted(addresses)
    return found


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
