"""What liaison stations say, and when: registered with the notice registry
(``congress_portal.notifications.registry``) from ``LiaisonStationsConfig.ready()``.

* events: an issue forwarded (or forwarded again) tells the unit it went to;
  the unit's feedback tells the station's keepers. ISSUE_LIFECYCLE records the
  event and the registry calls ``issue_event_messages`` after commit.
* catch-up: the daily scan re-says the events of the last days, in case the
  after-commit call of one never ran; each event is said once per recipient
  (the stage is the event's id).
* due: the unit's feedback is due (n days before the due date, then every
  overdue period), once per stage.
"""
import datetime

from congress_portal.notifications import registry
from congress_portal.notifications.models import Kind
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import cn_date, due_context, due_stage, link_to

from .models import Issue, IssueEvent, IssueStatus

# The events anyone is told of: forwarded (the unit), fed back (the keepers).
TOLD_STATUSES = [IssueStatus.FORWARDED, IssueStatus.FEEDBACK]


def issue_event_messages(event_ids):
    """Who is told of these IssueEvents (ids): the registry's event handler."""
    return _event_messages(IssueEvent.objects.filter(pk__in=list(event_ids)))


def recent_event_messages(since):
    """The messages of every event since ``since``: the scan's catch-up."""
    return _event_messages(IssueEvent.objects.filter(at__gte=since))


def _event_messages(events):
    unit_link = link_to("liaison_stations:unit_issue")
    keeper_link = link_to("liaison_stations:issue")
    events = (
        events.filter(new_status__in=TOLD_STATUSES)
        .select_related("issue__station", "issue__forwarded_unit")
        .prefetch_related("issue__station__keepers")
        .order_by("pk")
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


NOTICES = registry.Notices(
    name="liaison_stations",
    due=feedback_reminders,
    events={IssueEvent._meta.label: issue_event_messages},
    catch_up=recent_event_messages,
)
