"""Reads for every screen, with their joins chosen here. Usable from DRF, the
pages and the admin alike: each takes the user (scoping is always
``visible_to(user)``) and optional filter parameters (a QueryDict or dict)."""
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.keyset import keyset_page
from deputies.models import HandlingUnit, Session

from . import figures, summary
from .filters import AssignmentFilter, PublicSuggestionFilter, SuggestionFilter
from .followup_selectors import (  # noqa: F401  (re-exported: the follow-up reads live there)
    closed_years,
    followup_candidates,
    followup_items,
    followup_round,
    followup_round_items,
    followup_rounds,
    followup_rounds_of,
    open_followup_item,
    promising_result_categories,
    suggestion_followup_items,
)
from .models import (
    INBOX_DUE,
    INBOX_RANK,
    LEAD_UNIT_FIRST,
    Assignment,
    AssignmentState,
    CoOpinion,
    ContactLog,
    CoSignature,
    CoSignState,
    Decision,
    Disclosure,
    ReassignmentRequest,
    Reply,
    REPLIED_STATUSES,
    Satisfaction,
    Status,
    Suggestion,
    SuggestionPolicy,
    SuggestionEvent,
    UnitRole,
)


def _filtered(filterset_class, params, queryset, request=None):
    if not params:
        return queryset
    fs = filterset_class(params, queryset=queryset, request=request)
    if not fs.is_valid():
        # Bad parameters narrow nothing silently: they raise like a form would.
        from django.core.exceptions import ValidationError

        raise ValidationError(fs.errors)
    return fs.qs


def suggestion_list(*, user, params=None):
    """The list every role gets, scoped to the user, filtered by
    SuggestionFilter; rows carry lead deputy, category, session, key
    supervision and ``active_assignments`` with their units."""
    qs = Suggestion.objects.visible_to(user).submitted().with_list_joins().with_units()
    return _filtered(SuggestionFilter, params, qs)


def staff_suggestion_list(*, user, params=None):
    """The staff's filtered list (the export uses the same one): their own
    congress's items; with ``congress`` in ``params``, that congress's when the
    staff supervise it (a congress below theirs: read, not acted on)."""
    if not roles.is_staff_member(user):
        return Suggestion.objects.none()
    params = dict(params or {})
    congress = str(params.pop("congress", "") or "")
    if not congress:
        return suggestion_list(user=user, params=params)
    if not congress.isdigit():
        return Suggestion.objects.none()
    qs = Suggestion.objects.supervised_by(user).filter(congress_id=int(congress)).with_list_joins().with_units()
    return _filtered(SuggestionFilter, params, qs)


# Keyset orders (congress_portal/keyset.py), each served by an index of Suggestion:
LIST_KEYS = ("submitted_at", "id")  # newest submitted first: suggestion_list_idx
PUBLIC_KEYS = ("published_at", "id")  # newest published first: suggestion_published_order
LIST_PAGE_SIZE = 20


def staff_list_page(*, user, params=None, after="", before="", size=LIST_PAGE_SIZE):
    """One page of the staff's filtered list, newest submitted first, by
    keyset: the work is the page's, whatever the number of suggestions."""
    return keyset_page(
        staff_suggestion_list(user=user, params=params), keys=LIST_KEYS, descending=True, after=after, before=before, size=size
    )


def deputy_suggestions(*, user, params=None):
    """What ``visible_to`` gives a deputy (led, asked to co-sign, sent to them as a delegation's head), found
    through the deputy's own rows instead of testing that OR on every suggestion: work of the deputy's size. Each
    row carries its congress (a deputy with several mandates sees each congress's items, labelled by it)."""
    deputy = roles.deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    cosigned = CoSignature.objects.filter(deputy=deputy, state__in=[CoSignState.INVITED, CoSignState.CONFIRMED])
    own = Suggestion.objects.filter(lead_deputy=deputy).order_by().values_list("pk", flat=True).union(
        cosigned.order_by().values_list("suggestion_id", flat=True),
        Suggestion.objects.filter(delegation__head=deputy).order_by().values_list("pk", flat=True), all=True,
    )
    # The ids first (a deputy's own rows, through their indexes): given the UNION as a subquery the planner
    # cannot estimate it and at 1,000,000 suggestions hash-joins it against a scan of every one (2 s).
    queryset = Suggestion.objects.filter(pk__in=sorted(set(own))).submitted().with_list_joins().with_units().select_related("congress")
    return _filtered(SuggestionFilter, params, queryset)


def deputy_list_page(*, user, after="", before="", size=LIST_PAGE_SIZE):
    """One page of 我的建议, newest submitted first, by keyset."""
    return keyset_page(deputy_suggestions(user=user), keys=LIST_KEYS, descending=True, after=after, before=before, size=size)


def deputy_drafts(*, user):
    """The deputy's own drafts, the last changed first (nobody else sees them)."""
    deputy = roles.deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return (
        Suggestion.objects.drafts_of(deputy)
        .select_related("category", "session__term__congress")
        .prefetch_related(
            "attachments",
            Prefetch("cosignatures", queryset=CoSignature.objects.select_related("deputy").order_by("pk")),
        )
        .order_by("-updated_at", "-pk")
    )


def draft_detail(*, user, pk):
    """One of the user's drafts; 404 for anyone else's (and for non-drafts)."""
    try:
        return deputy_drafts(user=user).get(pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


def cosign_invitations(*, user):
    """附议邀请 waiting for the deputy's answer, the newest first."""
    return (
        CoSignature.objects.filter(deputy=roles.deputy_of(user), state=CoSignState.INVITED)
        .select_related("suggestion__lead_deputy", "suggestion__category")
        .order_by("-invited_at", "-pk")
    )


def unit_inbox(*, user, params=None):
    """The unit's active assignments, soonest due first, each with its suggestion."""
    unit_id = roles.unit_id_of(user)
    if unit_id is None:
        return Assignment.objects.none()
    qs = (
        Assignment.objects.filter(unit_id=unit_id, is_active=True)
        .select_related("suggestion__category", "suggestion__lead_deputy", "suggestion__key_supervision", "unit")
        .order_by("reply_due_at", "pk")
    )
    return _filtered(AssignmentFilter, params, qs)


def unit_inbox_open_first(*, user, params=None):
    """The unit's inbox page: items awaiting acknowledgement first, then the
    other open ones, each by the nearest deadline (a reply, or a co-handling
    unit's opinion); answered items last."""
    return (
        unit_inbox(user=user, params=params)
        .annotate(rank=INBOX_RANK, due=INBOX_DUE)
        .order_by("rank", F("due").asc(nulls_last=True), "pk")
    )


def unit_assignment(*, user, pk):
    """One active assignment of the user's unit, with its suggestion; 404 for any other."""
    try:
        return (
            Assignment.objects.filter(unit_id=roles.unit_id_of(user), is_active=True)
            .select_related("suggestion__lead_deputy", "suggestion__category", "suggestion__key_supervision", "unit")
            .get(pk=pk)
        )
    except Assignment.DoesNotExist:
        raise Http404 from None


def contacts(*, assignment):
    """The unit's contacts with the deputy on one assignment, in order."""
    return ContactLog.objects.filter(assignment=assignment).order_by("contacted_at", "pk")


def public_published_list(*, params=None, with_units=False):
    """Published suggestions, newest first, filtered by PublicSuggestionFilter
    (the keyword looks only in what is published); no personal fields are
    selected. ``with_units``: rows also carry ``active_assignments`` (lead unit
    first, unit names only) and ``current_replies`` (result categories), two
    queries per page whatever its length."""
    qs = (
        Suggestion.objects.published()
        .select_related("category", "lead_deputy", "session__term__congress")
        .only(
            "id", "title", "number", "reference", "year", "status", "disclosure", "public_summary", "published_at", "submitted_at",
            "deputy_level", "session", "category__name", "category__code", "lead_deputy__name",
            "session__number", "session__year", "session__term__number", "session__term__congress__name",
        )
        .order_by("-published_at", "-pk")
    )
    qs = _filtered(PublicSuggestionFilter, params, qs)
    if with_units:
        qs = qs.prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(is_active=True)
                .select_related("unit")
                .only("suggestion_id", "role", "part", "unit__name", "unit__short_name")
                .order_by(LEAD_UNIT_FIRST, "pk"),
                to_attr="active_assignments",
            ),
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(is_current=True)
                .select_related("result_category")
                .only("suggestion_id", "result_category__code", "result_category__name"),
                to_attr="current_replies",
            ),
        )
    return qs


def public_published_page(*, params=None, after="", before="", size=LIST_PAGE_SIZE):
    """One page of the public list (``public_published_list`` with its units
    and replies), newest published first, by keyset."""
    queryset = public_published_list(params=params, with_units=True)
    return keyset_page(queryset, keys=PUBLIC_KEYS, descending=True, after=after, before=before, size=size)


def review_queue(*, user):
    """Submitted, waiting for staff to register or not (oldest first)."""
    if not roles.is_staff_member(user):
        return Suggestion.objects.none()
    return (
        Suggestion.objects.visible_to(user).filter(status=Status.SUBMITTED)
        .with_list_joins()
        .prefetch_related(Prefetch("cosignatures", queryset=CoSignature.objects.select_related("deputy")))
        .order_by("submitted_at", "pk")
    )


def assignment_queue(*, user):
    """Registered, waiting to be assigned."""
    if not roles.is_staff_member(user):
        return Suggestion.objects.none()
    return Suggestion.objects.visible_to(user).filter(status=Status.REGISTERED).with_list_joins().order_by("registered_at", "pk")


def reassignment_requests(*, user):
    """Pending re-assignment requests for staff to decide."""
    if not roles.is_staff_member(user):
        return ReassignmentRequest.objects.none()
    return (
        ReassignmentRequest.objects.filter(decision=Decision.PENDING)
        .filter(assignment__suggestion__in=Suggestion.objects.visible_to(user).values("pk"))
        .select_related("assignment__unit", "assignment__suggestion", "suggested_unit", "requested_by")
        .order_by("requested_at")
    )


def overdue_list(*, user, params=None):
    """Open items past their reply deadline, most overdue first."""
    return suggestion_list(user=user, params=params).overdue().order_by("reply_due_at", "pk")


def key_supervision_list(*, user, params=None):
    return suggestion_list(user=user, params=params).filter(key_supervision__isnull=False)


def disclosure_queue(*, user):
    """Replied items on which staff have not decided publication yet."""
    if not roles.is_staff_member(user):
        return Suggestion.objects.none()
    return (
        Suggestion.objects.visible_to(user).filter(status__in=REPLIED_STATUSES, disclosure=Disclosure.UNDECIDED)
        .with_list_joins()
        .order_by("replied_at", "pk")
    )


def pending_reassignment_requests(*, suggestion):
    """The re-assignment requests on one suggestion waiting for staff."""
    return ReassignmentRequest.objects.filter(assignment__suggestion=suggestion, decision=Decision.PENDING).select_related(
        "assignment__unit", "suggested_unit"
    )


def reassignment_request(*, suggestion, pk):
    """A re-assignment request on ``suggestion`` (None when there is no such one)."""
    return ReassignmentRequest.objects.filter(pk=pk, assignment__suggestion=suggestion).first()


def suggestion_detail(*, user, pk, supervise=False):
    """One suggestion with everything its page shows; 404 when the user may not see it. The public page shows
    no attachments or co-units' opinions: not read for it (six queries with its timeline and merge links).
    ``supervise``: to read, not to act: staff find the items of the congresses below theirs too (``supervised_by``)."""
    public = not getattr(user, "is_authenticated", False)
    replies = Reply.objects.select_related("assignment__unit", "result_category", "rating")
    if not public:
        replies = replies.prefetch_related("attachments", Prefetch("assignment__co_opinions", queryset=CoOpinion.objects.all()))
    if not roles.is_staff_member(user) and roles.unit_id_of(user) is None:
        # Deputies and the public see the current replies only.
        replies = replies.filter(is_current=True)
    cosignatures = Prefetch("cosignatures", queryset=CoSignature.objects.select_related("deputy"))
    prefetches = [Prefetch("replies", queryset=replies), cosignatures, *([] if public else ["attachments"])]
    try:
        return (
            (Suggestion.objects.supervised_by(user) if supervise else Suggestion.objects.visible_to(user))
            .submitted()  # a draft has its own page (draft_detail)
            .with_list_joins()
            .with_units()
            .prefetch_related(*prefetches)
            .get(pk=pk)
        )
    except Suggestion.DoesNotExist:
        raise Http404 from None


def co_assignments_without_opinion(*, suggestion_id):
    """The active co-unit assignments of a suggestion whose opinion has not come."""
    return (
        Assignment.objects.filter(suggestion_id=suggestion_id, is_active=True, role=UnitRole.CO)
        .exclude(state=AssignmentState.OPINION_SUBMITTED)
        .order_by("unit__code")
    )


def co_opinions(*, suggestion):
    """Co-handling units' opinions: they travel with the lead unit's reply."""
    return CoOpinion.objects.filter(assignment__suggestion=suggestion).select_related("assignment__unit").order_by("submitted_at")


def timeline(*, user, suggestion):
    """The events of a suggestion the user may see: everything for staff and
    the units, the deputy's share for deputies, public events for the public."""
    qs = SuggestionEvent.objects.filter(suggestion=suggestion).select_related("unit").order_by("at", "pk")
    if roles.is_staff_member(user) or roles.unit_id_of(user) is not None:
        return qs.select_related("actor")
    if roles.is_deputy(user):
        return qs.filter(visible_to_deputy=True)
    return qs.filter(is_public=True)


def _sees_every_suggestion(user):
    """Whether the staff user's supervision scope holds every submitted suggestion
    (what the summary rows count): the whole province, or a congress with every
    congress that has suggestions below it. A narrower scope is counted on the spot.
    Over the small congress table, each probing the suggestions' congress index."""
    if not roles.is_staff_member(user):
        return False
    seen = roles.seen_congresses(user)
    if seen is None:
        return True
    from deputies.models import Congress

    outside = Congress.objects.exclude(pk__in=seen.values("pk")).filter(
        Exists(Suggestion.objects.filter(congress=OuterRef("pk")))
    )
    return not outside.exists() and not Suggestion.objects.filter(congress__isnull=True).exists()


def dashboard_figures(*, user, year=None, session=None):
    """Counts for the staff dashboard: by status, lead/split unit, category and
    result category, overdue, and the satisfaction rate of rated replies
    (suggestions.summary.compute_figures). Staff see their own congress's and
    those below it (supervision); when that is every suggestion, the figures come
    from the summary rows (with ``computed_at``): one small row per view."""
    if session is None and _sees_every_suggestion(user):
        return summary.read(year=year)
    base = Suggestion.objects.supervised_by(user)
    if year:
        base = base.filter(year=year)
    if session:
        base = base.filter(session=session)
    return {**summary.with_labels(summary.compute_figures(base)), "computed_at": timezone.now()}


# Statuses that count as registered / assigned on the dashboard (every later one too).
REGISTERED_ON = (Status.REGISTERED, Status.ASSIGNED, *REPLIED_STATUSES)
ASSIGNED_ON = (Status.ASSIGNED, *REPLIED_STATUSES)


def staff_dashboard(*, user, year=None):
    """The staff dashboard (from dashboard_figures): ``figures`` (the headline
    counts and the satisfaction rate in percent), ``charts`` (by lead or split
    unit, every unit, most items first; by category; by result category; each
    with ``kind``, ``labels``, ``values`` and their ``rows``), ``charts_data``
    (kind, labels and values only, for static/js/charts.js) and ``years`` to choose from."""
    data = dashboard_figures(user=user, year=year)
    count = {row["status"]: row["count"] for row in data["by_status"]}
    rate, on_time = data["satisfaction_rate"], data["on_time_rate"]
    headline = {
        "submitted": data["total"] - count.get(Status.WITHDRAWN, 0),
        "awaiting_review": count.get(Status.SUBMITTED, 0),
        "registered": sum(count.get(s, 0) for s in REGISTERED_ON),
        "assigned": sum(count.get(s, 0) for s in ASSIGNED_ON),
        "replied": sum(count.get(s, 0) for s in REPLIED_STATUSES),
        "overdue": data["overdue"],
        "key": data["key_supervision"],
        "rated": data["rated_replies"],
        "satisfaction_rate": round(rate * 100, 1) if rate is not None else None,
        "on_time_rate": round(on_time * 100, 1) if on_time is not None else None,
    }
    # Every unit with items (not the first few): the chart's bars are a row each and it scrolls.
    by_unit = sorted(data["by_unit"], key=lambda r: (-r["assigned"], r["unit__name"]))
    charts = {
        "by_unit": {
            "title": _("各承办单位交办件数"), "kind": "bars",
            "labels": [r["unit__name"] for r in by_unit], "values": [r["assigned"] for r in by_unit],
        },
        "by_category": {
            "title": _("按类别"), "kind": "pie",
            "labels": [r["category"] for r in data["by_category"]], "values": [r["count"] for r in data["by_category"]],
        },
        "by_result": {
            "title": _("按办理结果"), "kind": "pie",
            "labels": [f"{r['code']} {r['name']}" for r in data["by_result_category"]],
            "values": [r["count"] for r in data["by_result_category"]],
        },
    }  # fmt: skip
    for chart in charts.values():
        chart["rows"] = list(zip(chart["labels"], chart["values"]))
    return {
        "figures": headline,
        "computed_at": data["computed_at"],
        "charts": charts,
        "charts_data": {k: {"kind": c["kind"], "labels": c["labels"], "values": c["values"]} for k, c in charts.items()},
        "years": suggestion_years(),
        "definitions": [figures.DEFINITIONS["satisfaction_rate"], figures.DEFINITIONS["on_time_rate"]],
    }


def suggestion_years():
    """The years to choose from on the lists and the dashboard, the latest
    first: the years of the plenary sessions up to this one (each year of a
    term has its plenary), from the small sessions table, not a DISTINCT over
    every suggestion."""
    this_year = timezone.localdate().year
    return list(Session.objects.filter(year__lte=this_year).order_by("-year").values_list("year", flat=True).distinct())


def published_years():
    """The public list's choice of years (``suggestion_years``)."""
    return suggestion_years()


# ---------------------------------------------------------------- figures of units
# Every rate comes from suggestions.figures: one definition per figure.


def unit_figures(*, unit_id, now=None):
    """One unit's figures (four queries, whatever the number of items):
    ``figures`` (assigned, pending, handling, replied, overdue, co-opinions
    given, and the rates of ``suggestions.figures`` with their counts, plus
    satisfied/mostly among the replies rated satisfied), ``by_result`` (its
    current replies by result category) and ``definitions``."""
    now = now or timezone.now()
    active = Assignment.objects.filter(unit_id=unit_id, is_active=True)
    data = active.aggregate(
        pending=Count("pk", filter=Q(state=AssignmentState.PENDING)),
        handling=Count("pk", filter=Q(state__in=[AssignmentState.ACKNOWLEDGED, AssignmentState.REHANDLING, AssignmentState.REASSIGNMENT_REQUESTED])),
        co_opinions=Count("pk", filter=Q(role=UnitRole.CO, state=AssignmentState.OPINION_SUBMITTED)),
        **figures.assignment_aggregates(now),
    )
    # Kept as "due" for the API and the page: the base of the on-time rate.
    data["due"] = data["first_due"]
    data.update(
        figures.current_replies(Reply.objects.filter(assignment__unit_id=unit_id)).aggregate(
            **figures.reply_aggregates(),
            mostly=Count("pk", filter=figures.RATED & figures.SATISFIED & Q(rating__result_rating=Satisfaction.MOSTLY)),
        )
    )
    figures.with_rates(data)
    by_result = list(
        figures.current_replies(Reply.objects.filter(assignment__unit_id=unit_id))
        .values("result_category__code", "result_category__name")
        .annotate(n=Count("pk"))
        .order_by("result_category__code")
    )
    return {"figures": data, "by_result": by_result, "definitions": _definitions()}


def _definitions(min_rated=None):
    texts = [figures.DEFINITIONS["on_time_rate"], figures.DEFINITIONS["satisfaction_rate"]]
    if min_rated is not None:
        texts.append(figures.DEFINITIONS["ranking"] % {"n": min_rated})
    return texts


def league_table(*, now=None, user=None):
    """承办单位排行 (four queries, whatever the number of units and items): per
    unit with items to reply to, its figures from ``figures.by_unit``;
    ``ranked`` (units with at least the policy's ``min_rated_for_ranking``
    rated replies, by on-time rate, then satisfaction, then name) and
    ``apart`` (the others, by name, not ranked), with ``definitions``."""
    now = now or timezone.now()
    min_rated = SuggestionPolicy.current().min_rated_for_ranking
    owing = figures.owing_replies()
    if user is not None:  # a staff export: the congresses the user supervises
        owing = owing.filter(suggestion__in=Suggestion.objects.supervised_by(user).values("pk"))
    per_unit = figures.by_unit(assignments=owing, now=now)
    rows = []
    for unit in HandlingUnit.objects.filter(pk__in=list(per_unit)).only("name", "short_name"):
        rows.append({"unit": unit, **per_unit[unit.pk]})
    ranked, apart = figures.rank(
        rows, min_rated=min_rated,
        key=lambda row: (-(row["on_time_rate"] or 0), -(row["satisfaction_rate"] or 0), row["unit"].name),
    )
    apart.sort(key=lambda row: row["unit"].name)
    return {"ranked": ranked, "apart": apart, "min_rated": min_rated, "definitions": _definitions(min_rated)}


def closed_unsatisfied(*, user):
    """Items closed with a 不满意 rating after the re-handling limit was used up
    (candidates for key supervision or a follow-up review), the latest first.
    Two queries whatever the number of rows (the rows with their joins, their units)."""
    if not roles.is_staff_member(user):
        return Suggestion.objects.none()
    closing = SuggestionEvent.objects.filter(suggestion=OuterRef("pk"), move="close_not_satisfied")
    return (
        Suggestion.objects.visible_to(user).filter(Exists(closing))
        .with_list_joins()
        .with_units()
        .order_by("-closed_at", "-pk")
    )
