"""Who is told of a motion's moves: every signer (the lead deputy included)
hears the presidium's decision and the special committee's report.
Registered as its own ``Notices`` ("motions") from ``SuggestionsConfig.ready()``."""
from collections import defaultdict

from django.utils.translation import gettext as _

from congress_portal.notifications.models import Kind
from congress_portal.notifications.registry import Notices
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import link_to

from ..lifecycles import MOTION_MOVES
from ..models import MotionEvent, MotionSigner

TOLD = ("place_on_agenda", "record_report", "handle_as_suggestion")


def event_messages(event_ids):
    """Two queries however many events."""
    events = list(
        MotionEvent.objects.filter(pk__in=list(event_ids), move__in=TOLD).select_related("motion").order_by("pk")
    )
    if not events:
        return []
    signers = defaultdict(list)
    for signature in MotionSigner.objects.filter(motion_id__in={e.motion_id for e in events}).select_related("deputy"):
        signers[signature.motion_id].append(signature.deputy)
    link = link_to("suggestions:my_motion")
    messages = []
    for event in events:
        motion = event.motion
        move = MOTION_MOVES.get(event.move)
        for deputy in signers[motion.pk]:
            messages.append(Message(
                recipient=Recipient.deputy(deputy.pk), kind=Kind.MOTION_EVENT, item_type="motion", item_id=motion.pk,
                stage=f"e{event.pk}", link=link(motion.pk),
                context={"recipient_name": _("%(name)s代表") % {"name": deputy.name}, "number": motion.number_label,
                         "title": motion.title, "event_label": str(move.label) if move else event.move,
                         "note": event.note},
            ))
    return messages


def recent_event_messages(since):
    return event_messages(MotionEvent.objects.filter(at__gte=since).values_list("pk", flat=True))


NOTICES = Notices(name="motions", events={MotionEvent._meta.label: event_messages}, catch_up=recent_event_messages)
