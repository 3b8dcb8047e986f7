"""Who is told of a motion's moves: every signer (the lead deputy included)
hears the presidium's decision and the special committee's report; the
deputies invited to sign a draft online hear of their invitation; a
delegation's head hears of a motion sent for approval, and its contact of the
head's answer.
Registered as its own ``Notices`` ("motions") from ``SuggestionsConfig.ready()``."""
from collections import defaultdict

from django.utils.translation import gettext as _

from congress_portal.notifications.models import Kind
from congress_portal.notifications.registry import Notices
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import link_to

from ..lifecycles import MOTION_MOVES
from ..models import MotionEvent, MotionInvitation, MotionSigner

TOLD = ("place_on_agenda", "record_report", "handle_as_suggestion")
INVITING = "invite_signers"
TO_HEAD, FROM_HEAD = "submit_to_head", ("approve_by_head", "return_by_head")


def event_messages(event_ids):
    """Three queries however many events."""
    events = list(
        MotionEvent.objects.filter(pk__in=list(event_ids), move__in=[*TOLD, INVITING, TO_HEAD, *FROM_HEAD])
        .select_related("motion__lead_deputy", "motion__delegation__head").order_by("pk")
    )
    if not events:
        return []
    signers = defaultdict(list)
    for signature in MotionSigner.objects.filter(motion_id__in={e.motion_id for e in events}).select_related("deputy"):
        signers[signature.motion_id].append(signature.deputy)
    invited = defaultdict(list)
    inviting = [e.pk for e in events if e.move == INVITING]
    if inviting:
        for invitation in MotionInvitation.objects.filter(invited_in_id__in=inviting).select_related("deputy"):
            invited[invitation.invited_in_id].append(invitation.deputy)
    link = link_to("suggestions:my_motion")
    messages = []
    for event in events:
        motion = event.motion
        move = MOTION_MOVES.get(event.move)
        if event.move == INVITING:
            told = invited[event.pk]
        elif event.move == TO_HEAD:
            told = [motion.delegation.head] if motion.delegation and motion.delegation.head else []
        elif event.move in FROM_HEAD:
            told = [motion.lead_deputy]
        else:
            told = signers[motion.pk]
        for deputy in told:
            messages.append(Message(
                recipient=Recipient.deputy(deputy.pk), kind=Kind.MOTION_EVENT, item_type="motion", item_id=motion.pk,
                stage=f"e{event.pk}", link=link(motion.pk),
                context={"recipient_name": _("%(name)s代表") % {"name": deputy.name}, "number": motion.number_label,
                         "title": motion.title, "event_label": str(move.label) if move else event.move,
                         "note": event.note, "invitation": event.move == INVITING, "lead_name": motion.lead_deputy.name,
                         "to_head": event.move == TO_HEAD, "delegation": motion.delegation.name if motion.delegation else ""},
            ))
    return messages


def recent_event_messages(since):
    return event_messages(MotionEvent.objects.filter(at__gte=since).values_list("pk", flat=True))


NOTICES = Notices(name="motions", events={MotionEvent._meta.label: event_messages}, catch_up=recent_event_messages)
