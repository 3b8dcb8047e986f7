"""交办 and what follows it before the reply: the units and their deadlines,
key supervision, extensions, a unit's acknowledgement and its request to be
re-assigned, and staff's decision on that request."""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.workdays import add_working_days, due_date_after_months, end_of_day, local_today
from deputies.scoping import check_units_serve

from .. import workflow
from ..models import (
    Assignment,
    AssignmentState,
    Decision,
    HandlingMode,
    KeySupervision,
    ReassignmentRequest,
    Status,
    SuggestionPolicy,
    UnitRole,
)
from .common import OPEN_ASSIGNMENT_STATES, check_own_unit, reload_assignment, required
from .merge import follow_lead


def _new_assignment(suggestion, unit, role, actor, policy, today, now, part=""):
    return Assignment.objects.create(
        suggestion=suggestion,
        unit=unit,
        role=role,
        part=part,
        assigned_at=now,
        assigned_by=actor,
        reassignment_deadline=add_working_days(today, policy.reassignment_window_working_days),
        opinion_due_at=end_of_day(due_date_after_months(today, policy.co_opinion_months)) if role == UnitRole.CO else None,
        reply_due_at=end_of_day(due_date_after_months(today, policy.reply_months)) if role != UnitRole.CO else None,
    )


def assign_suggestion(*, suggestion, actor, mode=HandlingMode.LEAD, lead_unit=None, co_units=(), split_units=(), note=""):
    """交办. ``mode=lead``: one ``lead_unit`` and any ``co_units``;
    ``mode=split`` (分办): ``split_units``, each a unit or a ``(unit, part)`` pair,
    every one replying on its own part. The reply is due ``reply_months``
    (default 3) after today, moved to the next working day if it falls on a rest
    day; re-assignment may be asked within the working-day window."""
    if mode == HandlingMode.LEAD:
        required(lead_unit, "lead_unit", _("请选择主办单位。"))
        co_units = list(dict.fromkeys(co_units))
        if lead_unit in co_units:
            raise ValidationError({"co_units": _("主办单位不能同时作为协办单位。")})
        plan = [(lead_unit, UnitRole.LEAD, "")] + [(u, UnitRole.CO, "") for u in co_units]
    elif mode == HandlingMode.SPLIT:
        pairs = [u if isinstance(u, (tuple, list)) else (u, "") for u in split_units]
        if len(pairs) < 2:
            raise ValidationError({"split_units": _("分办须至少选择两个承办单位。")})
        if len({u.pk for u, _part in pairs}) != len(pairs):
            raise ValidationError({"split_units": _("分办单位不能重复。")})
        plan = [(u, UnitRole.SPLIT, part) for u, part in pairs]
    else:
        raise ValidationError({"mode": _("未知的办理方式。")})
    inactive = [str(u) for u, _r, _p in plan if not u.is_active]
    if inactive:
        raise ValidationError(_("承办单位已停用：%(units)s。") % {"units": "、".join(inactive)})

    policy = SuggestionPolicy.current()
    units_text = "、".join(f"{u}（{role.label}）" for u, role, _p in plan)

    def apply(locked):
        check_units_serve(locked.congress, [u for u, _r, _p in plan], "lead_unit" if mode == HandlingMode.LEAD else "split_units")
        now, today = timezone.now(), local_today()
        created = [_new_assignment(locked, u, role, actor, policy, today, now, part) for u, role, part in plan]
        locked.handling_mode = mode
        locked.assigned_at = now
        locked.reply_due_at = max(a.reply_due_at for a in created if a.reply_due_at)
        follow_lead(lead=locked, move="follow_assign", actor=actor, note=units_text)  # 并案办理: merged items follow

    return workflow.transition(
        suggestion=suggestion,
        move="assign",
        actor=actor,
        note=(note + " " if note else "") + units_text,
        expected_status=suggestion.status,
        fields=["handling_mode", "assigned_at", "reply_due_at"],
        apply=apply,
    )


def mark_key_supervision(*, suggestion, actor, supervising_leader, supervising_committee="", government_leader="", note=""):
    """重点督办: mark (or update) with the supervising leader and committee."""
    required(supervising_leader, "supervising_leader", _("请填写牵头督办领导。"))

    def apply(locked):
        KeySupervision.objects.update_or_create(
            suggestion=locked,
            defaults={
                "supervising_leader": supervising_leader,
                "supervising_committee": supervising_committee,
                "government_leader": government_leader,
                "note": note,
                "marked_by": actor,
            },
        )

    return workflow.transition(
        suggestion=suggestion, move="mark_key", actor=actor, note=f"{supervising_leader} {supervising_committee}".strip(), apply=apply
    )


def extend_deadline(*, suggestion, actor, new_due_date, reason):
    """Staff extend the reply deadline of a wide-reaching, hard item, with a
    reason, up to ``max_reply_months`` (default 6) after assignment."""
    required(reason, "reason", _("请填写延期理由。"))
    policy = SuggestionPolicy.current()

    def apply(locked):
        if locked.status != Status.ASSIGNED:
            raise ValidationError(_("只有办理中的建议可以延期。"), code="invalid_move")
        assigned_day = timezone.localtime(locked.assigned_at).date()
        limit = due_date_after_months(assigned_day, policy.max_reply_months)
        if new_due_date > limit:
            raise ValidationError(
                {"new_due_date": _("答复期限最长至交办后%(months)s个月（%(limit)s）。") % {"months": policy.max_reply_months, "limit": limit}}
            )
        due_at = end_of_day(new_due_date)
        if locked.reply_due_at and due_at <= locked.reply_due_at:
            raise ValidationError({"new_due_date": _("新的答复期限须晚于原期限。")})
        Assignment.objects.active().replying().filter(state__in=OPEN_ASSIGNMENT_STATES, suggestion=locked).update(reply_due_at=due_at)
        locked.reply_due_at = due_at
        locked.extension_reason = reason.strip()

    return workflow.transition(
        suggestion=suggestion,
        move="extend_deadline",
        actor=actor,
        note=f"{new_due_date:%Y-%m-%d}：{reason.strip()}",
        fields=["reply_due_at", "extension_reason"],
        apply=apply,
    )


# ---------------------------------------------------------------- 签收、申请调整


def acknowledge_assignment(*, assignment, actor):
    """签收 by the assigned unit."""

    def apply(locked):
        a = reload_assignment(assignment, locked)
        check_own_unit(actor, a)
        if a.state != AssignmentState.PENDING:
            raise ValidationError(_("该交办已签收或正在调整，不能重复签收。"), code="invalid_move")
        a.state, a.acknowledged_at = AssignmentState.ACKNOWLEDGED, timezone.now()
        a.save(update_fields=["state", "acknowledged_at"])

    return workflow.transition(suggestion=assignment.suggestion, move="acknowledge", actor=actor, unit=assignment.unit, apply=apply)


def request_reassignment(*, assignment, actor, reason, suggested_unit=None):
    """申请调整: within the window (default 5 working days after assignment)."""
    required(reason, "reason", _("请填写申请调整的理由。"))
    result = {}

    def apply(locked):
        a = reload_assignment(assignment, locked)
        check_own_unit(actor, a)
        if a.state not in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED):
            raise ValidationError(_("该交办当前不能申请调整。"), code="invalid_move")
        if a.reassignment_deadline and local_today() > a.reassignment_deadline:
            raise ValidationError(
                _("申请调整的期限已过（%(date)s）。") % {"date": f"{a.reassignment_deadline:%Y-%m-%d}"}, code="window_closed"
            )
        result["request"] = ReassignmentRequest.objects.create(
            assignment=a, reason=reason.strip(), suggested_unit=suggested_unit, requested_by=actor
        )
        a.state = AssignmentState.REASSIGNMENT_REQUESTED
        a.save(update_fields=["state"])

    workflow.transition(
        suggestion=assignment.suggestion, move="request_reassignment", actor=actor, unit=assignment.unit, note=reason, apply=apply
    )
    return result["request"]


def decide_reassignment(*, request, actor, approve, note="", new_unit=None):
    """Staff approve a re-assignment (the unit's assignment ends; ``new_unit``
    takes its place with fresh deadlines) or refuse it (the unit handles it)."""
    if not approve:
        required(note, "note", _("不同意调整时请说明理由。"))
    policy = SuggestionPolicy.current()
    suggestion = request.assignment.suggestion

    def apply(locked):
        req = ReassignmentRequest.objects.select_related("assignment").get(pk=request.pk)
        a = req.assignment
        if req.decision != Decision.PENDING:
            raise ValidationError(_("该调整申请已经审批。"), code="invalid_move")
        now = timezone.now()
        req.decision = Decision.APPROVED if approve else Decision.REFUSED
        req.decision_note, req.decided_by, req.decided_at = note, actor, now
        if approve:
            if new_unit is None and a.role != UnitRole.CO:
                raise ValidationError({"new_unit": _("请选择改由承办的单位。")})
            a.is_active, a.state = False, AssignmentState.WITHDRAWN
            a.save(update_fields=["is_active", "state"])
            if new_unit is not None:
                check_units_serve(locked.congress, [new_unit], "new_unit")
                if Assignment.objects.active().filter(suggestion=locked, unit=new_unit).exists():
                    raise ValidationError({"new_unit": _("该单位已承办此建议。")})
                req.new_assignment = _new_assignment(locked, new_unit, a.role, actor, policy, local_today(), now, a.part)
                due = [d for d in Assignment.objects.active().replying().filter(suggestion=locked).values_list("reply_due_at", flat=True) if d]
                locked.reply_due_at = max(due) if due else locked.reply_due_at
        else:
            a.state = AssignmentState.ACKNOWLEDGED
            a.acknowledged_at = a.acknowledged_at or now
            a.save(update_fields=["state", "acknowledged_at"])
        req.save()

    if approve:
        text = _("同意调整") + (f"，{_('改由')}{new_unit}" if new_unit else "")
    else:
        text = _("不同意调整")
    return workflow.transition(
        suggestion=suggestion,
        move="decide_reassignment",
        actor=actor,
        unit=request.assignment.unit,
        note=f"{text}。{note}".rstrip("。") + "。" if note else text,
        fields=["reply_due_at"],
        apply=apply,
    )
