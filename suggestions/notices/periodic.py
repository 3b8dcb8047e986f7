"""The periodic notices of suggestions: the monthly 进度通报 per unit with
its open items (an Excel snapshot) and the staff summary ranking the units, once
per month on or after the policy's notice day; and, once a session's handling
period has ended, the results notice per unit (categories, reply dates,
satisfaction) and the staff summary."""
import datetime
from collections import defaultdict

from django.db.models import BooleanField, Case, Count, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress_portal.accounts.models import Role, User
from congress_portal.notifications.models import Kind, NotificationPolicy
from congress_portal.notifications.services import Message, Recipient, record_messages
from congress_portal.notifications.text import cn_date, local_day, rate, reverse_or_blank

from .. import figures as figures_of
from ..models import AWAITING_REPLY, Assignment, AssignmentState, Reply, Satisfaction, UnitRole
from .reminders import OPEN_UNIT_STATES, number_label

# A results notice goes out only for sessions whose handling period ended
# within this many days (not for every old session when the portal starts).
RESULTS_NOTICE_WINDOW_DAYS = 60


def _staff_by_congress():
    """{congress id: [staff user ids]}; the key None holds the staff of the
    whole province (no congress, or superusers), who get the whole province's
    figures. Each congress's staff get their own congress's."""
    staff = defaultdict(list)
    rows = User.objects.filter(is_active=True).filter(Q(role=Role.STAFF) | Q(is_superuser=True))
    for pk, congress_id, superuser in rows.values_list("pk", "congress_id", "is_superuser").order_by("pk"):
        staff[None if superuser else congress_id].append(pk)
    return staff


def monthly_figures(*, today, now, congress_id=None):
    """The month's figures per unit, as the 进度通报 states them (also the Word
    通报 in ``suggestions.documents``): over each unit's active assignments of
    this year's suggestions and of any still open (``congress_id``: of that
    congress's suggestions only); ``ranked`` lists the units with open items,
    fewest overdue first, then on-time rate, then satisfaction.
    ``open_rows`` holds each unit's open items as table rows."""
    open_condition = Q(suggestion__status__in=AWAITING_REPLY, state__in=OPEN_UNIT_STATES)
    scope = Assignment.objects.filter(is_active=True).filter(Q(suggestion__year=today.year) | open_condition)
    if congress_id is not None:
        scope = scope.filter(suggestion__congress_id=congress_id)
    # Every count and rate from suggestions.figures, the one definition the pages use too.
    figures = figures_of.by_unit(assignments=scope, now=now)
    for unit_id, n in scope.filter(open_condition).values_list("unit_id").annotate(n=Count("pk")).order_by():
        figures[unit_id]["open"] = n

    open_rows = defaultdict(list)
    # Labels translated once, dates made local by the database: per row, the
    # enum look-up, gettext and timezone.localdate() were most of the cost.
    role_labels = {value: str(label) for value, label in UnitRole.choices}
    state_labels = {value: str(label) for value, label in AssignmentState.choices}
    for row in (
        scope.filter(open_condition)
        .annotate(assigned_on=local_day("assigned_at"), due_on=local_day(Coalesce("reply_due_at", "opinion_due_at")))
        .order_by("unit_id", "reply_due_at", "suggestion_id")
        .values_list("unit_id", "suggestion__reference", "suggestion__title", "role", "state", "assigned_on", "due_on")
    ):
        unit_id, number, title, role, state, assigned_on, due_on = row
        open_rows[unit_id].append([
            number_label(number), title, role_labels.get(role, role), state_labels.get(state, state),
            assigned_on.isoformat() if assigned_on else "", due_on.isoformat() if due_on else "",
            (due_on - today).days if due_on else "",
        ])
    units_with_open = [unit_id for unit_id, row in figures.items() if row.get("open")]
    names = dict(_unit_names(units_with_open)) if units_with_open else {}
    ranked = sorted(
        units_with_open,
        key=lambda u: (
            figures[u]["overdue"],
            -(figures[u]["on_time_rate"] if figures[u]["on_time_rate"] is not None else 100),
            -(figures[u]["satisfaction_rate"] or 0),
            names.get(u, ""),
        ),
    )
    return {"ranked": ranked, "figures": figures, "names": names, "open_rows": open_rows}


def unit_figure_rows(row):
    """One unit's figures as [label, value] rows, in the order every 通报 prints them."""
    labels = _figure_labels()
    return [
        [labels["assigned"], row["assigned"]],
        [labels["acknowledged"], row["acknowledged"]],
        [labels["replied"], row["replied"]],
        [labels["on_time"], row["on_time"]],
        [labels["on_time_rate"], percent(row["on_time_rate"])],
        [labels["overdue"], row["overdue"]],
        [labels["open"], row["open"]],
        [labels["satisfaction"], percent(row["satisfaction_rate"])],
    ]


OPEN_ITEM_COLUMNS = (
    gettext_noop("编号"), gettext_noop("标题"), gettext_noop("承办类型"), gettext_noop("办理状态"),
    gettext_noop("交办日期"), gettext_noop("期限"), gettext_noop("剩余天数（负数为逾期）"),
)


def monthly_notices(*, today=None, now=None, policy=None, force=False):
    """The month's progress notices as Messages, or [] before the notice day
    (figures from ``monthly_figures``; the list of open items goes into the
    Excel snapshot)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    policy = policy or NotificationPolicy.current()
    if today.day < policy.monthly_notice_day and not force:
        return []
    period = f"{today.year}-{today.month:02d}"
    period_id = today.year * 100 + today.month
    period_label = _("%(year)d年%(month)d月") % {"year": today.year, "month": today.month}
    month = monthly_figures(today=today, now=now)
    ranked, figures, names, open_rows = month["ranked"], month["figures"], month["names"], month["open_rows"]
    if not ranked:
        return []
    columns = [_(c) for c in OPEN_ITEM_COLUMNS]
    labels = _figure_labels()
    messages = []
    summary_rows = []
    for rank, unit_id in enumerate(ranked, start=1):
        unit_figures = unit_figure_rows(figures[unit_id])
        summary_rows.append([rank, names.get(unit_id, ""), *[value for _label, value in unit_figures]])
        messages.append(Message(
            recipient=Recipient.unit(unit_id), kind=Kind.PROGRESS_NOTICE, item_type="period", item_id=period_id,
            stage=period,
            context={
                "period_label": period_label, "unit_name": names.get(unit_id, ""), "as_of": cn_date(today),
                "figures": unit_figures, "rank": rank, "unit_count": len(ranked),
                "definitions": [str(figures_of.DEFINITIONS["on_time_rate"]), str(figures_of.DEFINITIONS["satisfaction_rate"])],
                "sheet": _("进度通报"), "filename": f"{names.get(unit_id, '')}{period_label}{_('建议办理进度通报')}.xlsx",
                "columns": columns, "rows": open_rows[unit_id],
            },
            link=reverse_or_blank("suggestions:unit_inbox"),
        ))
    # The summary: the whole province's to its staff, each congress's own to its staff.
    whole = (ranked, figures, summary_rows)
    for congress_id, user_ids in _staff_by_congress().items():
        ranked, figures, summary_rows = whole
        if congress_id is not None:
            month = monthly_figures(today=today, now=now, congress_id=congress_id)
            ranked, figures, names = month["ranked"], month["figures"], month["names"]
            if not ranked:
                continue
            summary_rows = [
                [rank, names.get(unit_id, ""), *[value for _label, value in unit_figure_rows(figures[unit_id])]]
                for rank, unit_id in enumerate(ranked, start=1)
            ]
        totals = [
            [labels[key], sum(figures[u][key] for u in ranked)]
            for key in ("assigned", "acknowledged", "replied", "on_time", "overdue", "open")
        ]
        summary_context = {
            "period_label": period_label, "as_of": cn_date(today), "unit_count": len(ranked), "figures": totals,
            "definitions": [str(figures_of.DEFINITIONS["on_time_rate"]), str(figures_of.DEFINITIONS["satisfaction_rate"])],
            "sheet": _("单位排名"), "filename": f"{period_label}{_('建议办理进度汇总')}.xlsx",
            "columns": [_("排名"), _("承办单位"), *[str(label) for label in labels.values()]],
            "rows": summary_rows,
        }
        for user_id in user_ids:
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
        "on_time": _("按期首次答复"),
        "on_time_rate": _("按期答复率"),
        "overdue": _("逾期未答复"),
        "open": _("未办结"),
        "satisfaction": _("满意率"),
    }


def percent(value):
    """A rate of suggestions.figures as the pages show it: "87.5%", or "—"."""
    return "—" if value is None else f"{value}%"


def results_notices(*, today=None, now=None, window_days=RESULTS_NOTICE_WINDOW_DAYS):
    """Results notices for sessions whose handling period has ended (within
    the window), as Messages: per unit the result categories, reply dates and
    satisfaction of each of its items; a summary ranking the units to staff."""
    from deputies.models import Session

    today = today or timezone.localdate()
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(
            handling_period_end__lt=today, handling_period_end__gte=today - datetime.timedelta(days=window_days)
        ).select_related("term__congress")
    )
    if not sessions:
        return []
    session_assignments = figures_of.owing_replies().filter(suggestion__session__in=sessions)
    rows = (
        session_assignments.annotate(
            replied_on=local_day("replied_at"),
            first_on_time=Case(When(figures_of.FIRST_ON_TIME, then=True), default=False, output_field=BooleanField()),
        )
        .order_by("suggestion__session_id", "unit_id", "suggestion__number", "pk")
        .values_list(
            "pk", "suggestion__session_id", "unit_id", "unit__name", "suggestion__reference", "suggestion__title",
            "replied_on", "first_on_time",
        )
    )
    rating_labels = {value: str(label) for value, label in Satisfaction.choices}
    current_replies = {
        assignment_id: (code, process_rating, result_rating)
        for assignment_id, code, process_rating, result_rating in figures_of.current_replies(
            Reply.objects.filter(assignment__suggestion__session__in=sessions)
        ).values_list("assignment_id", "result_category__code", "rating__process_rating", "rating__result_rating")
    }
    per_unit = defaultdict(lambda: defaultdict(list))
    names = {}
    for assignment_id, session_id, unit_id, unit_name, number, title, replied_on, first_on_time in rows:
        names[unit_id] = unit_name
        code, process, result = current_replies.get(assignment_id, ("", None, None))
        per_unit[session_id][unit_id].append({
            "number": number_label(number), "title": title, "category": code,
            "replied_on": replied_on.isoformat() if replied_on else "",
            "on_time": first_on_time,
            "rating": _("过程%(process)s，结果%(result)s") % {
                "process": rating_labels.get(process, ""), "result": rating_labels.get(result, ""),
            } if result else "",
        })
    staff = _staff_by_congress()
    messages = []
    yes, no = _("是"), _("否")
    columns = [_("编号"), _("标题"), _("办理结果类别"), _("答复日期"), _("首次答复按期"), _("代表测评")]
    definitions = [str(figures_of.DEFINITIONS["on_time_rate"]), str(figures_of.DEFINITIONS["satisfaction_rate"])]
    for session in sessions:
        units = per_unit.get(session.pk)
        if not units:
            continue
        session_label = str(session)
        # The counts and rates of the session's items, by the one definition (suggestions.figures).
        stats = figures_of.by_unit(assignments=session_assignments.filter(suggestion__session=session), now=now)
        for unit_id, items in units.items():
            by_category = defaultdict(int)
            for item in items:
                by_category[item["category"] or _("未答复")] += 1
            stats[unit_id]["by_category"] = dict(sorted(by_category.items()))
        ranked = sorted(
            units,
            key=lambda u: (
                -(stats[u]["on_time_rate"] or 0),
                -(stats[u]["satisfaction_rate"] or 0),
                names[u],
            ),
        )
        summary_rows = []
        for rank, unit_id in enumerate(ranked, start=1):
            s = stats[unit_id]
            unit_figures = [
                [_("承办件数"), s["owing"]],
                [_("已答复"), s["replied"]],
                [_("按期首次答复"), s["on_time"]],
                [_("按期答复率"), percent(s["on_time_rate"])],
                *[[_("办理结果 %(code)s") % {"code": code}, n] for code, n in s["by_category"].items()],
                [_("满意率"), percent(s["satisfaction_rate"])],
            ]
            summary_rows.append([rank, names[unit_id], s["owing"], s["replied"], s["on_time"],
                                 percent(s["on_time_rate"]), percent(s["satisfaction_rate"])])
            messages.append(Message(
                recipient=Recipient.unit(unit_id), kind=Kind.RESULTS_NOTICE, item_type="session", item_id=session.pk,
                stage="results",
                context={
                    "session_label": session_label, "period_end": cn_date(session.handling_period_end),
                    "unit_name": names[unit_id], "figures": unit_figures, "rank": rank, "unit_count": len(ranked),
                    "definitions": definitions,
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
            "figures": [[_("承办件数"), sum(s["owing"] for s in stats.values())],
                        [_("按期首次答复"), sum(s["on_time"] for s in stats.values())]],
            "definitions": definitions,
            "sheet": _("单位排名"), "filename": f"{session_label}{_('建议办理结果汇总')}.xlsx",
            "columns": [_("排名"), _("承办单位"), _("承办件数"), _("已答复"), _("按期首次答复"), _("按期答复率"), _("满意率")],
            "rows": summary_rows,
        }
        # To the session's congress's staff and to the staff of the whole province.
        for user_id in staff.get(session.term.congress_id, []) + staff.get(None, []):
            messages.append(Message(
                recipient=Recipient.user(user_id), kind=Kind.RESULTS_SUMMARY, item_type="session", item_id=session.pk,
                stage="results", context=summary_context, link=reverse_or_blank("suggestions:staff_dashboard"),
            ))
    return messages


def send_monthly_notices(*, today=None, now=None, force=False, progress=None, chunk=200):
    """Record (and so send) the month's progress notices; returns how many were
    new. With ``progress(phase, done, total)`` (a background job's) they are
    recorded ``chunk`` messages at a time, each chunk in its own transaction,
    telling ``progress`` after each: every message is still recorded once
    (the unique Notification row), so a job run again after a crash finishes
    what the first left and repeats nothing."""
    if progress is not None:
        progress(_("统计各单位办理情况"), 0, None)
    messages = monthly_notices(today=today, now=now, force=force)
    if not messages:
        return 0
    if progress is None:
        return len(record_messages(messages=messages, now=now))
    phase, total, created = _("记录并发送通报"), len(messages), 0
    progress(phase, 0, total)
    for start in range(0, total, chunk):
        created += len(record_messages(messages=messages[start:start + chunk], now=now))
        progress(phase, min(start + chunk, total), total)
    return created


def send_results_notices(*, today=None, now=None):
    messages = results_notices(today=today, now=now)
    return len(record_messages(messages=messages, now=now)) if messages else 0
