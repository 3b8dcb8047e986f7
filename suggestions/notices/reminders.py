"""The reminders of suggestions due on a day, for the daily scan.

Each kind of reminder is one set-based query that computes the stage of each
item in SQL (30/7/1 days before the deadline, week n while overdue, n days
after it started waiting, from its dates and the NotificationPolicy row) and
keeps only what is not yet recorded: an anti-join on the notification table's
unique key (``congress_portal/notifications/unsaid.py``). Only those rows
become Messages, which the registry hands to
``notifications.services.record_messages`` (the unique constraint still says
each (recipient, item, kind, stage) once when two scans race). A repeat with
nothing new is one indexed query per kind and records nothing; the query
count does not depend on the number of items. There are no ETA/countdown
tasks: the deadline is in the database, the scan reads it.

Each kind reads only what can have become due since the last scan
(``congress_portal/notifications/watermark.py``): per stage, the items whose
due (or start) date puts the stage's first day in (last scanned day, today],
through an index on that date, plus the suggestions with an event since the
last scanned day (a new assignment, an extension, re-handling, a reply: their
dates were set or moved). A repeat on the same day reads no open item."""
import datetime

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from congress_portal.notifications import unsaid, watermark
from congress_portal.notifications.models import Kind
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import (
    cn_date,
    due_context,
    end_of,
    link_to,
    local_day,
    reverse_or_blank,
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
    SuggestionEvent,
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


def due_reminders(today, policy, window=None):
    """Every suggestion reminder due on ``today``, as Messages (not yet
    recorded). With a ``watermark.ScanWindow``, each kind reads only what can
    have become due since its last scan; without one, everything open."""
    window = window or watermark.ScanWindow(today=today, marks={})
    changed = _Changed()
    messages = []
    messages += _acknowledgement_reminders(today, policy, window.last("suggestions.acknowledgement"), changed)
    messages += _co_opinion_reminders(today, policy, window.last("suggestions.co_opinion"), changed)
    messages += _reply_reminders(today, policy, window.last("suggestions.reply"), changed)
    messages += _second_reply_reminders(today, policy, window.last("suggestions.second_reply"), changed)
    messages += _cosign_reminders(today, policy, window.last("suggestions.cosign"), changed)
    messages += _rating_reminders(today, policy, window.last("suggestions.rating"), changed)
    return messages


# Past this many changed suggestions the kinds' queries join the events instead of listing their ids.
CHANGED_IDS_LIMIT = 20_000


class _Changed:
    """The suggestions with an event since a scan (their dates may have been
    set or moved: assignment, extension, re-handling, reply): one query on
    the events' time index, shared by the kinds scanned with the same watermark."""

    def __init__(self):
        self.ids = {}

    def since(self, after):
        if after not in self.ids:
            events = SuggestionEvent.objects.filter(at__gte=after, at__lte=timezone.now()).values("suggestion_id")
            ids = list(events.order_by().distinct()[: CHANGED_IDS_LIMIT + 1].values_list("suggestion_id", flat=True))
            self.ids[after] = ids if len(ids) <= CHANGED_IDS_LIMIT else events
        return self.ids[after]


def _since(rows, window, last, changed, suggestion_field="suggestion_id"):
    """``rows`` narrowed to ``window`` (a watermark Q, None for everything)
    or a suggestion with an event since the last scan. With nothing in the
    window and no change since, the query is not run at all."""
    if window is None:
        return rows
    changed = changed or _Changed()
    return rows.filter(window | Q(**{f"{suggestion_field}__in": changed.since(last.changed_after)}))


def _unit_message(kind, unit_id, suggestion_id, stage, context, link, item_type="suggestion"):
    return Message(
        recipient=Recipient.unit(unit_id), kind=kind, item_type=item_type, item_id=suggestion_id, stage=stage,
        context=context, link=link,
    )



def _unit_rows(queryset, *, kind, unit_field="unit_id", item_field="suggestion_id", item_type="suggestion"):
    return unsaid.unsaid(
        queryset, recipient_type="unit", recipient_field=unit_field, kind=kind, item_type=item_type,
        item_field=item_field,
    )


def _acknowledgement_reminders(today, policy, last, changed=None):
    stages = policy.days("acknowledgement_after_days")
    if not stages:
        return []
    link = link_to("suggestions:unit_detail")
    rows = Assignment.objects.filter(
        is_active=True,
        state=AssignmentState.PENDING,
        suggestion__status=Status.ASSIGNED,
        assigned_at__lte=end_of(today - datetime.timedelta(days=min(stages))),
    ).annotate(
        assigned_on=local_day("assigned_at"), waited=unsaid.DaysFrom(today, local_day("assigned_at")),
    ).annotate(stage=unsaid.waiting_stage("waited", stages))
    rows = _since(rows, watermark.waiting_window("assigned_at", today=today, last=last, stages=stages), last, changed)
    rows = _unit_rows(rows, kind=Kind.ACKNOWLEDGEMENT_PENDING).order_by().values_list(
        "suggestion_id", "unit_id", "unit__name", "assigned_on", "suggestion__reference", "suggestion__title", "stage"
    )
    return [
        _unit_message(
            Kind.ACKNOWLEDGEMENT_PENDING, unit_id, suggestion_id, stage,
            {"unit_name": unit_name, "number": number_label(number), "title": title,
             "assigned_on": cn_date(assigned_on)},
            link(suggestion_id),
        )
        for suggestion_id, unit_id, unit_name, assigned_on, number, title, stage in rows
    ]


def _due_context(unit_name, number, title, due_on, today):
    return due_context(unit_name=unit_name, title=title, due_on=due_on, today=today, number=number_label(number))


def _co_opinion_reminders(today, policy, last, changed=None):
    stages = policy.days("co_opinion_due_days")
    link = link_to("suggestions:unit_detail")
    rows = Assignment.objects.filter(
        is_active=True,
        role=UnitRole.CO,
        state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED],
        suggestion__status__in=AWAITING_REPLY,
        opinion_due_at__isnull=False,
        opinion_due_at__lte=end_of(today + datetime.timedelta(days=max(stages, default=0))),
    ).annotate(
        due_on=local_day("opinion_due_at"), days_left=unsaid.DaysFrom(local_day("opinion_due_at"), today),
    ).annotate(
        stage=unsaid.due_stage("days_left", stages, policy.overdue_every_days),
        days_left_phase=watermark.overdue_phase("days_left", policy.overdue_every_days),
    )
    rows = _since(rows, watermark.due_window(
        "opinion_due_at", today=today, last=last, stages=stages, overdue_every=policy.overdue_every_days,
    ), last, changed)
    rows = _unit_rows(rows, kind=Kind.CO_OPINION_DUE).order_by().values_list(
        "suggestion_id", "unit_id", "unit__name", "due_on", "suggestion__reference", "suggestion__title", "stage"
    )
    return [
        _unit_message(
            Kind.CO_OPINION_DUE, unit_id, suggestion_id, stage,
            _due_context(unit_name, number, title, due_on, today), link(suggestion_id),
        )
        for suggestion_id, unit_id, unit_name, due_on, number, title, stage in rows
    ]


def _reply_reminders(today, policy, last, changed=None):
    """Reply due (and overdue) for lead and split units; re-handling due when
    the deputy was not satisfied (its own stages, counted per round)."""
    reply_stages = policy.days("reply_due_days")
    rehandling_stages = policy.days("rehandling_due_days")
    horizon = max([*reply_stages, *rehandling_stages], default=0)
    link = link_to("suggestions:unit_detail")
    rehandling = Q(state=AssignmentState.REHANDLING)
    rows = Assignment.objects.filter(
        is_active=True,
        role__in=[UnitRole.LEAD, UnitRole.SPLIT],
        state__in=OPEN_UNIT_STATES,
        suggestion__status__in=AWAITING_REPLY,
        reply_due_at__isnull=False,
        reply_due_at__lte=end_of(today + datetime.timedelta(days=horizon)),
    ).annotate(
        due_on=local_day("reply_due_at"), days_left=unsaid.DaysFrom(local_day("reply_due_at"), today),
    ).annotate(
        reply_stage=unsaid.due_stage("days_left", reply_stages, policy.overdue_every_days),
        rehandling_stage=unsaid.due_stage("days_left", rehandling_stages, policy.overdue_every_days),
        days_left_phase=watermark.overdue_phase("days_left", policy.overdue_every_days),
    ).annotate(
        kind=Case(
            When(rehandling, then=Value(Kind.REHANDLING_DUE)),
            When(days_left__lt=0, then=Value(Kind.REPLY_OVERDUE)),
            default=Value(Kind.REPLY_DUE), output_field=CharField(),
        ),
        # A re-handling round's stages are its own: "r1-d7".
        stage=Case(
            When(rehandling & Q(rehandling_stage__isnull=False), then=Concat(
                Value("r"), Cast("suggestion__rehandling_count", CharField()), Value("-"), "rehandling_stage",
                output_field=CharField(),
            )),
            When(rehandling, then=Value(None, output_field=CharField())),
            default="reply_stage", output_field=CharField(),
        ),
    )
    rows = _since(rows, watermark.due_window(
        "reply_due_at", today=today, last=last, stages=sorted({*reply_stages, *rehandling_stages}),
        overdue_every=policy.overdue_every_days,
    ), last, changed)
    rows = _unit_rows(rows, kind="kind").order_by().values_list(
        "suggestion_id", "unit_id", "unit__name", "due_on", "suggestion__reference", "suggestion__title", "kind",
        "stage",
    )
    return [
        _unit_message(
            kind, unit_id, suggestion_id, stage, _due_context(unit_name, number, title, due_on, today),
            link(suggestion_id),
        )
        for suggestion_id, unit_id, unit_name, due_on, number, title, kind, stage in rows
    ]


def _second_reply_reminders(today, policy, last, changed=None):
    stages = policy.days("second_reply_due_days")
    link = link_to("suggestions:unit_detail")
    rows = FollowUpItem.objects.filter(
        replied_at__isnull=True,
        suggestion__status=Status.FOLLOWUP,
        round__due_date__lte=today + datetime.timedelta(days=max(stages, default=0)),
    ).annotate(
        days_left=unsaid.DaysFrom("round__due_date", today),
    ).annotate(
        stage=unsaid.due_stage("days_left", stages, policy.overdue_every_days),
        days_left_phase=watermark.overdue_phase("days_left", policy.overdue_every_days),
    )
    rows = _since(rows, watermark.due_window(
        "round__due_date", today=today, last=last, stages=stages, overdue_every=policy.overdue_every_days,
        date_column=True,
    ), last, changed)
    rows = _unit_rows(
        rows, kind=Kind.SECOND_REPLY_DUE, unit_field="assignment__unit_id", item_field="pk", item_type="followup_item"
    ).order_by().values_list(
        "pk", "suggestion_id", "assignment__unit_id", "assignment__unit__name", "round__due_date",
        "suggestion__reference", "suggestion__title", "stage",
    )
    return [
        _unit_message(
            Kind.SECOND_REPLY_DUE, unit_id, item_id, stage,
            _due_context(unit_name, number, title, due_on, today), link(suggestion_id), item_type="followup_item",
        )
        for item_id, suggestion_id, unit_id, unit_name, due_on, number, title, stage in rows
    ]


def _cosign_reminders(today, policy, last, changed=None):
    stages = policy.days("cosign_after_days")
    if not stages:
        return []
    invitations = reverse_or_blank("suggestions:invitations")
    rows = CoSignature.objects.filter(
        state=CoSignState.INVITED,
        suggestion__status=Status.SUBMITTED,
        invited_at__lte=end_of(today - datetime.timedelta(days=min(stages))),
    ).annotate(
        waited=unsaid.DaysFrom(today, local_day("invited_at")),
    ).annotate(stage=unsaid.waiting_stage("waited", stages))
    rows = _since(rows, watermark.waiting_window("invited_at", today=today, last=last, stages=stages), last, changed)
    rows = unsaid.unsaid(
        rows, recipient_type="deputy", recipient_field="deputy_id", kind=Kind.COSIGN_PENDING, item_type="suggestion",
        item_field="suggestion_id",
    ).order_by().values_list(
        "suggestion_id", "deputy_id", "deputy__name", "waited", "suggestion__title", "suggestion__lead_deputy__name",
        "stage",
    )
    return [
        Message(
            recipient=Recipient.deputy(deputy_id), kind=Kind.COSIGN_PENDING, item_type="suggestion",
            item_id=suggestion_id, stage=stage,
            context={"deputy_name": deputy_name, "lead_name": lead_name, "title": title, "days_waiting": days},
            link=invitations,
        )
        for suggestion_id, deputy_id, deputy_name, days, title, lead_name, stage in rows
    ]


def _rating_reminders(today, policy, last, changed=None):
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
        .annotate(replied_on=local_day("replied_at"), waited=unsaid.DaysFrom(today, local_day("replied_at")))
        .annotate(stage=unsaid.waiting_stage("waited", stages))
    )
    rows = _since(rows, watermark.waiting_window("replied_at", today=today, last=last, stages=stages), last, changed)
    rows = unsaid.unsaid(
        rows, recipient_type="deputy", recipient_field="suggestion__lead_deputy_id", kind=Kind.RATING_PENDING,
        item_type="reply", item_field="pk",
    ).order_by().values_list(
        "pk", "suggestion_id", "suggestion__lead_deputy_id", "suggestion__lead_deputy__name", "replied_on",
        "assignment__unit__name", "suggestion__reference", "suggestion__title", "stage",
    )
    return [
        Message(
            recipient=Recipient.deputy(deputy_id), kind=Kind.RATING_PENDING, item_type="reply", item_id=reply_id,
            stage=stage,
            context={"deputy_name": deputy_name, "unit_name": unit_name, "number": number_label(number),
                     "title": title, "replied_on": cn_date(replied_on)},
            link=link(suggestion_id),
        )
        for reply_id, suggestion_id, deputy_id, deputy_name, replied_on, unit_name, number, title, stage in rows
    ]
