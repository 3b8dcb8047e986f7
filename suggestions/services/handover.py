"""交办会: staff prepare a batch of registered suggestions with their units,
then hold the meeting, which assigns the whole batch in one transaction
through ``assign_suggestion`` (and ``mark_key_supervision`` for the key
items). One item that cannot be assigned refuses the whole batch, naming the
item and the reason; nothing is written then. The meeting's own states go
through ``lifecycles.HANDOVERS``."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.scoping import check_units_serve

from ..lifecycles import HANDOVERS
from ..models import HandoverItem, HandoverMeeting, HandoverStatus, Status
from .assignment import assign_suggestion, mark_key_supervision
from .common import required


def _check_staff(actor, congress_id):
    if not roles.acts_on(actor, congress_id):
        raise PermissionDenied(_("只能办理本级人民代表大会的交办会。"))


def prepare_meeting(*, actor, congress, title, planned_on):
    """筹备交办会 of ``congress`` on ``planned_on``."""
    required(title, "title", _("请填写交办会名称。"))
    if planned_on is None:
        raise ValidationError({"planned_on": _("请填写召开日期。")}, code="required")
    if congress is None:
        raise ValidationError({"congress": _("请选择人民代表大会。")}, code="required")
    _check_staff(actor, congress.pk)
    with transaction.atomic():
        meeting = HandoverMeeting.objects.create(
            congress=congress, title=title.strip(), planned_on=planned_on, created_by=actor
        )
        HANDOVERS.record_event(obj=meeting, move_name="prepare", old="", new=HandoverStatus.PREPARED, actor=actor)
    return meeting


def _locked_prepared(meeting, actor):
    locked = HandoverMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_staff(actor, locked.congress_id)
    if locked.status != HandoverStatus.PREPARED:
        raise ValidationError(_("交办会已召开，不能再调整建议。"), code="invalid_move")
    return locked


def add_item(*, meeting, actor, suggestion, lead_unit, co_units=(), key_supervision=False, supervising_leader=""):
    """Put a registered suggestion of the meeting's congress into the batch with its units."""
    required(suggestion, "suggestion", _("请选择建议。"))
    required(lead_unit, "lead_unit", _("请选择主办单位。"))
    co_units = list(dict.fromkeys(co_units))
    if lead_unit in co_units:
        raise ValidationError({"co_units": _("主办单位不能同时作为协办单位。")})
    if key_supervision:
        required(supervising_leader, "supervising_leader", _("重点督办须填写牵头督办领导。"))
    with transaction.atomic():
        locked = _locked_prepared(meeting, actor)
        if suggestion.congress_id != locked.congress_id:
            raise ValidationError({"suggestion": _("该建议不属于本次交办会的人民代表大会。")})
        if suggestion.status != Status.REGISTERED:
            raise ValidationError(
                {"suggestion": _("%(number)s当前状态为「%(status)s」，只有审查通过的建议可以交办。")
                 % {"number": suggestion.number_label, "status": suggestion.get_status_display()}}
            )
        check_units_serve(locked.congress, [lead_unit, *co_units])
        if HandoverItem.objects.filter(meeting=locked, suggestion=suggestion).exists():
            raise ValidationError({"suggestion": _("该建议已在本次交办会中。")})
        item = HandoverItem.objects.create(
            meeting=locked, suggestion=suggestion, lead_unit=lead_unit, key_supervision=bool(key_supervision),
            supervising_leader=supervising_leader.strip() if key_supervision else "", added_by=actor,
        )
        item.co_units.set(co_units)
    return item


def remove_item(*, meeting, actor, item_id):
    with transaction.atomic():
        locked = _locked_prepared(meeting, actor)
        deleted, _rows = HandoverItem.objects.filter(meeting=locked, pk=item_id).delete()
        if not deleted:
            raise ValidationError(_("该建议不在本次交办会中。"))


def hold_meeting(*, meeting, actor):
    """召开交办会: every item is assigned (and marked for key supervision) in
    one transaction, or none is: the first item that cannot be assigned
    refuses the batch, naming its place in the batch, its number and why."""
    assigned = {}

    def apply(locked):
        items = list(
            locked.items.select_related("suggestion", "lead_unit").prefetch_related("co_units").order_by("pk")
        )
        if not items:
            raise ValidationError(_("交办会还没有建议，不能召开。"), code="empty")
        made = []
        for position, item in enumerate(items, 1):
            suggestion = item.suggestion
            try:
                assign_suggestion(
                    suggestion=suggestion, actor=actor, lead_unit=item.lead_unit, co_units=list(item.co_units.all()),
                    note=locked.title,
                )
                if item.key_supervision:
                    mark_key_supervision(
                        suggestion=suggestion, actor=actor, supervising_leader=item.supervising_leader, note=locked.title
                    )
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", None) or [str(exc)])
                raise ValidationError(
                    _("第%(position)s项（%(number)s《%(title)s》）不能交办：%(reason)s整批建议均未交办。")
                    % {"position": position, "number": suggestion.number_label or suggestion.pk,
                       "title": suggestion.title, "reason": reason},
                    code="bad_item",
                ) from exc
            rows = suggestion.assignments.filter(is_active=True, assigned_at__gte=locked_now).values_list("pk", "unit_id")
            made += [(item.pk, a, unit_id) for a, unit_id in rows]
        through = HandoverItem.assignments.through
        through.objects.bulk_create(through(handoveritem_id=i, assignment_id=a) for i, a, _u in made)
        locked.held_at = locked_now
        assigned["items"] = len(items)
        assigned["units"] = len({unit_id for _i, _a, unit_id in made})

    locked_now = timezone.now()
    HANDOVERS.transition(meeting, "hold", actor=actor, apply=apply, fields=["held_at"])
    return assigned
