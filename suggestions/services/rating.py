"""测评 and 办结: the lead deputy rates the replies (not satisfied sends the
units back to re-handle), or staff close a replied item."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.workdays import due_date_after_months, end_of_day, local_today

from .. import workflow
from ..models import Assignment, AssignmentState, Rating, Reply, Satisfaction, SuggestionPolicy, UnitRole
from .common import required


def rate_reply(*, reply, actor, process_rating, result_rating, comment=""):
    """测评 by the lead deputy, process and result separately. When every
    current reply is rated: any 不满意 (process or result) sends the units rated
    not satisfied back to 重新办理 (due ``rehandling_months`` later, at most
    ``max_rehandlings`` times); once that limit is used up a 不满意 still closes
    the item, as the move "close_not_satisfied" whose note tells the deputy
    why (staff list these items: selectors.closed_unsatisfied). With no
    不满意 the suggestion is 办结. Re-handling keeps each assignment's first
    reply and its due date (first_replied_at, first_reply_due_at)."""
    for field, value in (("process_rating", process_rating), ("result_rating", result_rating)):
        if value not in Satisfaction.values:
            raise ValidationError({field: _("请选择满意、基本满意或不满意。")})
    not_satisfied = Satisfaction.NOT_SATISFIED in (process_rating, result_rating)
    if not_satisfied:
        required(comment, "comment", _("不满意时请说明意见。"))
    policy = SuggestionPolicy.current()
    suggestion = reply.suggestion
    result = {}

    with transaction.atomic():
        locked = workflow.lock(suggestion)
        fresh = Reply.objects.select_related("assignment").get(pk=reply.pk)
        workflow.check_move(locked, "rate_part", actor)  # refuses early: wrong status or not the lead deputy
        if fresh.suggestion_id != locked.pk or not fresh.is_current or not fresh.assignment.is_active:
            raise ValidationError(_("该答复不是当前有效的答复。"), code="invalid_move")
        if Rating.objects.filter(reply=fresh).exists():
            raise ValidationError(_("该答复已经测评。"), code="invalid_move")
        rating = Rating.objects.create(
            reply=fresh, process_rating=process_rating, result_rating=result_rating, comment=comment.strip(), rated_by=actor
        )
        result["rating"] = rating
        current = list(
            Reply.objects.filter(suggestion=locked, is_current=True, assignment__is_active=True, assignment__role__in=[UnitRole.LEAD, UnitRole.SPLIT])
            .select_related("rating")
        )
        ratings = [r.rating if hasattr(r, "rating") else None for r in current]
        if any(rt is None for rt in ratings):
            move, fields, apply = "rate_part", [], None
        else:
            # Replies rated not satisfied in this round (older rounds' ratings were answered by re-handling).
            unhappy = [r for r, rt in zip(current, ratings) if not rt.is_satisfied and r.assignment.state == AssignmentState.REPLIED]
            if unhappy and locked.rehandling_count < policy.max_rehandlings:
                move, fields = "rate_not_satisfied", ["rehandling_count", "reply_due_at"]

                def apply(locked):
                    due_at = end_of_day(due_date_after_months(local_today(), policy.rehandling_months))
                    Assignment.objects.filter(pk__in=[r.assignment_id for r in unhappy]).update(
                        state=AssignmentState.REHANDLING, reply_due_at=due_at, replied_at=None
                    )
                    locked.rehandling_count += 1
                    locked.reply_due_at = due_at
            else:
                move, fields = ("close_not_satisfied" if unhappy else "rate"), ["closed_at"]

                def apply(locked):
                    locked.closed_at = timezone.now()

        workflow.transition(
            suggestion=locked,
            move=move,
            actor=actor,
            unit=fresh.assignment.unit,
            note=_rating_note(fresh.assignment.unit, rating, comment, exhausted=move == "close_not_satisfied", limit=policy.max_rehandlings),
            fields=fields,
            apply=apply,
        )
    for name in ("status", "rehandling_count", "reply_due_at", "closed_at"):
        setattr(suggestion, name, getattr(locked, name))
    return result["rating"]


def _rating_note(unit, rating, comment, *, exhausted, limit):
    note = f"{unit}：{rating}" + (f"。{comment.strip()}" if comment.strip() else "")
    if exhausted:
        note += "。" + _("重新办理次数已达上限（%(limit)d次），本件按规定办结；代表工作委员会将研究是否列入重点督办或回头看。") % {"limit": limit}
    return note


def close_suggestion(*, suggestion, actor, note=""):
    """办结 by staff: a replied item the deputy has not rated, or the end of a
    follow-up round."""

    def apply(locked):
        locked.closed_at = timezone.now()

    return workflow.transition(
        suggestion=suggestion, move="close", actor=actor, note=note, expected_status=suggestion.status, fields=["closed_at"], apply=apply
    )
