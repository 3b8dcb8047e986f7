"""The channel backends: email through Django's mail backends, SMS through
``sms.get_sms_backend()``. The inbox needs no backend: the Notification row is
the inbox message, visible as soon as its transaction commits.

``lookup`` asks a channel whether it already took a delivery's key: what
reconciles a send whose result was never recorded. A backend answers through
an optional ``lookup(*, idempotency_key)`` method returning ``SENT``,
``NOT_SENT`` or None (it cannot tell); without the method the answer is None."""
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend

from .excel import workbook_for
from .models import Channel
from .sms import get_sms_backend

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def message_id(delivery):
    """A stable Message-ID: a resend after a crash carries the same one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "portal"
    return f"<{delivery.key}@{domain}>"


def send_email(delivery):
    notification = delivery.notification
    email = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": message_id(delivery)},
        connection=get_connection(fail_silently=False),
    )
    if notification.has_attachment:
        filename, content = workbook_for(notification)
        email.attach(filename, content, XLSX_TYPE)
    email.send(fail_silently=False)


def send_sms(delivery):
    get_sms_backend().send(
        phone=delivery.address, text=delivery.notification.sms_text, idempotency_key=str(delivery.key)
    )


SENDERS = {Channel.EMAIL: send_email, Channel.SMS: send_sms}


def send(delivery):
    SENDERS[delivery.channel](delivery)


SENT = "sent"
NOT_SENT = "not_sent"


def lookup_email(delivery):
    connection = get_connection()
    if isinstance(connection, LocmemEmailBackend):
        # The test suite's mail server: its outbox is everything it took.
        wanted = message_id(delivery)
        taken = any(message.extra_headers.get("Message-ID") == wanted for message in getattr(mail, "outbox", []))
        return SENT if taken else NOT_SENT
    find = getattr(connection, "lookup", None)
    return find(idempotency_key=str(delivery.key)) if find else None


def lookup_sms(delivery):
    find = getattr(get_sms_backend(), "lookup", None)
    return find(idempotency_key=str(delivery.key)) if find else None


LOOKUPS = {Channel.EMAIL: lookup_email, Channel.SMS: lookup_sms}


def lookup(delivery):
    """SENT, NOT_SENT, or None when the channel cannot tell (it may raise
    when it cannot be reached: ask again later)."""
    return LOOKUPS[delivery.channel](delivery)
