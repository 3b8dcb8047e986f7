"""并案办理: staff merge registered items on one problem into one handling.

One item leads; the others (``merge``) wait in 已并案办理 and follow it: when
the lead item is assigned or replied, each merged item records it on its own
timeline (``follow_assign``, ``follow_reply``), which tells its lead deputy and
co-signers (notices.events). The units handle and reply once, on the lead
item; the lead deputy of each merged item rates that reply for their item
(``rate_merged_reply``). Unmerging is possible until the lead item is assigned.

Rows are locked in primary-key order (the lead with the others), so two staff
merging overlapping items cannot deadlock or merge an item twice."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import MergedRating, MergeLink, Reply, Satisfaction, Status, Suggestion
from .common import required


def _lock_all(ids):
    return {s.pk: s for s in Suggestion.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk")}


def merge_suggestions(*, lead, others, actor, note=""):
    """并案: ``others`` are handled with ``lead`` (all registered, not yet assigned).
    Returns the MergeLinks made."""
    others = [s for s in dict.fromkeys(others) if s.pk != lead.pk]
    if not others:
        raise ValidationError({"others": _("请选择要并案办理的建议。")})
    links = []
    with transaction.atomic():
        locked = _lock_all([lead.pk, *(s.pk for s in others)])
        head = locked[lead.pk]
        if head.status != Status.REGISTERED:
            raise ValidationError(_("并案主办件须为审查通过待交办的建议。"), code="invalid_move")
        if MergeLink.objects.filter(suggestion=head).exists():
            raise ValidationError(_("该建议已并入其他建议办理，不能作为并案主办件。"), code="invalid_move")
        followers = MergeLink.objects.filter(lead_id__in=[s.pk for s in others]).values_list("lead_id", flat=True)
        if followers:
            names = "、".join(str(locked[pk]) for pk in sorted(set(followers)))
            raise ValidationError(_("%(items)s已是其他建议的并案主办件，请先解除其并案。") % {"items": names}, code="invalid_move")
        for other in others:
            item = locked[other.pk]
            links.append(MergeLink.objects.create(suggestion=item, lead=head, note=note.strip(), merged_by=actor))
            workflow.transition(
                suggestion=item, move="merge", actor=actor, expected_status=other.status,
                note=_("并入%(lead)s办理") % {"lead": head} + (f"。{note.strip()}" if note.strip() else ""),
            )
        workflow.transition(
            suggestion=head, move="merge_lead", actor=actor,
            note=_("并案办理：%(items)s") % {"items": "、".join(str(locked[o.pk]) for o in others)},
        )
    for other in others:
        other.status = Status.MERGED
    return links


def unmerge_suggestion(*, suggestion, actor, note=""):
    """解除并案: the item goes back to 审查通过待交办, while its lead item is not yet assigned."""
    with transaction.atomic():
        link = MergeLink.objects.filter(suggestion=suggestion).first()
        if link is None:
            raise ValidationError(_("该建议没有并案办理。"), code="invalid_move")
        locked = _lock_all([suggestion.pk, link.lead_id])
        head = locked[link.lead_id]
        if head.status != Status.REGISTERED:
            raise ValidationError(_("并案主办件已交办，不能再解除并案。"), code="invalid_move")
        link.delete()
        workflow.transition(
            suggestion=locked[suggestion.pk], move="unmerge", actor=actor, expected_status=suggestion.status,
            note=_("与%(lead)s解除并案") % {"lead": head} + (f"。{note.strip()}" if note.strip() else ""),
        )
        workflow.transition(suggestion=head, move="unmerge_lead", actor=actor, note=str(locked[suggestion.pk]))
    suggestion.status = Status.REGISTERED


def follow_lead(*, lead, move, actor, note=""):
    """Record ``move`` ("follow_assign" or "follow_reply") on every item merged
    into ``lead``: called by the lead's own assignment and reply, inside their
    transaction, with the lead locked. The merged items' status stays."""
    for item in Suggestion.objects.filter(merge_link__lead=lead, status=Status.MERGED).order_by("pk"):
        workflow.record_event(
            suggestion=item, move=move, from_status=item.status, to_status=item.status, actor=actor,
            note=_("%(lead)s：%(note)s") % {"lead": lead, "note": note} if note else str(lead),
        )


def lead_of(suggestion):
    """The lead item ``suggestion`` is merged into, or None."""
    link = MergeLink.objects.filter(suggestion=suggestion).select_related("lead").first()
    return link.lead if link else None


def rate_merged_reply(*, suggestion, reply, actor, process_rating, result_rating, comment=""):
    """测评 by the lead deputy of a merged item, of a current reply of its lead
    item. Once every current reply of the lead is rated for this item, the
    item is 办结 (its own re-handling is the lead item's: a 不满意 is told to
    staff and the lead item's units in the event)."""
    for field, value in (("process_rating", process_rating), ("result_rating", result_rating)):
        if value not in Satisfaction.values:
            raise ValidationError({field: _("请选择满意、基本满意或不满意。")})
    not_satisfied = Satisfaction.NOT_SATISFIED in (process_rating, result_rating)
    if not_satisfied:
        required(comment, "comment", _("不满意时请说明意见。"))
    with transaction.atomic():
        locked = workflow.lock(suggestion)
        workflow.check_move(locked, "rate_merged", actor)
        link = MergeLink.objects.filter(suggestion=locked).first()
        fresh = Reply.objects.select_related("assignment__unit").filter(pk=reply.pk).first()
        if link is None or fresh is None or fresh.suggestion_id != link.lead_id or not fresh.is_current:
            raise ValidationError(_("该答复不是本件并案主办件的当前答复。"), code="invalid_move")
        if MergedRating.objects.filter(suggestion=locked, reply=fresh).exists():
            raise ValidationError(_("该答复已经测评。"), code="invalid_move")
        rating = MergedRating.objects.create(
            suggestion=locked, reply=fresh, process_rating=process_rating, result_rating=result_rating,
            comment=comment.strip(), rated_by=actor,
        )
        current = set(Reply.objects.filter(suggestion_id=link.lead_id, is_current=True).values_list("pk", flat=True))
        rated = set(MergedRating.objects.filter(suggestion=locked, reply_id__in=current).values_list("reply_id", flat=True))
        note = f"{fresh.assignment.unit}：{rating}" + (f"。{comment.strip()}" if comment.strip() else "")
        if rated >= current:
            def apply(row):
                row.closed_at = timezone.now()

            workflow.transition(suggestion=locked, move="rate_merged", actor=actor, unit=fresh.assignment.unit,
                                note=note, fields=["closed_at"], apply=apply)
    suggestion.refresh_from_db(fields=["status", "closed_at"])
    return rating
