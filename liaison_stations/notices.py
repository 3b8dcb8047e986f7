"""What liaison stations say, and when: registered with the notice registry
(``congress_portal.notifications.registry``) from ``LiaisonStationsConfig.ready()``.

* events: an issue forwarded (or forwarded again) tells the unit it went to;
  the unit's feedback tells the station's keepers, and so does a 不满意 from
  the person who raised it. The person themselves (``constituents``: an SMS
  to the mobile they left, if they agreed) is told when the issue is received,
  with its tracking code, and when the station releases the answer (answered
  on the spot, or closed with a new outcome). ISSUE_LIFECYCLE records the event
  and the registry calls ``issue_event_messages`` after commit.
* listens: an issue taken up as a suggestion hears of the suggestion's reply
  (``suggestion_reply_messages``): its person is told the result.
* catch-up: the daily scan re-says the events of the last days, in case the
  after-commit call of one never ran; each event is said once per recipient
  (the stage is the event's id).
* due: the unit's feedback is due (n days before the due date, then every
  overdue period), once per stage; a confirmed meeting is tomorrow (the person
  who booked it and the deputy).
"""
import datetime
from collections import defaultdict

from django.urls import reverse

from congress_portal.notifications import registry
from congress_portal.notifications.models import Kind
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import cn_date, due_context, due_stage, link_to
from suggestions.models import Reply, SuggestionEvent

from . import bookings, constituents
from .models import Booking, BookingEvent, BookingStatus, ConstituentRating, Issue, IssueEvent, IssueStatus, format_tracking_code

# What the person is told of, by move: the issue received, the answer released.
RECEIVED_MOVES = ("leave_message", "register_at_visit")
RELEASE_MOVES = ("answer", "close")
# The suggestion's moves that carry a reply back to the issues it came from.
SUGGESTION_REPLY_MOVES = ("reply",)
ANSWER_IN_SMS = 60  # characters of the answer in the SMS; the status page has all of it


def issue_event_messages(event_ids):
    """Who is told of these IssueEvents (ids): the registry's event handler."""
    return _event_messages(IssueEvent.objects.filter(pk__in=list(event_ids)))


def recent_event_messages(since):
    """The messages of every event since ``since``: the scan's catch-up (the
    suggestion replies this app listens to included)."""
    return (
        _event_messages(IssueEvent.objects.filter(at__gte=since))
        + _suggestion_reply_messages(
            SuggestionEvent.objects.filter(at__gte=since, suggestion__station_issues__isnull=False)
        )
        + _booking_messages(BookingEvent.objects.filter(at__gte=since))
    )


def _short(text):
    text = " ".join((text or "").split())
    return text if len(text) <= ANSWER_IN_SMS else text[: ANSWER_IN_SMS - 1] + "…"


def _track_link(issue):
    return reverse("liaison_stations:track_status", args=[issue.tracking_code])


def constituent_message(issue, *, event, stage, answer=""):
    """The SMS to the person who raised ``issue``, or None when they cannot be told."""
    if not constituents.can_be_told(issue):
        return None
    return Message(
        recipient=constituents.recipient(issue), kind=Kind.STATION_CONSTITUENT, item_type="station_issue",
        item_id=issue.pk, stage=stage,
        context={"event": event, "code": format_tracking_code(issue.tracking_code), "station_name": issue.station.name,
                 "answer": _short(answer)},
        link=_track_link(issue),
    )


def _tells_constituent(event):
    """The (event kind, answer) the person is told for ``event``, or None."""
    if event.move in RECEIVED_MOVES:
        return "received", ""
    if event.move in RELEASE_MOVES:
        # Closing an issue already answered on the spot, with nothing new to say, is not news to them.
        if event.move == "close" and event.old_status == IssueStatus.ANSWERED and not event.note.strip():
            return None
        return "answered", event.issue.outcome or event.issue.answer
    return None


def _event_messages(events):
    unit_link = link_to("liaison_stations:unit_issue")
    keeper_link = link_to("liaison_stations:issue")
    events = (
        events.select_related("issue__station", "issue__forwarded_unit")
        .prefetch_related("issue__station__keepers")
        .order_by("pk")
    )
    messages = []
    for event in events:
        issue = event.issue
        stage = f"e{event.pk}"
        base = {"title": issue.content[:40], "station_name": issue.station.name, "note": event.note,
                "due_date": cn_date(issue.feedback_due_on)}
        told = _tells_constituent(event)
        if told is not None:
            message = constituent_message(issue, event=told[0], stage=stage, answer=told[1])
            if message is not None:
                messages.append(message)
        if event.new_status == IssueStatus.FORWARDED and event.move in ("forward", "re_forward") \
                and issue.forwarded_unit_id:
            messages.append(Message(
                recipient=Recipient.unit(issue.forwarded_unit_id), kind=Kind.STATION_ISSUE_EVENT,
                item_type="station_issue", item_id=issue.pk, stage=stage,
                context={**base, "event_label": str(IssueStatus.FORWARDED.label),
                         "recipient_name": issue.forwarded_unit.name},
                link=unit_link(issue.pk),
            ))
            continue
        if event.move == "feed_back":
            label = IssueStatus.FEEDBACK.label
        elif event.move == "rate" and _rated_not_satisfied(event):
            label = ConstituentRating.NOT_SATISFIED.label
            base["note"] = issue.rating_comment or event.note
        else:
            continue
        for keeper in issue.station.keepers.all():
            messages.append(Message(
                recipient=Recipient.user(keeper.pk), kind=Kind.STATION_ISSUE_EVENT,
                item_type="station_issue", item_id=issue.pk, stage=stage,
                context={**base, "event_label": str(label), "recipient_name": str(keeper)},
                link=keeper_link(issue.pk),
            ))
    return messages


def _rated_not_satisfied(event):
    # The rating lives on the issue; once the station takes it up again (the only
    # move after a 不满意) the rating is cleared but the event still was one.
    return event.issue.rating == ConstituentRating.NOT_SATISFIED or event.issue.status == IssueStatus.OPEN


def suggestion_reply_messages(event_ids):
    """The registry's listener on SuggestionEvents: a reply to a suggestion an
    issue was taken up as tells the person who raised the issue."""
    return _suggestion_reply_messages(SuggestionEvent.objects.filter(pk__in=list(event_ids)))


def reply_summary(replies):
    """"某局：A 已经解决或基本解决；…" for the current replies of a suggestion."""
    return "；".join(f"{reply.assignment.unit.name}：{reply.result_category}" for reply in replies)


def current_replies(suggestion_ids):
    """suggestion id -> its current replies (unit and result category), one query."""
    found = defaultdict(list)
    rows = (
        Reply.objects.filter(suggestion_id__in=list(suggestion_ids), is_current=True)
        .select_related("assignment__unit", "result_category")
        .order_by("replied_at", "pk")
    )
    for reply in rows:
        found[reply.suggestion_id].append(reply)
    return found


def _suggestion_reply_messages(events):
    events = list(events.filter(move__in=SUGGESTION_REPLY_MOVES).order_by("pk").values_list("pk", "suggestion_id"))
    if not events:
        return []
    suggestion_ids = {suggestion_id for _pk, suggestion_id in events}
    issues = defaultdict(list)
    for issue in Issue.objects.filter(suggestion_id__in=suggestion_ids).select_related("station"):
        issues[issue.suggestion_id].append(issue)
    replies = current_replies(suggestion_ids)
    messages = []
    for event_id, suggestion_id in events:
        for issue in issues[suggestion_id]:
            message = constituent_message(issue, event="suggestion_reply", stage=f"s{event_id}",
                                          answer=reply_summary(replies[suggestion_id]))
            if message is not None:
                messages.append(message)
    return messages


def feedback_reminders(today, policy):
    """Forwarded issues whose feedback is due soon or overdue: the unit is
    reminded once per stage. One query however many issues."""
    stages = policy.days("station_feedback_due_days")
    link = link_to("liaison_stations:unit_issue")
    rows = Issue.objects.filter(
        status=IssueStatus.FORWARDED,
        feedback_at__isnull=True,
        forwarded_unit__isnull=False,
        feedback_due_on__isnull=False,
        feedback_due_on__lte=today + datetime.timedelta(days=max(stages, default=0)),
    ).order_by().values_list("pk", "forwarded_unit_id", "forwarded_unit__name", "feedback_due_on", "station__name", "content")
    messages = []
    for issue_id, unit_id, unit_name, due_on, station_name, content in rows:
        stage = due_stage((due_on - today).days, stages, policy.overdue_every_days)
        if stage:
            # "number" is blank: station issues have none, the message text is shared with suggestions'.
            context = due_context(unit_name=unit_name, title=content[:40], due_on=due_on, today=today, number="",
                                  station_name=station_name)
            messages.append(Message(
                recipient=Recipient.unit(unit_id), kind=Kind.STATION_FEEDBACK_DUE, item_type="station_issue",
                item_id=issue_id, stage=stage, context=context, link=link(issue_id),
            ))
    return messages


def booking_event_messages(event_ids):
    """Who is told of these BookingEvents: a booking made tells the person (by
    SMS), the keepers and the deputy; confirmed or declined tells the person."""
    return _booking_messages(BookingEvent.objects.filter(pk__in=list(event_ids)))


def _booking_messages(events):
    events = (
        events.select_related("booking__station", "booking__deputy")
        .prefetch_related("booking__station__keepers")
        .order_by("pk")
    )
    messages = []
    for event in events:
        booking = event.booking
        context = {"event": event.move, "station_name": booking.station.name, "deputy_name": booking.deputy.name,
                   "date": cn_date(booking.on_date), "reply": booking.reply or event.note}
        said = {"kind": Kind.STATION_BOOKING, "item_type": "station_booking", "item_id": booking.pk,
                "stage": f"e{event.pk}", "context": context}
        messages.append(Message(recipient=bookings.recipient(booking), **said))
        if event.move == "book":
            messages.append(Message(recipient=Recipient.deputy(booking.deputy_id), **said))
            link = reverse("liaison_stations:bookings", args=[booking.station_id])
            messages += [Message(recipient=Recipient.user(keeper.pk), link=link, **said)
                         for keeper in booking.station.keepers.all()]
    return messages


def booking_reminders(today):
    """The day before a confirmed meeting, the person and the deputy are reminded (once: stage "d1")."""
    rows = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, on_date=today + datetime.timedelta(days=1))
        .select_related("station", "deputy")
        .order_by("pk")
    )
    messages = []
    for booking in rows:
        said = {"kind": Kind.STATION_BOOKING, "item_type": "station_booking", "item_id": booking.pk, "stage": "d1",
                "context": {"event": "remind", "station_name": booking.station.name,
                            "deputy_name": booking.deputy.name, "date": cn_date(booking.on_date),
                            "reply": booking.reply}}
        messages.append(Message(recipient=bookings.recipient(booking), **said))
        messages.append(Message(recipient=Recipient.deputy(booking.deputy_id), **said))
    return messages


def due_messages(today, policy):
    """What is due on ``today``: the units' feedback reminders and tomorrow's meetings."""
    return feedback_reminders(today, policy) + booking_reminders(today)


NOTICES = registry.Notices(
    name="liaison_stations",
    due=due_messages,
    events={IssueEvent._meta.label: issue_event_messages, BookingEvent._meta.label: booking_event_messages},
    catch_up=recent_event_messages,
    listens={SuggestionEvent._meta.label: suggestion_reply_messages},
)
