"""预约见面: the services of a booking (the public books, the keeper confirms
or declines) and the reception slots a person may choose from."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.notifications.models import Channel
from congress_portal.notifications.services import Recipient

from . import selectors
from .constituents import mobile_of
from .models import BOOKING_LIFECYCLE, Booking, BookingStatus, StationPolicy
from .services import check_message_rate

RECIPIENT_TYPE = "booker"


def slots(*, station, policy=None):
    """The (date, deputy) pairs a person may book: the deputies on duty on the
    station's next reception days, soonest first (``station`` as given by
    ``selectors.public_station``)."""
    policy = policy or StationPolicy.current()
    today = timezone.localdate()
    found = []
    for day, rule in selectors.upcoming_receptions(station=station, horizon_days=policy.rota_horizon_days):
        if day <= today:  # a meeting is booked ahead, not for today
            continue
        for deputy in rule.deputies.all():
            if (day, deputy) not in found:
                found.append((day, deputy))
    return found


def slot_key(day, deputy):
    return f"{day.isoformat()}:{deputy.pk}"


def book_meeting(*, station, slot, name, mobile, topic, client_ip):
    """A person books ``slot`` (a key from ``slots``). Counted against the
    station's per-address message limit, like a message."""
    choices = {slot_key(day, deputy): (day, deputy) for day, deputy in slots(station=station)}
    errors = {}
    if slot not in choices:
        errors["slot"] = _("请选择接待日和代表。")
    name, topic = (name or "").strip(), (topic or "").strip()
    if not name:
        errors["name"] = _("请填写姓名。")
    number = mobile_of(mobile)
    if not number:
        errors["mobile"] = _("请输入11位手机号码。")
    if not topic:
        errors["topic"] = _("请简要说明想反映的事项。")
    if errors:
        raise ValidationError(errors)
    check_message_rate(client_ip=client_ip)
    day, deputy = choices[slot]
    with transaction.atomic():
        booking = Booking.objects.create(station=station, deputy=deputy, on_date=day, name=name[:64], mobile=number,
                                         topic=topic[:1000])
        BOOKING_LIFECYCLE.record_event(obj=booking, move_name="book", old="", new=BookingStatus.REQUESTED, actor=None)
    return booking


def confirm_booking(*, booking, actor, reply=""):
    return _move(booking, "confirm", actor=actor, reply=reply)


def decline_booking(*, booking, actor, reply=""):
    if not (reply or "").strip():
        raise ValidationError({"reply": _("请说明未能安排的原因，并告知其他接待日。")})
    return _move(booking, "decline", actor=actor, reply=reply)


def _move(booking, move_name, *, actor, reply):
    reply = (reply or "").strip()[:255]

    def apply(locked):
        locked.reply = reply

    BOOKING_LIFECYCLE.transition(booking, move_name, actor=actor, note=reply, apply=apply, fields=["reply"],
                                 related=("station",))
    return booking


def addresses(booking_ids):
    """The registry's address lookup for "booker": the mobile on the booking."""
    return {pk: {(Channel.SMS, mobile)} for pk, mobile in
            Booking.objects.filter(pk__in=list(booking_ids)).values_list("pk", "mobile") if mobile}


def recipient(booking):
    return Recipient(RECIPIENT_TYPE, booking.pk)
