"""What the notifications part says about suggestions, and when.

* ``scan``: the daily reminder scan. Each kind of reminder is one set-based
  query; the stage of each item (30/7/1 days before the deadline, week n while
  overdue, n days after it started waiting) is computed from its dates and the
  NotificationPolicy row, and everything is handed to
  ``notifications.services.record_messages``, which says each (recipient,
  item, kind, stage) once. The query count does not depend on the number of
  items; the scan can run any number of times a day (two beats, a retry after
  a crash) without saying anything twice. There are no ETA/countdown tasks:
  the deadline is in the database, the scan reads it.
* ``monthly_notices``: the 进度通报 per unit with its open items (an Excel
  snapshot) and the staff summary ranking the units, once per month on or after
  the policy's notice day.
* ``results_notices``: once a session's handling period has ended, the results
  per unit (categories, reply dates, satisfaction) and the staff summary.
* ``event_messages``: who is told of a SuggestionEvent (the hook, and the
  scan's catch-up for a hook that never ran).
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts.models import Role, User
from congress_portal.notifications.models import Kind, NotificationPolicy
from congress_portal.notifications.services import Message, Recipient, record_messages

from .models import (
    AWAITING_REPLY,
    Assignment,
    AssignmentState,
    CoSignature,
    CoSignState,
    FollowUpItem,
    Rating,
    Reply,
    Satisfaction,
    Status,
    SuggestionEvent,
    UnitRole,
)

# Events younger than this are re-checked by the scan, in case the after-commit
# hook of one never ran (a crash between the commit and the hook).
EVENT_CATCH_UP = datetime.timedelta(days=2)
# A results notice goes out only for sessions whose handling period ended
# within this many days (not for every old session when the portal starts).
RESULTS_NOTICE_WINDOW_DAYS = 60
OPEN_UNIT_STATES = [
    AssignmentState.PENDING,
    AssignmentState.ACKNOWLEDGED,
    AssignmentState.REASSIGNMENT_REQUESTED,
    AssignmentState.REHANDLING,
]


# ---------------------------------------------------------------- helpers


def cn_date(day):
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def number_label(number):
    return f"第{number:04d}号" if number else ""


def end_of(day):
    """The last instant of a local day, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)) - datetime.timedelta(microseconds=1)


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def due_stage(days_left, stages, overdue_every):
    """The reminder stage of an item due in ``days_left`` days: "d7" when the
    7-day stage is the nearest one reached, "o2" in the second overdue period,
    None when no reminder is due yet (or none while overdue)."""
    if days_left < 0:
        if not overdue_every:
            return None
        return f"o{(-days_left - 1) // overdue_every + 1}"
    reached = [stage for stage in stages if days_left <= stage]
    return f"d{min(reached)}" if reached else None


def waiting_stage(days_waiting, stages):
    """The reminder stage of something waiting for ``days_waiting`` days."""
    reached = [stage for stage in stages if days_waiting >= stage]
    return f"a{max(reached)}" if reached else None


def link_to(url_name):
    """A fast ``pk -> url`` for one URL pattern (reverse once, not per row)."""
    sentinel = 987654321
    try:
        url = reverse(url_name, args=[sentinel])
    except NoReverseMatch:
        return lambda pk: ""
    prefix, _sep, suffix = url.partition(str(sentinel))
    return lambda pk: f"{prefix}{pk}{suffix}"


def local_day(field_name):
    """The local (Asia/Shanghai) date of a datetime column, computed by the
    database: per row in Python, timezone.localdate() costs more than the
    rest of the row's work together."""
    return TruncDate(field_name)


@dataclass
class ScanResult:
    messages: list = field(default_factory=list)
    recorded: int = 0

    def by_kind(self):
        counts = defaultdict(int)
        for message in self.messages:
            counts[message.kind] += 1
        return dict(counts)


# ---------------------------------------------------------------- the scan


def due_reminders(*, today=None, policy=None):
    """Every reminder due today, as Messages (not yet recorded)."""
    today = today or timezone.localdate()
    policy = policy or NotificationPolicy.current()
    messages = []
    messages += _acknowledgement_reminders(today, policy)
    messages += _co_opinion_reminders(today, policy)
    messages += _reply_reminders(today, policy)
    messages += _second_reply_reminders(today, policy)
    messages += _station_feedback_reminders(today, policy)
    messages += _cosign_reminders(today, policy)
    messages += _rating_reminders(today, policy)
    messages += _project_report_reminders(today)
    return messages


def scan(*, today=None, now=None, dry_run=False):
    """The daily scan: reminders due, plus the catch-up of recent events.
    With ``dry_run`` nothing is written or sent."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    messages = due_reminders(today=today)
    if not dry_run:
        messages += event_messages(
            SuggestionEvent.objects.filter(at__gte=now - EVENT_CATCH_UP).values_list("pk", flat=True)
        )
        messages += _recent_training_enrolments(now)
    result = ScanResult(messages=messages)
    if not dry_run:
        result.recorded = len(record_messages(messages=messages, now=now))
    return result


def _recent_training_enrolments(now):
    """The catch-up of training enrolment notices whose after-commit hook
    never ran (sessions not yet ended only; said once per session and deputy)."""
    try:
        from training.models import Enrolment

        from congress_portal.notifications.hooks import training_enrolment_messages
    except ImportError:  # the training app is optional for this scan
        return []
    return training_enrolment_messages(Enrolment.objects.filter(enrolled_at__gte=now - EVENT_CATCH_UP))


def _unit_message(kind, unit_id, suggestion_id, stage, context, link, item_type="suggestion"):
    return Message(
        recipient=Recipient.unit(unit_id), kind=kind, item_type=item_type, item_id=suggestion_id, stage=stage,
        context=context, link=link,
    )


def _acknowledgement_reminders(today, policy):
    stages = policy.days("acknowledgement_after_days")
    if not stages:
        return []
    link = link_to("suggestions:unit_detail")
    rows = Assignment.objects.filter(
        is_active=True,
        state=AssignmentState.PENDING,
        suggestion__status=Status.ASSIGNED,
        assigned_at__lte=end_of(today - datetime.timedelta(days=min(stages))),
    ).annotate(assigned_on=local_day("assigned_at")).order_by().values_list(
        "suggestion_id", "unit_id", "unit__name", "assigned_on", "suggestion__number", "suggestion__title"
    )
    messages = []
    for suggestion_id, unit_id, unit_name, assigned_on, number, title in rows:
        stage = waiting_stage((today - assigned_on).days, stages)
        if stage:
            messages.append(_unit_message(
                Kind.ACKNOWLEDGEMENT_PENDING, unit_id, suggestion_id, stage,
                {"unit_name": unit_name, "number": number_label(number), "title": title,
                 "assigned_on": cn_date(assigned_on)},
                link(suggestion_id),
            ))
    return messages


def _due_context(unit_name, number, title, due_on, today):
    days_left = (due_on - today).days
    return {
        "unit_name": unit_name, "number": number_label(number), "title": title, "due_date": cn_date(due_on),
        "days_left": max(days_left, 0), "days_overdue": max(-days_left, 0),
    }


def _co_opinion_reminders(today, policy):
    stages = policy.days("co_opinion_due_days")
    link = link_to("suggestions:unit_detail")
    rows = Assignment.objects.filter(
        is_active=True,
        role=UnitRole.CO,
        state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED],
        suggestion__status__in=AWAITING_REPLY,
        opinion_due_at__isnull=False,
        opinion_due_at__lte=end_of(today + datetime.timedelta(days=max(stages, default=0))),
    ).annotate(due_on=local_day("opinion_due_at")).order_by().values_list(
        "suggestion_id", "unit_id", "unit__name", "due_on", "suggestion__number", "suggestion__title"
    )
    messages = []
    for suggestion_id, unit_id, unit_name, due_on, number, title in rows:
        stage = due_stage((due_on - today).days, stages, policy.overdue_every_days)
        if stage:
            messages.append(_unit_message(
                Kind.CO_OPINION_DUE, unit_id, suggestion_id, stage,
                _due_context(unit_name, number, title, due_on, today), link(suggestion_id),
            ))
    return messages


def _reply_reminders(today, policy):
    """Reply due (and overdue) for lead and split units; re-handling due when
    the deputy was not satisfied (its own stages, counted per round)."""
    reply_stages = policy.days("reply_due_days")
    rehandling_stages = policy.days("rehandling_due_days")
    horizon = max([*reply_stages, *rehandling_stages], default=0)
    link = link_to("suggestions:unit_detail")
    rows = Assignment.objects.filter(
        is_active=True,
        role__in=[UnitRole.LEAD, UnitRole.SPLIT],
        state__in=OPEN_UNIT_STATES,
        suggestion__status__in=AWAITING_REPLY,
        reply_due_at__isnull=False,
        reply_due_at__lte=end_of(today + datetime.timedelta(days=horizon)),
    ).annotate(due_on=local_day("reply_due_at")).order_by().values_list(
        "suggestion_id", "unit_id", "unit__name", "due_on", "state", "suggestion__number",
        "suggestion__title", "suggestion__rehandling_count",
    )
    messages = []
    for suggestion_id, unit_id, unit_name, due_on, state, number, title, rehandlings in rows:
        days_left = (due_on - today).days
        context = _due_context(unit_name, number, title, due_on, today)
        if state == AssignmentState.REHANDLING:
            stage = due_stage(days_left, rehandling_stages, policy.overdue_every_days)
            if stage:
                messages.append(_unit_message(
                    Kind.REHANDLING_DUE, unit_id, suggestion_id, f"r{rehandlings}-{stage}", context, link(suggestion_id)
                ))
            continue
        stage = due_stage(days_left, reply_stages, policy.overdue_every_days)
        if stage:
            kind = Kind.REPLY_OVERDUE if days_left < 0 else Kind.REPLY_DUE
            messages.append(_unit_message(kind, unit_id, suggestion_id, stage, context, link(suggestion_id)))
    return messages


def _second_reply_reminders(today, policy):
    stages = policy.days("second_reply_due_days")
    link = link_to("suggestions:unit_detail")
    rows = FollowUpItem.objects.filter(
        replied_at__isnull=True,
        suggestion__status=Status.FOLLOWUP,
        round__due_date__lte=today + datetime.timedelta(days=max(stages, default=0)),
    ).order_by().values_list(
        "pk", "suggestion_id", "assignment__unit_id", "assignment__unit__name", "round__due_date",
        "suggestion__number", "suggestion__title",
    )
    messages = []
    for item_id, suggestion_id, unit_id, unit_name, due_on, number, title in rows:
        stage = due_stage((due_on - today).days, stages, policy.overdue_every_days)
        if stage:
            messages.append(_unit_message(
                Kind.SECOND_REPLY_DUE, unit_id, item_id, stage,
                _due_context(unit_name, number, title, due_on, today), link(suggestion_id), item_type="followup_item",
            ))
    return messages


def _station_feedback_reminders(today, policy):
    try:
        from liaison_stations.models import Issue, IssueStatus
    except ImportError:  # the stations app is optional for this scan
        return []
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
            context = _due_context(unit_name, None, content[:40], due_on, today)
            context["station_name"] = station_name
            messages.append(_unit_message(
                Kind.STATION_FEEDBACK_DUE, unit_id, issue_id, stage, context, link(issue_id), item_type="station_issue"
            ))
    return messages


def _cosign_reminders(today, policy):
    stages = policy.days("cosign_after_days")
    if not stages:
        return []
    invitations = reverse_or_blank("suggestions:invitations")
    rows = CoSignature.objects.filter(
        state=CoSignState.INVITED,
        suggestion__status=Status.SUBMITTED,
        invited_at__lte=end_of(today - datetime.timedelta(days=min(stages))),
    ).annotate(invited_on=local_day("invited_at")).order_by().values_list(
        "suggestion_id", "deputy_id", "deputy__name", "invited_on", "suggestion__title", "suggestion__lead_deputy__name"
    )
    messages = []
    for suggestion_id, deputy_id, deputy_name, invited_on, title, lead_name in rows:
        days = (today - invited_on).days
        stage = waiting_stage(days, stages)
        if stage:
            messages.append(Message(
                recipient=Recipient.deputy(deputy_id), kind=Kind.COSIGN_PENDING, item_type="suggestion",
                item_id=suggestion_id, stage=stage,
                context={"deputy_name": deputy_name, "lead_name": lead_name, "title": title, "days_waiting": days},
                link=invitations,
            ))
    return messages


def _rating_reminders(today, policy):
    stages = policy.days("rating_after_days")
    if not stages:
        return []
    link = link_to("suggestions:my_detail")
    rows = (
        Reply.objects.filter(
            is_current=True,
            suggestion__status=Status.REPLIED,
            replied_at__lte=end_of(today - datetime.timedelta(days=min(stages))),
        )
        .filter(~Exists(Rating.objects.filter(reply=OuterRef("pk"))))
        .annotate(replied_on=local_day("replied_at"))
        .order_by()
        .values_list(
            "pk", "suggestion_id", "suggestion__lead_deputy_id", "suggestion__lead_deputy__name", "replied_on",
            "assignment__unit__name", "suggestion__number", "suggestion__title",
        )
    )
    messages = []
    for reply_id, suggestion_id, deputy_id, deputy_name, replied_on, unit_name, number, title in rows:
        stage = waiting_stage((today - replied_on).days, stages)
        if stage:
            messages.append(Message(
                recipient=Recipient.deputy(deputy_id), kind=Kind.RATING_PENDING, item_type="reply", item_id=reply_id,
                stage=stage,
                context={"deputy_name": deputy_name, "unit_name": unit_name, "number": number_label(number),
                         "title": title, "replied_on": cn_date(replied_on)},
                link=link(suggestion_id),
            ))
    return messages


def _project_report_reminders(today):
    """Livelihood projects (民生实事) whose next progress report is due within the
    reminder lead time or overdue, to the responsible unit: once per project
    and due date (the report cycle and lead days are the voting policy's; a
    report filed moves the due date on, and the next one is reminded anew)."""
    try:
        from voting.selectors import progress_reports_due
    except ImportError:  # the voting app is optional for this scan
        return []
    link = link_to("voting:unit_project")
    messages = []
    for due in progress_reports_due(today=today):
        project = due.project
        if not project.responsible_unit_id:
            continue
        days_left = (due.due_on - today).days
        messages.append(_unit_message(
            Kind.PROJECT_REPORT_DUE, project.responsible_unit_id, project.pk, due.due_on.isoformat(),
            {"unit_name": project.responsible_unit.name, "title": project.title,
             "congress_name": project.congress.name, "year": project.call.year, "due_date": cn_date(due.due_on),
             "days_left": max(days_left, 0), "days_overdue": max(-days_left, 0)},
            link(project.pk), item_type="project",
        ))
    return messages


def reverse_or_blank(url_name, *args):
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------- events

UNITS, REPLYING_UNITS, LEAD_UNIT, EVENT_UNIT, LEAD_DEPUTY, INVITED, STAFF = (
    "units", "replying_units", "lead_unit", "event_unit", "lead_deputy", "invited", "staff"
)
# Who is told of each move (moves not listed tell no one beyond the timeline).
EVENT_RECIPIENTS = {
    "submit": (INVITED,),
    # A submitted draft invites the co-signers it named, as a direct submission does.
    "submit_draft": (INVITED,),
    "register": (LEAD_DEPUTY,),
    "reject": (LEAD_DEPUTY,),
    "assign": (UNITS, LEAD_DEPUTY),
    "mark_key": (UNITS,),
    "request_reassignment": (STAFF,),
    "decide_reassignment": (EVENT_UNIT, UNITS),
    "extend_deadline": (REPLYING_UNITS, LEAD_DEPUTY),
    "co_opinion": (LEAD_UNIT,),
    "reply_part": (LEAD_DEPUTY,),
    "reply": (LEAD_DEPUTY,),
    "rate_part": (EVENT_UNIT,),
    "rate": (REPLYING_UNITS,),
    "rate_not_satisfied": (REPLYING_UNITS, STAFF),
    "close": (LEAD_DEPUTY,),
    "open_followup": (REPLYING_UNITS, LEAD_DEPUTY),
    "second_reply": (LEAD_DEPUTY,),
    "rate_second_reply": (REPLYING_UNITS,),
    "decide_disclosure": (LEAD_DEPUTY,),
    "respond_cosign": (LEAD_DEPUTY,),
}


def event_messages(event_ids):
    """The messages telling the right people of these SuggestionEvents (a fixed
    number of queries however many events)."""
    from .workflow import MOVES

    event_ids = list(event_ids)
    if not event_ids:
        return []
    events = list(
        SuggestionEvent.objects.filter(pk__in=event_ids, move__in=list(EVENT_RECIPIENTS))
        .select_related("suggestion__lead_deputy", "unit")
        .order_by("pk")
    )
    if not events:
        return []
    suggestion_ids = {event.suggestion_id for event in events}
    assignments = defaultdict(list)
    for assignment in Assignment.objects.filter(suggestion_id__in=suggestion_ids, is_active=True).select_related("unit"):
        assignments[assignment.suggestion_id].append(assignment)
    invited = defaultdict(list)
    if any(INVITED in EVENT_RECIPIENTS[event.move] for event in events):
        for cosignature in CoSignature.objects.filter(
            suggestion_id__in=suggestion_ids, state=CoSignState.INVITED
        ).select_related("deputy"):
            invited[cosignature.suggestion_id].append(cosignature.deputy)
    staff = []
    if any(STAFF in EVENT_RECIPIENTS[event.move] for event in events):
        staff = list(User.objects.filter(is_active=True).filter(Q(role=Role.STAFF) | Q(is_superuser=True)))

    unit_link = link_to("suggestions:unit_detail")
    deputy_link = link_to("suggestions:my_detail")
    staff_link = link_to("suggestions:staff_detail")
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
                deputy = suggestion.lead_deputy
                recipients.append((Recipient.deputy(deputy.pk), _("%(name)s代表") % {"name": deputy.name},
                                   deputy_link(suggestion.pk)))
            elif who == INVITED:
                for deputy in invited[suggestion.pk]:
                    recipients.append((Recipient.deputy(deputy.pk), _("%(name)s代表") % {"name": deputy.name},
                                       reverse_or_blank("suggestions:invitations")))
            elif who == STAFF:
                for user in staff:
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


# ---------------------------------------------------------------- notices


def _staff_recipients():
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.STAFF) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )


def _rate(part, whole):
    return f"{part / whole:.1%}" if whole else "—"


def monthly_notices(*, today=None, now=None, policy=None, force=False):
    """The month's progress notices as Messages, or [] before the notice day.

    Figures per unit over its active assignments of this year's suggestions and
    of any still open: assigned, acknowledged, replied, replied on time,
    overdue (open past the deadline), satisfaction of the rated replies. The
    list of open items goes into the Excel snapshot. Units are ranked by
    overdue items (fewest first), then on-time rate, then satisfaction."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    policy = policy or NotificationPolicy.current()
    if today.day < policy.monthly_notice_day and not force:
        return []
    period = f"{today.year}-{today.month:02d}"
    period_id = today.year * 100 + today.month
    period_label = _("%(year)d年%(month)d月") % {"year": today.year, "month": today.month}

    open_condition = Q(suggestion__status__in=AWAITING_REPLY, state__in=OPEN_UNIT_STATES)
    scope = Assignment.objects.filter(is_active=True).filter(Q(suggestion__year=today.year) | open_condition)
    replying = Q(role__in=[UnitRole.LEAD, UnitRole.SPLIT])
    figures = {
        row["unit_id"]: row
        for row in scope.values("unit_id").annotate(
            assigned=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            replied=Count("pk", filter=replying & Q(replied_at__isnull=False)),
            on_time=Count("pk", filter=replying & Q(replied_at__isnull=False, replied_at__lte=F("reply_due_at"))),
            owing=Count("pk", filter=replying),
            overdue=Count("pk", filter=replying & open_condition & Q(reply_due_at__lt=now)),
            open=Count("pk", filter=open_condition),
        )
    }
    satisfaction = _satisfaction_by_unit(Reply.objects.filter(is_current=True, assignment__in=scope))

    open_rows = defaultdict(list)
    # Labels translated once, dates made local by the database: per row, the
    # enum look-up, gettext and timezone.localdate() were most of the cost.
    role_labels = {value: str(label) for value, label in UnitRole.choices}
    state_labels = {value: str(label) for value, label in AssignmentState.choices}
    for row in (
        scope.filter(open_condition)
        .annotate(assigned_on=local_day("assigned_at"), due_on=local_day(Coalesce("reply_due_at", "opinion_due_at")))
        .order_by("unit_id", "reply_due_at", "suggestion_id")
        .values_list("unit_id", "suggestion__number", "suggestion__title", "role", "state", "assigned_on", "due_on")
    ):
        unit_id, number, title, role, state, assigned_on, due_on = row
        open_rows[unit_id].append([
            number_label(number), title, role_labels.get(role, role), state_labels.get(state, state),
            assigned_on.isoformat() if assigned_on else "", due_on.isoformat() if due_on else "",
            (due_on - today).days if due_on else "",
        ])
    units_with_open = [unit_id for unit_id, row in figures.items() if row["open"]]
    if not units_with_open:
        return []
    names = dict(_unit_names(units_with_open))
    ranked = sorted(
        units_with_open,
        key=lambda u: (
            figures[u]["overdue"],
            -(figures[u]["on_time"] / figures[u]["owing"] if figures[u]["owing"] else 1),
            -satisfaction[u]["rate"],
            names.get(u, ""),
        ),
    )
    columns = [_("编号"), _("标题"), _("承办类型"), _("办理状态"), _("交办日期"), _("期限"), _("剩余天数（负数为逾期）")]
    labels = _figure_labels()
    messages = []
    summary_rows = []
    for rank, unit_id in enumerate(ranked, start=1):
        row = figures[unit_id]
        sat = satisfaction[unit_id]
        unit_figures = [
            [labels["assigned"], row["assigned"]],
            [labels["acknowledged"], row["acknowledged"]],
            [labels["replied"], row["replied"]],
            [labels["on_time"], row["on_time"]],
            [labels["overdue"], row["overdue"]],
            [labels["open"], row["open"]],
            [labels["satisfaction"], _rate(sat["satisfied"], sat["rated"])],
        ]
        summary_rows.append([rank, names.get(unit_id, ""), *[value for _label, value in unit_figures]])
        messages.append(Message(
            recipient=Recipient.unit(unit_id), kind=Kind.PROGRESS_NOTICE, item_type="period", item_id=period_id,
            stage=period,
            context={
                "period_label": period_label, "unit_name": names.get(unit_id, ""), "as_of": cn_date(today),
                "figures": unit_figures, "rank": rank, "unit_count": len(ranked),
                "sheet": _("进度通报"), "filename": f"{names.get(unit_id, '')}{period_label}{_('建议办理进度通报')}.xlsx",
                "columns": columns, "rows": open_rows[unit_id],
            },
            link=reverse_or_blank("suggestions:unit_inbox"),
        ))
    totals = [
        [labels[key], sum(figures[u][key] for u in ranked)]
        for key in ("assigned", "acknowledged", "replied", "on_time", "overdue", "open")
    ]
    summary_context = {
        "period_label": period_label, "as_of": cn_date(today), "unit_count": len(ranked), "figures": totals,
        "sheet": _("单位排名"), "filename": f"{period_label}{_('建议办理进度汇总')}.xlsx",
        "columns": [_("排名"), _("承办单位"), *[label for label, _value in unit_figures]],
        "rows": summary_rows,
    }
    for user_id in _staff_recipients():
        messages.append(Message(
            recipient=Recipient.user(user_id), kind=Kind.PROGRESS_SUMMARY, item_type="period", item_id=period_id,
            stage=period, context=summary_context, link=reverse_or_blank("suggestions:staff_overdue"),
        ))
    return messages


def _unit_names(unit_ids):
    from deputies.models import HandlingUnit

    return HandlingUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name")


def _figure_labels():
    return {
        "assigned": _("交办件数"),
        "acknowledged": _("已签收"),
        "replied": _("已答复"),
        "on_time": _("按期答复"),
        "overdue": _("逾期未答复"),
        "open": _("未办结"),
        "satisfaction": _("满意率（满意及基本满意）"),
    }


def _satisfaction_by_unit(replies):
    """Per unit: rated replies and those rated satisfied or mostly satisfied on the result."""
    counts = defaultdict(lambda: {"rated": 0, "satisfied": 0, "rate": 0.0})
    rows = (
        Rating.objects.filter(reply__in=replies)
        .values("reply__assignment__unit_id")
        .annotate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(result_rating__in=[Satisfaction.SATISFIED, Satisfaction.MOSTLY])),
        )
    )
    for row in rows:
        entry = counts[row["reply__assignment__unit_id"]]
        entry["rated"], entry["satisfied"] = row["rated"], row["satisfied"]
        entry["rate"] = row["satisfied"] / row["rated"] if row["rated"] else 0.0
    return counts


def results_notices(*, today=None, window_days=RESULTS_NOTICE_WINDOW_DAYS):
    """Results notices for sessions whose handling period has ended (within
    the window), as Messages: per unit the result categories, reply dates and
    satisfaction of each of its items; a summary ranking the units to staff."""
    from deputies.models import Session

    today = today or timezone.localdate()
    sessions = list(
        Session.objects.filter(
            handling_period_end__lt=today, handling_period_end__gte=today - datetime.timedelta(days=window_days)
        ).select_related("term__congress")
    )
    if not sessions:
        return []
    rows = (
        Assignment.objects.filter(
            is_active=True, role__in=[UnitRole.LEAD, UnitRole.SPLIT], suggestion__session__in=sessions
        )
        .annotate(due_on=local_day("reply_due_at"), replied_on=local_day("replied_at"))
        .order_by("suggestion__session_id", "unit_id", "suggestion__number", "pk")
        .values_list(
            "pk", "suggestion__session_id", "unit_id", "unit__name", "suggestion__number", "suggestion__title",
            "due_on", "replied_on",
        )
    )
    rating_labels = {value: str(label) for value, label in Satisfaction.choices}
    current_replies = {
        assignment_id: (code, result_rating)
        for assignment_id, code, result_rating in Reply.objects.filter(
            is_current=True, assignment__suggestion__session__in=sessions
        ).values_list("assignment_id", "result_category__code", "rating__result_rating")
    }
    per_unit = defaultdict(lambda: defaultdict(list))
    names = {}
    for assignment_id, session_id, unit_id, unit_name, number, title, due_on, replied_on in rows:
        names[unit_id] = unit_name
        code, rating = current_replies.get(assignment_id, ("", None))
        per_unit[session_id][unit_id].append({
            "number": number_label(number), "title": title, "category": code,
            "replied_on": replied_on.isoformat() if replied_on else "",
            "on_time": bool(replied_on and due_on and replied_on <= due_on),
            "rating": rating_labels.get(rating, "") if rating else "",
            "satisfied": rating in (Satisfaction.SATISFIED, Satisfaction.MOSTLY),
            "rated": bool(rating),
        })
    staff = _staff_recipients()
    messages = []
    yes, no = _("是"), _("否")
    columns = [_("编号"), _("标题"), _("办理结果类别"), _("答复日期"), _("按期答复"), _("代表测评")]
    for session in sessions:
        units = per_unit.get(session.pk)
        if not units:
            continue
        session_label = str(session)
        stats = {}
        for unit_id, items in units.items():
            by_category = defaultdict(int)
            for item in items:
                by_category[item["category"] or _("未答复")] += 1
            rated = sum(item["rated"] for item in items)
            stats[unit_id] = {
                "count": len(items),
                "replied": sum(bool(item["replied_on"]) for item in items),
                "on_time": sum(item["on_time"] for item in items),
                "satisfied": sum(item["satisfied"] for item in items),
                "rated": rated,
                "by_category": dict(sorted(by_category.items())),
            }
        ranked = sorted(
            units,
            key=lambda u: (
                -(stats[u]["on_time"] / stats[u]["count"]),
                -(stats[u]["satisfied"] / stats[u]["rated"] if stats[u]["rated"] else 0),
                names[u],
            ),
        )
        summary_rows = []
        for rank, unit_id in enumerate(ranked, start=1):
            s = stats[unit_id]
            unit_figures = [
                [_("承办件数"), s["count"]],
                [_("已答复"), s["replied"]],
                [_("按期答复"), s["on_time"]],
                *[[_("办理结果 %(code)s") % {"code": code}, n] for code, n in s["by_category"].items()],
                [_("满意率（满意及基本满意）"), _rate(s["satisfied"], s["rated"])],
            ]
            summary_rows.append([rank, names[unit_id], s["count"], s["replied"], s["on_time"],
                                 _rate(s["satisfied"], s["rated"])])
            messages.append(Message(
                recipient=Recipient.unit(unit_id), kind=Kind.RESULTS_NOTICE, item_type="session", item_id=session.pk,
                stage="results",
                context={
                    "session_label": session_label, "period_end": cn_date(session.handling_period_end),
                    "unit_name": names[unit_id], "figures": unit_figures, "rank": rank, "unit_count": len(ranked),
                    "sheet": _("办理结果"), "filename": f"{names[unit_id]}{session_label}{_('建议办理结果通报')}.xlsx",
                    "columns": columns,
                    "rows": [[i["number"], i["title"], i["category"], i["replied_on"], yes if i["on_time"] else no,
                              i["rating"]] for i in units[unit_id]],
                },
                link=reverse_or_blank("suggestions:unit_figures"),
            ))
        summary_context = {
            "session_label": session_label, "period_end": cn_date(session.handling_period_end),
            "unit_count": len(ranked),
            "figures": [[_("承办件数"), sum(s["count"] for s in stats.values())],
                        [_("按期答复"), sum(s["on_time"] for s in stats.values())]],
            "sheet": _("单位排名"), "filename": f"{session_label}{_('建议办理结果汇总')}.xlsx",
            "columns": [_("排名"), _("承办单位"), _("承办件数"), _("已答复"), _("按期答复"), _("满意率")],
            "rows": summary_rows,
        }
        for user_id in staff:
            messages.append(Message(
                recipient=Recipient.user(user_id), kind=Kind.RESULTS_SUMMARY, item_type="session", item_id=session.pk,
                stage="results", context=summary_context, link=reverse_or_blank("suggestions:staff_dashboard"),
            ))
    return messages


def send_monthly_notices(*, today=None, now=None, force=False):
    messages = monthly_notices(today=today, now=now, force=force)
    return len(record_messages(messages=messages, now=now)) if messages else 0


def send_results_notices(*, today=None, now=None):
    messages = results_notices(today=today)
    return len(record_messages(messages=messages, now=now)) if messages else 0
