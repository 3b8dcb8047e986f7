"""The person who raised an issue as a notice recipient: no account, no inbox,
only the mobile number they left on the issue, and only when they agreed to
be told the result.

Registered with ``notifications.services.register_addresses("constituent", ...)``
from ``LiaisonStationsConfig.ready()``; a recipient is ``Recipient("constituent",
issue_id)``, so each issue is its own recipient and its messages are said once
per issue and event. The number is read here and handed to the SMS delivery;
it is never written to a log (the portal's log filter masks any that slips in)."""
import re

from congress_portal.notifications.models import Channel
from congress_portal.notifications.services import Recipient

from .models import Issue

RECIPIENT_TYPE = "constituent"
# A mainland mobile number inside whatever was typed as the contact ("138 0000 1111", "王，13800001111").
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_SEPARATORS = re.compile(r"[\s\-－]")


def mobile_of(contact):
    """The mobile number in a contact as typed, or "" when there is none (a landline, an email, nothing)."""
    found = _MOBILE.search(_SEPARATORS.sub("", contact or ""))
    return found.group(1) if found else ""


def can_be_told(issue):
    """Whether the person who raised ``issue`` is told by SMS: they left a mobile number and agreed."""
    return bool(issue.consents_to_contact and mobile_of(issue.raised_by_contact))


def recipient(issue):
    return Recipient(RECIPIENT_TYPE, issue.pk)


def addresses(issue_ids):
    """The SMS address of each issue's person (the registry's address lookup): one query."""
    found = {}
    rows = Issue.objects.filter(pk__in=list(issue_ids), consents_to_contact=True).values_list("pk", "raised_by_contact")
    for pk, contact in rows:
        mobile = mobile_of(contact)
        if mobile:
            found[pk] = {(Channel.SMS, mobile)}
    return found
