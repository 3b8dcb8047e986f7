"""Who is told of a SuggestionEvent: the after-commit path of the transition
service and the scan's catch-up of recent events both come here."""
from collections import defaultdict

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts.models import Role, User
from congress_portal.notifications.models import Kind, Notification
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import link_to, reverse_or_blank

from ..models import Assignment, CoSignature, CoSignState, MotionSigner, SuggestionEvent, UnitRole
from ..workflow import MOVES

# ---------------------------------------------------------------- events

UNITS, REPLYING_UNITS, LEAD_UNIT, EVENT_UNIT, LEAD_DEPUTY, INVITED, STAFF, MOTION_SIGNERS, CO_SIGNERS = (
    "units", "replying_units", "lead_unit", "event_unit", "lead_deputy", "invited", "staff", "motion_signers",
    "co_signers",
)
DELEGATION_HEAD = "delegation_head"
# Who is told of each move (moves not listed tell no one beyond the timeline).
EVENT_RECIPIENTS = {
    "submit": (INVITED,),
    # A submitted draft invites the co-signers it named, as a direct submission does.
    "submit_draft": (INVITED,),
    "submit_to_head": (DELEGATION_HEAD,),
    "return_by_head": (LEAD_DEPUTY,),
    "approve_by_head": (LEAD_DEPUTY,),
    "register": (LEAD_DEPUTY,),
    "reject": (LEAD_DEPUTY,),
    "assign": (UNITS, LEAD_DEPUTY),
    "mark_key": (UNITS,),
    "request_reassignment": (STAFF,),
    "decide_reassignment": (EVENT_UNIT, UNITS),
    "extend_deadline": (REPLYING_UNITS, LEAD_DEPUTY),
    "co_opinion": (LEAD_UNIT,),
    # A motion handled as a suggestion: its reply reaches every signer of the motion.
    "reply_part": (LEAD_DEPUTY, MOTION_SIGNERS),
    "reply": (LEAD_DEPUTY, MOTION_SIGNERS),
    "rate_part": (EVENT_UNIT,),
    "rate": (REPLYING_UNITS,),
    "rate_not_satisfied": (REPLYING_UNITS, STAFF),
    "close_not_satisfied": (LEAD_DEPUTY, REPLYING_UNITS, STAFF, MOTION_SIGNERS),
    "close": (LEAD_DEPUTY, MOTION_SIGNERS),
    "open_followup": (REPLYING_UNITS, LEAD_DEPUTY),
    "second_reply": (LEAD_DEPUTY,),
    "rate_second_reply": (REPLYING_UNITS,),
    "decide_disclosure": (LEAD_DEPUTY,),
    "respond_cosign": (LEAD_DEPUTY,),
    # 并案办理: every deputy of a merged item (lead deputy and co-signers who confirmed)
    # hears of the merge, of the lead item's assignment and of its reply.
    "merge": (LEAD_DEPUTY, CO_SIGNERS),
    "unmerge": (LEAD_DEPUTY, CO_SIGNERS),
    "follow_assign": (LEAD_DEPUTY, CO_SIGNERS),
    "follow_reply": (LEAD_DEPUTY, CO_SIGNERS),
    "rate_merged": (EVENT_UNIT, STAFF),
}


def _co_signatures(suggestion_ids, state):
    """{suggestion id: [deputy, ...]} of the co-signatures in ``state`` (one query)."""
    found = defaultdict(list)
    for cosignature in CoSignature.objects.filter(suggestion_id__in=suggestion_ids, state=state).select_related("deputy"):
        found[cosignature.suggestion_id].append(cosignature.deputy)
    return found


def event_messages(event_ids):
    """The messages telling the right people of these SuggestionEvents (a fixed
    number of queries however many events)."""
    event_ids = list(event_ids)
    if not event_ids:
        return []
    events = list(
        SuggestionEvent.objects.filter(pk__in=event_ids, move__in=list(EVENT_RECIPIENTS))
        .select_related("suggestion__lead_deputy", "suggestion__delegation__head", "unit")
        .order_by("pk")
    )
    if not events:
        return []
    suggestion_ids = {event.suggestion_id for event in events}
    assignments = defaultdict(list)
    for assignment in Assignment.objects.filter(suggestion_id__in=suggestion_ids, is_active=True).select_related("unit"):
        assignments[assignment.suggestion_id].append(assignment)
    wanted = {who for event in events for who in EVENT_RECIPIENTS[event.move]}
    invited = _co_signatures(suggestion_ids, CoSignState.INVITED) if INVITED in wanted else defaultdict(list)
    co_signers = _co_signatures(suggestion_ids, CoSignState.CONFIRMED) if CO_SIGNERS in wanted else defaultdict(list)
    motion_signers = defaultdict(list)
    if MOTION_SIGNERS in wanted:
        for signature in MotionSigner.objects.filter(motion__suggestion_id__in=suggestion_ids).select_related(
            "deputy", "motion"
        ):
            motion_signers[signature.motion.suggestion_id].append(signature.deputy)
    staff = []
    if STAFF in wanted:
        staff = list(User.objects.filter(is_active=True).filter(Q(role=Role.STAFF) | Q(is_superuser=True)))

    unit_link = link_to("suggestions:unit_detail")
    deputy_link = link_to("suggestions:my_detail")
    staff_link = link_to("suggestions:staff_detail")
    delegation_link = link_to("suggestions:delegation_detail")
    messages = []
    for event in events:
        suggestion = event.suggestion
        move = MOVES.get(event.move)
        base = {
            "event_label": str(move.label) if move else event.move,
            "number": suggestion.number_label,
            "title": suggestion.title,
            "note": event.note,
        }
        recipients = []  # (Recipient, name, link)
        for who in EVENT_RECIPIENTS[event.move]:
            active = assignments[suggestion.pk]
            if who == UNITS:
                units = [a.unit for a in active]
            elif who == REPLYING_UNITS:
                units = [a.unit for a in active if a.owes_reply]
            elif who == LEAD_UNIT:
                units = [a.unit for a in active if a.role == UnitRole.LEAD]
            elif who == EVENT_UNIT:
                units = [event.unit] if event.unit else []
            else:
                units = []
            for unit in units:
                recipients.append((Recipient.unit(unit.pk), unit.name, unit_link(suggestion.pk)))
            if who == LEAD_DEPUTY:
                deputies, link = [suggestion.lead_deputy], deputy_link(suggestion.pk)
            elif who in (MOTION_SIGNERS, CO_SIGNERS):
                deputies = (motion_signers if who == MOTION_SIGNERS else co_signers)[suggestion.pk]
                link = deputy_link(suggestion.pk)
            elif who == INVITED:
                deputies, link = invited[suggestion.pk], reverse_or_blank("suggestions:invitations")
            elif who == DELEGATION_HEAD and suggestion.delegation_id and suggestion.delegation.head_id:
                deputies, link = [suggestion.delegation.head], delegation_link(suggestion.pk)
            else:
                deputies = []
            for deputy in deputies:
                recipients.append((Recipient.deputy(deputy.pk), _("%(name)s代表") % {"name": deputy.name}, link))
            if who == STAFF:
                for user in staff:
                    if user.congress_id not in (None, suggestion.congress_id) and not user.is_superuser:
                        continue  # another congress's officer
                    recipients.append((Recipient.user(user.pk), str(user), staff_link(suggestion.pk)))
        seen = set()
        for recipient, name, link in recipients:
            if recipient in seen:
                continue
            seen.add(recipient)
            messages.append(Message(
                recipient=recipient, kind=Kind.SUGGESTION_EVENT, item_type="suggestion", item_id=suggestion.pk,
                stage=f"e{event.pk}", context={**base, "recipient_name": name}, link=link,
            ))
    return messages




def recent_event_messages(since):
    """The catch-up: events since ``since`` whose after-commit hook may never
    have run, i.e. with no message recorded (an event's messages are recorded
    together, in one transaction). Events that tell no one are looked at again
    until they are older than ``since``; one dated after now (a clock moved
    back, or data copied in) waits until it is due rather than being rebuilt
    on every scan."""
    said = Notification.objects.filter(
        kind=Kind.SUGGESTION_EVENT, item_type="suggestion", item_id=OuterRef("suggestion_id"),
        stage=Concat(Value("e"), Cast(OuterRef("pk"), CharField()), output_field=CharField()),
    )
    return event_messages(
        SuggestionEvent.objects.filter(at__gte=since, at__lte=timezone.now(), move__in=list(EVENT_RECIPIENTS))
        .filter(~Exists(said)).values_list("pk", flat=True)
    )
