"""What the ballot cycle says, and when: the responsible unit is reminded of a
chosen livelihood project's (民生实事) next progress report. Registered with
the notice registry from ``VotingConfig.ready()``; the daily scan asks for the
messages due on a day and records each (unit, project, due date) once."""
from congress_portal.notifications import registry
from congress_portal.notifications.models import Kind
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import due_context, link_to

from .selectors import progress_reports_due


def project_report_reminders(today, policy=None):
    """Projects whose next progress report is due within the reminder lead time
    or overdue, to the responsible unit: once per project and due date (the
    report cycle and lead days are the voting policy's, not the notification
    policy's; a report filed moves the due date on, and the next one is reminded
    anew). A fixed number of queries however many projects."""
    link = link_to("voting:unit_project")
    messages = []
    for due in progress_reports_due(today=today):
        project = due.project
        if not project.responsible_unit_id:
            continue
        messages.append(Message(
            recipient=Recipient.unit(project.responsible_unit_id), kind=Kind.PROJECT_REPORT_DUE, item_type="project",
            item_id=project.pk, stage=due.due_on.isoformat(),
            context=due_context(
                unit_name=project.responsible_unit.name, title=project.title, due_on=due.due_on, today=today,
                congress_name=project.congress.name, year=project.call.year,
            ),
            link=link(project.pk),
        ))
    return messages


def no_one_is_told(event_ids):
    """The moves of ballots, projects, proposals and ratings are audit rows:
    they tell no one (yet); registered so the registry knows their source."""
    return []


NOTICES = registry.Notices(
    name="voting",
    due=project_report_reminders,
    events={
        source: no_one_is_told
        for source in ("voting.BallotEvent", "voting.ProjectEvent", "voting.ProposalEvent", "voting.RatingEvent")
    },
)


def register():
    registry.register(NOTICES)
