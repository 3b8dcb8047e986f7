"""Where the other apps tell the notifications part that something happened.

The apps' transition services call these with ``transaction.on_commit`` after
writing an event row; who is told is decided here (for suggestions, in
suggestions.reminders.EVENT_RECIPIENTS). A failure here must not break the
request that already committed: it is logged, and the daily scan's catch-up
over recent events says what was missed (each event once per recipient)."""
import logging

from .models import Kind
from .services import Message, Recipient, record_messages

logger = logging.getLogger(__name__)


def suggestion_event_recorded(event_id):
    """Called after commit with the id of a suggestions.SuggestionEvent."""
    from suggestions.reminders import event_messages

    try:
        record_messages(messages=event_messages([event_id]))
    except Exception:  # noqa: BLE001 - the scan's catch-up retries it
        logger.exception("notifying suggestion event %s failed", event_id)


def station_issue_messages(event_ids):
    """Forwarded to a unit: tell the unit. Fed back by the unit: tell the
    station's keepers."""
    from liaison_stations.models import IssueEvent, IssueStatus

    from suggestions.reminders import cn_date, link_to

    unit_link = link_to("liaison_stations:unit_issue")
    keeper_link = link_to("liaison_stations:issue")
    events = (
        IssueEvent.objects.filter(pk__in=list(event_ids), new_status__in=[IssueStatus.FORWARDED, IssueStatus.FEEDBACK])
        .select_related("issue__station", "issue__forwarded_unit")
        .prefetch_related("issue__station__keepers")
    )
    messages = []
    for event in events:
        issue = event.issue
        base = {"title": issue.content[:40], "station_name": issue.station.name, "note": event.note,
                "due_date": cn_date(issue.feedback_due_on)}
        if event.new_status == IssueStatus.FORWARDED and issue.forwarded_unit_id:
            messages.append(Message(
                recipient=Recipient.unit(issue.forwarded_unit_id), kind=Kind.STATION_ISSUE_EVENT,
                item_type="station_issue", item_id=issue.pk, stage=f"e{event.pk}",
                context={**base, "event_label": str(IssueStatus.FORWARDED.label),
                         "recipient_name": issue.forwarded_unit.name},
                link=unit_link(issue.pk),
            ))
        elif event.new_status == IssueStatus.FEEDBACK:
            for keeper in issue.station.keepers.all():
                messages.append(Message(
                    recipient=Recipient.user(keeper.pk), kind=Kind.STATION_ISSUE_EVENT,
                    item_type="station_issue", item_id=issue.pk, stage=f"e{event.pk}",
                    context={**base, "event_label": str(IssueStatus.FEEDBACK.label), "recipient_name": str(keeper)},
                    link=keeper_link(issue.pk),
                ))
    return messages


def station_issue_event_recorded(event_id):
    """Called after commit with the id of a liaison_stations.IssueEvent."""
    try:
        record_messages(messages=station_issue_messages([event_id]))
    except Exception:  # noqa: BLE001 - must not break the committed request
        logger.exception("notifying station issue event %s failed", event_id)


def _hours_label(hours):
    """Decimal("6.0") -> "6", Decimal("1.5") -> "1.5"."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def training_enrolment_messages(enrolments):
    """An inbox message (and the deputy's chosen channels) for each enrolment
    in ``enrolments`` (a training.Enrolment queryset) still on the roll, for a
    session that has not ended: once per session and deputy. One query however
    many enrolments."""
    from django.utils import timezone

    from suggestions.reminders import cn_date, reverse_or_blank
    from training.models import EnrolmentStatus

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


def training_enrolment_created(session_id, deputy_ids):
    """Called by training.services after commit with the deputies newly enrolled
    in a session. A failure is logged; the daily scan's catch-up over recent
    enrolments says what was missed."""
    from training.models import Enrolment

    try:
        record_messages(messages=training_enrolment_messages(
            Enrolment.objects.filter(session_id=session_id, deputy_id__in=list(deputy_ids))
        ))
    except Exception:  # noqa: BLE001 - must not break the committed request
        logger.exception("notifying training enrolments of session %s failed", session_id)
