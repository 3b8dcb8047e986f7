"""Where notices to handling units and deputies go: a unit's notice contacts
and a deputy's own account and phone, over the channels each has chosen.
Registered with the notifications part from ``DeputiesConfig.ready()``."""
from congress_portal.notifications.models import Channel
from congress_portal.notifications.services import preference_of, wants

from .models import Deputy, UnitContact


def unit_addresses(unit_ids):
    addresses = {}
    contacts = UnitContact.objects.filter(unit_id__in=unit_ids, receives_notices=True).select_related(
        "user__channel_preference"
    )
    for contact in contacts:
        preference = preference_of(contact.user)
        found = addresses.setdefault(contact.unit_id, set())
        email = contact.email or (contact.user.email if contact.user else "")
        if email and wants(preference, "email"):
            found.add((Channel.EMAIL, email))
        if contact.phone and wants(preference, "sms"):
            found.add((Channel.SMS, contact.phone))
    return addresses


def deputy_addresses(deputy_ids):
    addresses = {}
    for deputy in Deputy.objects.filter(id__in=deputy_ids).select_related("user__channel_preference"):
        preference = preference_of(deputy.user)
        found = addresses.setdefault(deputy.pk, set())
        if deputy.user and deputy.user.email and wants(preference, "email"):
            found.add((Channel.EMAIL, deputy.user.email))
        if deputy.phone and wants(preference, "sms"):
            found.add((Channel.SMS, deputy.phone))
    return addresses
