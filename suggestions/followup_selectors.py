"""Reads of 回头看 (follow-up review): the candidates a round starts from, the
rounds so far (each with its items and second replies), and the items a unit
still owes. Re-exported by ``suggestions.selectors``."""
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from congress_portal.accounts import roles

from .models import FollowUpItem, FollowUpRound, Reply, ResultCategory, Satisfaction, Status, Suggestion


def open_followup_item(*, assignment):
    """The follow-up item the assignment's unit still owes a second reply on, if any."""
    return (
        FollowUpItem.objects.filter(assignment=assignment, replied_at__isnull=True, suggestion__status=Status.FOLLOWUP)
        .select_related("round")
        .order_by("-round_id")
        .first()
    )


def closed_years():
    """The years that have 办结 suggestions, the latest first (a follow-up round's choice)."""
    return Suggestion.objects.filter(status=Status.CLOSED).order_by("-year").values_list("year", flat=True).distinct()


def promising_result_categories():
    """The result categories whose replies promise action: a follow-up round's usual subject."""
    return ResultCategory.objects.filter(is_active=True, promises_action=True)


def followup_candidates(*, user, year=None, result_codes=("A", "B"), unsatisfied=False):
    """Closed items picked by a round's rule: their current reply is in
    ``result_codes`` (the promises to check), or, with ``unsatisfied``, the
    deputy rated a current reply 不满意 (process or result); optionally of one
    year. Rows carry their units (lead first) and ``current_replies`` with
    their result category and rating."""
    if not roles.is_staff_member(user):
        return Suggestion.objects.none()
    current = Reply.objects.filter(suggestion=OuterRef("pk"), is_current=True)
    rule = Q(Exists(current.filter(result_category__code__in=list(result_codes))))
    if unsatisfied:
        not_satisfied = Q(rating__process_rating=Satisfaction.NOT_SATISFIED) | Q(rating__result_rating=Satisfaction.NOT_SATISFIED)
        rule |= Q(Exists(current.filter(not_satisfied)))
    qs = (
        Suggestion.objects.visible_to(user).filter(status=Status.CLOSED)
        .filter(rule)
        .with_list_joins()
        .with_units()
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(is_current=True).select_related("result_category", "rating").order_by("pk"),
                to_attr="current_replies",
            )
        )
    )  # fmt: skip
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("year", "number", "pk")


def followup_rounds(*, user):
    """Follow-up rounds, newest first, with how far each has got (items,
    second replies given, ratings given)."""
    if not roles.is_staff_member(user):
        return FollowUpRound.objects.none()
    return (
        followup_rounds_of(user).select_related("opened_by")
        .annotate(
            item_count=Count("items"),
            suggestion_count=Count("items__suggestion", distinct=True),
            replied_count=Count("items", filter=Q(items__replied_at__isnull=False)),
            rated_count=Count("items", filter=~Q(items__rating="")),
        )
        .order_by("-opened_at", "-pk")
    )  # fmt: skip


def followup_rounds_of(user):
    """The rounds of the staff user's congress: opened by its staff or over its items."""
    rounds = FollowUpRound.objects.all()
    own = roles.acting_congress_ids(user)
    if own is None:
        return rounds
    items = FollowUpItem.objects.filter(round=OuterRef("pk"), suggestion__congress__in=own)
    return rounds.filter(Q(opened_by__congress__in=own) | Q(Exists(items)))


def followup_round(*, user, pk):
    """One round of the staff user's congress with its progress figures; 404 otherwise."""
    return get_object_or_404(followup_rounds(user=user), pk=pk)


def followup_round_items(*, user, round):
    """A round's items the user may see, by suggestion and then unit, with the
    second reply, its result category and the deputy's new rating."""
    return (
        FollowUpItem.objects.filter(round=round, suggestion__in=Suggestion.objects.visible_to(user).values("pk"))
        .select_related("suggestion__lead_deputy", "assignment__unit", "result_category")
        .order_by("suggestion__year", "suggestion__number", "suggestion_id", "pk")
    )


def followup_items(*, user):
    """Second replies a unit owes (unit) or all open items (staff)."""
    qs = FollowUpItem.objects.select_related("round", "suggestion", "assignment__unit").order_by("round__due_date", "pk")
    if roles.is_staff_member(user):
        return qs.filter(suggestion__in=Suggestion.objects.visible_to(user).values("pk"))
    unit_id = roles.unit_id_of(user)
    if unit_id is None:
        return qs.none()
    return qs.filter(assignment__unit_id=unit_id, assignment__is_active=True)


def suggestion_followup_items(*, suggestion):
    """A suggestion's follow-up items over every round, in order."""
    return (
        FollowUpItem.objects.filter(suggestion=suggestion)
        .select_related("assignment__unit", "round", "result_category")
        .order_by("round_id", "pk")
    )
