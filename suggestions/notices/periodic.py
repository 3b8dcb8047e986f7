"""The periodic notices of suggestions: the monthly 进度通报 per unit with
its open items (an Excel snapshot) and the staff summary ranking the units, once
per month on or after the policy's notice day; and, once a session's handling
period has ended, the results notice per unit (categories, reply dates,
satisfaction) and the staff summary."""
import datetime
from collections import defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts.models import Role, User
from congress_portal.notifications.models import Kind, NotificationPolicy
from congress_portal.notifications.services import Message, Recipient, record_messages
from congress_portal.notifications.text import cn_date, local_day, rate, reverse_or_blank

from ..models import AWAITING_REPLY, Assignment, AssignmentState, Rating, Reply, Satisfaction, UnitRole
from .reminders import OPEN_UNIT_STATES, number_label

# A results notice goes out only for sessions whose handling period ended
# within this many days (not for every old session when the portal starts).
RESULTS_NOTICE_WINDOW_DAYS = 60


def _staff_recipients():
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.STAFF) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )



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
            [labels["satisfaction"], rate(sat["satisfied"], sat["rated"])],
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
                [_("满意率（满意及基本满意）"), rate(s["satisfied"], s["rated"])],
            ]
            summary_rows.append([rank, names[unit_id], s["count"], s["replied"], s["on_time"],
                                 rate(s["satisfied"], s["rated"])])
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
