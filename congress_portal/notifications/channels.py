"""The channel backends: email through Django's mail backends, SMS through
``sms.get_sms_backend()``. The inbox needs no backend: the Notification row is
the inbox message, visible as soon as its transaction commits."""
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

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
