"""The reminders of suggestions due on a day, for the daily scan.

Each kind of reminder is one set-based query; the stage of each item (30/7/1
days before the deadline, week n while overdue, n days after it started
waiting) is computed from its dates and the NotificationPolicy row, and the
registry hands everything to ``notifications.services.record_messages``, which
says each (recipient, item, kind, stage) once. The query count does not depend
on the number of items. There are no ETA/countdown tasks: the deadline is in
the database, the scan reads it."""
import datetime

from django.db.models import Exists, OuterRef

from congress_portal.notifications.models import Kind
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import (
    cn_date,
    due_context,
    due_stage,
    end_of,
    link_to,
    local_day,
    reverse_or_blank,
    waiting_stage,
)

from ..models import (
    AWAITING_REPLY,
    Assignment,
    AssignmentState,
    CoSignature,
    CoSignState,
    FollowUpItem,
    Rating,
    Reply,
    Status,
    UnitRole,
)

OPEN_UNIT_STATES = [
    AssignmentState.PENDING,
    AssignmentState.ACKNOWLEDGED,
    AssignmentState.REASSIGNMENT_REQUESTED,
    AssignmentState.REHANDLING,
]


def number_label(reference):
    """The suggestion's official number (``Suggestion.reference``), or nothing before review."""
    return reference or ""


def due_reminders(today, policy):
    """Every suggestion reminder due on ``today``, as Messages (not yet recorded)."""
    messages = []
    messages += _acknowledgement_reminders(today, policy)
    messages += _co_opinion_reminders(today, policy)
    messages += _reply_reminders(today, policy)
    messages += _second_reply_reminders(today, policy)
    messages += _cosign_reminders(today, policy)
    messages += _rating_reminders(today, policy)
    return messages


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
        "suggestion_id", "unit_id", "unit__name", "assigned_on", "suggestion__reference", "suggestion__title"
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
    return due_context(unit_name=unit_name, title=title, due_on=due_on, today=today, number=number_label(number))



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
        "suggestion_id", "unit_id", "unit__name", "due_on", "suggestion__reference", "suggestion__title"
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
        "suggestion_id", "unit_id", "unit__name", "due_on", "state", "suggestion__reference",
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
        "suggestion__reference", "suggestion__title",
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
            "assignment__unit__name", "suggestion__reference", "suggestion__title",
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
