"""Message texts: one Django template per kind,
``templates/notifications/messages/<kind>.txt``, in Chinese through gettext.
The first line is the subject, the rest the body; the SMS is the subject with
the link. Rendered from the notification's stored context (the snapshot)."""
from dataclasses import dataclass

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils.translation import gettext as _

SMS_SIGNATURE = "【人大代表工作】"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


def absolute_url(link):
    if not link:
        return ""
    if link.startswith("http"):
        return link
    return settings.PORTAL_BASE_URL.rstrip("/") + link


def render_message(notification):
    template = get_template(f"notifications/messages/{notification.kind}.txt")
    context = dict(notification.context or {})
    context.setdefault("link", absolute_url(notification.link))
    # Plain text: no HTML escaping.
    text = template.template.render(Context(context, autoescape=False)).strip()
    subject, _sep, body = text.partition("\n")
    subject = subject.strip()
    body = body.strip()
    url = context["link"]
    if url and url not in body:
        body = f"{body}\n\n{_('详情')}：{url}"
    sms = SMS_SIGNATURE + subject + (f" {url}" if url else "")
    return Rendered(subject=subject, body=body, sms=sms)
