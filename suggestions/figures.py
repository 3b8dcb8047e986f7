"""The one definition of every published figure of suggestion handling.

The staff dashboard, the league table, a unit's own figures, the monthly and
results notices and the unit figures export all count through here, so the
same unit gets the same numbers everywhere. Each figure is a QuerySet
expression (a ``Count`` with its condition) plus, in ``DEFINITIONS``, the
sentence an officer reads on the page.

The rules (代表法 practice, as the committee states them):

- **满意率 satisfaction rate**: over the *current* reply of each active lead or
  split assignment that the deputy has rated; a rating counts as satisfied
  only when neither the process nor the result is 不满意 (满意 and 基本满意
  both count). Ratings of superseded replies and of units moved off the item
  are not counted.
- **按期答复率 on-time rate**: over *first* replies against the *first* due
  date. Re-handling has its own due date and does not erase a late first
  reply. The base is the assignments whose first reply is given or whose
  first due date has passed.
- **签收率 acknowledgement rate**: acknowledged over assigned (every active
  assignment, co-handling units included).
- **重新办理率 re-handling rate**: over the assignments that have given their
  first reply, the share sent back at least once.

Rates are percentages with one decimal (``rate``), None when the base is 0.
"""
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Assignment, AssignmentState, Reply, ReplyKind, Satisfaction, UnitRole

REPLYING_ROLES = (UnitRole.LEAD, UnitRole.SPLIT)
OPEN_STATES = (
    AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.REASSIGNMENT_REQUESTED, AssignmentState.REHANDLING,
)  # fmt: skip
_CONTENT = (Satisfaction.SATISFIED, Satisfaction.MOSTLY)

# What each figure means, in the officers' words; every page showing one states it.
DEFINITIONS = {
    "satisfaction_rate": _(
        "满意率：代表已测评的当前答复中，办理过程和办理结果均未评为“不满意”的比例（满意、基本满意均计入）；"
        "重新办理后以新答复的测评为准，已调整出的单位不计。"
    ),
    "on_time_rate": _(
        "按期答复率：首次答复期限已到或已首次答复的件中，首次答复不晚于首次答复期限的比例；"
        "重新办理另有期限，不改变首次答复是否逾期。"
    ),
    "acknowledgement_rate": _("签收率：交办件中承办单位已签收的比例（含协办）。"),
    "rehandling_rate": _("重新办理率：已首次答复的件中，因代表不满意而重新办理过的比例。"),
    "ranking": _("参加排名的单位须有不少于%(n)d件已测评的答复；不足的单位另行列出，不排名。"),
}


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


# ---------------------------------------------------------------- the scopes


def owing_replies(assignments=None):
    """Active lead and split assignments: those that owe a reply of their own."""
    qs = Assignment.objects.all() if assignments is None else assignments
    return qs.filter(is_active=True, role__in=REPLYING_ROLES)


def current_replies(replies=None):
    """The current reply of each active lead or split assignment (what the rates count)."""
    qs = Reply.objects.all() if replies is None else replies
    return qs.filter(is_current=True, assignment__is_active=True, assignment__role__in=REPLYING_ROLES)


# ---------------------------------------------------------------- conditions

# On a Reply: rated, and rated satisfied (neither process nor result 不满意).
RATED = Q(rating__isnull=False)
SATISFIED = Q(rating__process_rating__in=_CONTENT, rating__result_rating__in=_CONTENT)

# On an Assignment. The first due date is the recorded one once the first reply
# is given, the current one before.
FIRST_DUE_AT = Coalesce("first_reply_due_at", "reply_due_at")


def first_reply_counted(now):
    """The first reply is given, or its due date has passed."""
    return Q(first_replied_at__isnull=False) | Q(first_replied_at__isnull=True, reply_due_at__lt=now)


FIRST_ON_TIME = Q(first_replied_at__isnull=False, first_replied_at__lte=Coalesce(F("first_reply_due_at"), F("reply_due_at")))
REHANDLED = Q(state=AssignmentState.REHANDLING) | Q(
    Exists(Reply.objects.filter(assignment=OuterRef("pk"), kind=ReplyKind.REHANDLING))
)


def overdue(now):
    """Open, owing a reply, past the current due date (re-handling's included)."""
    return Q(role__in=REPLYING_ROLES, state__in=OPEN_STATES, reply_due_at__lt=now)


# ---------------------------------------------------------------- aggregates


def assignment_aggregates(now):
    """Counts over a set of assignments (use with ``aggregate`` or ``annotate``)."""
    replying = Q(role__in=REPLYING_ROLES)
    return {
        "assigned": Count("pk"),
        "acknowledged": Count("pk", filter=Q(acknowledged_at__isnull=False)),
        "owing": Count("pk", filter=replying),
        "replied": Count("pk", filter=replying & Q(replied_at__isnull=False)),
        "first_replied": Count("pk", filter=replying & Q(first_replied_at__isnull=False)),
        "first_due": Count("pk", filter=replying & first_reply_counted(now)),
        "on_time": Count("pk", filter=replying & FIRST_ON_TIME),
        "rehandled": Count("pk", filter=replying & Q(first_replied_at__isnull=False) & REHANDLED),
        "overdue": Count("pk", filter=overdue(now)),
    }


def reply_aggregates():
    """Counts over a set of current replies."""
    return {"rated": Count("pk", filter=RATED), "satisfied": Count("pk", filter=RATED & SATISFIED)}


def with_rates(row):
    """Adds the rates to a row of the counts above (in place, and returns it)."""
    if "first_due" in row:
        row["on_time_rate"] = rate(row["on_time"], row["first_due"])
        row["acknowledgement_rate"] = rate(row["acknowledged"], row["assigned"])
        row["rehandling_rate"] = rate(row["rehandled"], row["first_replied"])
    if "rated" in row:
        row["satisfaction_rate"] = rate(row["satisfied"], row["rated"])
    return row


def totals(*, assignments, now=None):
    """The figures of a set of assignments taken together (two queries)."""
    now = now or timezone.now()
    row = assignments.aggregate(**assignment_aggregates(now))
    row.update(current_replies(Reply.objects.filter(assignment__in=assignments.values("pk"))).aggregate(**reply_aggregates()))
    return with_rates(row)


def by_unit(*, assignments, now=None):
    """{unit id: figures} over a set of assignments, per unit (two queries,
    whatever the number of units and items). Satisfaction counts the current
    replies of these assignments."""
    now = now or timezone.now()
    rows = {row.pop("unit_id"): row for row in assignments.values("unit_id").annotate(**assignment_aggregates(now)).order_by()}
    empty = {"rated": 0, "satisfied": 0}
    replies = {
        row.pop("assignment__unit_id"): row
        for row in current_replies(Reply.objects.filter(assignment__in=assignments.values("pk")))
        .values("assignment__unit_id")
        .annotate(**reply_aggregates())
        .order_by()
    }
    for unit_id, row in rows.items():
        row.update(replies.get(unit_id, empty))
        with_rates(row)
    return rows


def rank(rows, *, min_rated, key):
    """Splits unit rows into (ranked, apart): units with fewer than ``min_rated``
    rated replies are listed apart, not ranked. ``ranked`` is sorted by
    ``key`` and numbered (``row["rank"]``)."""
    ranked = sorted((r for r in rows if r["rated"] >= min_rated), key=key)
    apart = [r for r in rows if r["rated"] < min_rated]
    for number, row in enumerate(ranked, 1):
        row["rank"] = number
    for row in apart:
        row["rank"] = None
    return ranked, apart
