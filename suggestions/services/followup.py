"""回头看: a follow-up round over closed suggestions, the units' second
replies and the deputy's rating of them."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.workdays import local_today

from .. import workflow
from ..models import Assignment, FollowUpItem, FollowUpRound, NumberCounter, Satisfaction
from .common import check_own_unit, required


def open_followup_round(*, title, suggestions, due_date, actor, note="", year=None):
    """回头看 over a chosen set of 办结 suggestions (see
    selectors.followup_candidates): every unit that replied gives a second
    reply by ``due_date``. The round is numbered within ``year`` (this year
    by default) among the rounds of the opener's congress. All or nothing."""
    required(title, "title", _("请填写名称。"))
    if due_date <= local_today():
        raise ValidationError({"due_date": _("二次答复期限须晚于今天。")})
    suggestions = list(suggestions)
    if not suggestions:
        raise ValidationError({"suggestions": _("请至少选择一件建议。")})
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以组织回头看。"))
    year = year or local_today().year
    with transaction.atomic():
        number = NumberCounter.take_next(f"followup:{actor.congress_id or 0}:{year}")
        rnd = FollowUpRound.objects.create(title=title.strip(), note=note, due_date=due_date, opened_by=actor, year=year, number=number)
        for suggestion in suggestions:

            def apply(locked):
                units = Assignment.objects.active().replying().filter(suggestion=locked)
                FollowUpItem.objects.bulk_create(FollowUpItem(round=rnd, suggestion=locked, assignment=a) for a in units)

            try:
                workflow.transition(
                    suggestion=suggestion,
                    move="open_followup",
                    actor=actor,
                    note=f"{rnd.title}，{_('二次答复期限')} {due_date:%Y-%m-%d}",
                    expected_status=suggestion.status,
                    apply=apply,
                )
            except ValidationError as exc:  # say which one of the set, keep the code (409 for a conflict)
                raise ValidationError(f"{suggestion}：{'；'.join(exc.messages)}", code=getattr(exc, "code", None)) from exc
    return rnd


def _current_items(locked):
    latest = FollowUpItem.objects.filter(suggestion=locked).order_by("-round_id").values_list("round_id", flat=True).first()
    return FollowUpItem.objects.filter(suggestion=locked, round_id=latest).select_related("assignment__unit")


def submit_second_reply(*, item, actor, content, result_category=None):
    """二次答复: what was actually done since the first reply."""
    required(content, "content", _("请填写二次答复内容。"))
    suggestion = item.suggestion
    with transaction.atomic():
        locked = workflow.lock(suggestion)
        fresh = FollowUpItem.objects.select_related("assignment__unit").get(pk=item.pk)
        check_own_unit(actor, fresh.assignment)
        if fresh.replied_at is not None:
            raise ValidationError(_("已经提交过二次答复。"), code="invalid_move")
        others = [i for i in _current_items(locked) if i.pk != fresh.pk and i.replied_at is None]
        if fresh.round_id != _current_items(locked).first().round_id:
            raise ValidationError(_("该回头看事项已结束。"), code="invalid_move")

        def apply(locked):
            fresh.second_reply, fresh.result_category = content.strip(), result_category
            fresh.replied_by, fresh.replied_at = actor, timezone.now()
            fresh.save(update_fields=["second_reply", "result_category", "replied_by", "replied_at"])

        workflow.transition(
            suggestion=locked,
            move="second_reply_part" if others else "second_reply",
            actor=actor,
            unit=fresh.assignment.unit,
            note=str(fresh.assignment.unit),
            apply=apply,
        )
    suggestion.status = locked.status
    return fresh


def rate_second_reply(*, suggestion, actor, rating, comment=""):
    """The deputy rates the follow-up's second replies (optional: staff may
    close the round without it)."""
    if rating not in Satisfaction.values:
        raise ValidationError({"rating": _("请选择满意、基本满意或不满意。")})

    def apply(locked):
        _current_items(locked).update(rating=rating, rating_comment=comment.strip(), rated_at=timezone.now())
        locked.closed_at = timezone.now()

    return workflow.transition(
        suggestion=suggestion,
        move="rate_second_reply",
        actor=actor,
        note=str(Satisfaction(rating).label) + (f"。{comment.strip()}" if comment.strip() else ""),
        expected_status=suggestion.status,
        fields=["closed_at"],
        apply=apply,
    )
