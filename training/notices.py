"""What the training app tells deputies: an inbox message (and the deputy's
chosen channels) when they are enrolled in a session that has not ended, once
per session and deputy. Registered with the notice registry from
``TrainingConfig.ready()``; the enrolment rows are their own events."""
from django.utils import timezone

from congress_portal.notifications.models import Kind
from congress_portal.notifications.registry import Notices
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import cn_date, reverse_or_blank

from .models import Enrolment, EnrolmentStatus

ENROLMENT_SOURCE = Enrolment._meta.label


def _hours_label(hours):
    """Decimal("6.0") -> "6", Decimal("1.5") -> "1.5"."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def enrolment_messages(enrolments):
    """A message for each enrolment in ``enrolments`` (a queryset) still on
    the roll, for a session that has not ended. One query however many."""
    now = timezone.now()
    rows = (
        enrolments.filter(status=EnrolmentStatus.ENROLLED, session__ends_at__gte=now)
        .order_by("session_id", "deputy_id")
        .values_list(
            "session_id", "deputy_id", "deputy__name", "session__title", "session__starts_at", "session__venue",
            "session__hours", "session__organiser",
        )
    )
    link = reverse_or_blank("training:my")
    starts_label = {}
    messages = []
    for session_id, deputy_id, deputy_name, title, starts_at, venue, hours, organiser in rows:
        if session_id not in starts_label:
            local = timezone.localtime(starts_at)
            starts_label[session_id] = f"{cn_date(local.date())} {local:%H:%M}"
        messages.append(Message(
            recipient=Recipient.deputy(deputy_id), kind=Kind.TRAINING_ENROLMENT, item_type="training_session",
            item_id=session_id,
            context={"deputy_name": deputy_name, "session_title": title, "starts": starts_label[session_id],
                     "venue": venue, "hours": _hours_label(hours), "organiser": organiser},
            link=link,
        ))
    return messages


def enrolments_created(enrolment_ids):
    return enrolment_messages(Enrolment.objects.filter(pk__in=list(enrolment_ids)))


def recent_enrolments(since):
    """The catch-up of enrolment notices whose after-commit hook never ran."""
    return enrolment_messages(Enrolment.objects.filter(enrolled_at__gte=since))


NOTICES = Notices(name="training", events={ENROLMENT_SOURCE: enrolments_created}, catch_up=recent_enrolments)
