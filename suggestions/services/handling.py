"""办理 by the units: co-handling opinions, contacts with the deputy, and the
reply."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.uploads import ATTACHMENT_TYPES, check_uploads

from .. import workflow
from ..models import (
    Assignment,
    AssignmentState,
    CoOpinion,
    ContactLog,
    ContactStage,
    Reply,
    ReplyAttachment,
    ReplyKind,
    Status,
    UnitRole,
)
from .common import OPEN_ASSIGNMENT_STATES, check_own_unit, reload_assignment, required
from .merge import follow_lead


def submit_co_opinion(*, assignment, actor, content):
    """协办意见 from a co-handling unit to the lead unit."""
    required(content, "content", _("请填写协办意见。"))
    result = {}

    def apply(locked):
        a = reload_assignment(assignment, locked)
        check_own_unit(actor, a)
        if a.role != UnitRole.CO:
            raise ValidationError(_("只有协办单位提交协办意见。"), code="invalid_move")
        if a.state == AssignmentState.REASSIGNMENT_REQUESTED:
            raise ValidationError(_("调整申请审批前不能提交协办意见。"), code="invalid_move")
        result["opinion"] = CoOpinion.objects.create(assignment=a, content=content.strip(), submitted_by=actor)
        a.state = AssignmentState.OPINION_SUBMITTED
        a.acknowledged_at = a.acknowledged_at or timezone.now()
        a.save(update_fields=["state", "acknowledged_at"])

    workflow.transition(suggestion=assignment.suggestion, move="co_opinion", actor=actor, unit=assignment.unit, apply=apply)
    return result["opinion"]


def log_contact(*, assignment, actor, stage, method, contacted_at, note):
    """办前联系、办中沟通、办后回访 with the deputy."""
    required(note, "note", _("请填写联系情况。"))
    if stage not in ContactStage.values:
        raise ValidationError({"stage": _("未知的联系阶段。")})
    result = {}

    def apply(locked):
        a = reload_assignment(assignment, locked)
        check_own_unit(actor, a)
        result["log"] = ContactLog.objects.create(
            suggestion=locked, assignment=a, stage=stage, method=method, contacted_at=contacted_at, note=note.strip(), logged_by=actor
        )

    workflow.transition(
        suggestion=assignment.suggestion,
        move="log_contact",
        actor=actor,
        unit=assignment.unit,
        note=str(ContactStage(stage).label),
        apply=apply,
    )
    return result["log"]


# ---------------------------------------------------------------- 答复


def reply_to_suggestion(*, assignment, actor, letter, result_category, signed_off_by, replied_at=None, attachments=()):
    """答复 by a lead or split unit: the letter, the result category, the leader
    who signed it off. The suggestion becomes 已答复 when every unit that owes a
    reply has given it (split handling waits for all parts)."""
    required(letter, "letter", _("请填写答复内容。"))
    required(result_category, "result_category", _("请选择办理结果类别。"))
    required(signed_off_by, "signed_off_by", _("请填写签发领导。"))
    if not result_category.is_active:
        raise ValidationError({"result_category": _("该办理结果类别已停用。")})
    check_uploads(attachments, field="attachments", types=ATTACHMENT_TYPES)
    result = {}
    suggestion = assignment.suggestion

    def prepare(locked):
        a = reload_assignment(assignment, locked)
        check_own_unit(actor, a)
        if a.role == UnitRole.CO:
            raise ValidationError(_("协办单位不直接答复，请将协办意见送主办单位。"), code="invalid_move")
        expected = AssignmentState.REHANDLING if locked.status == Status.REHANDLING else AssignmentState.ACKNOWLEDGED
        if a.state == AssignmentState.PENDING:
            raise ValidationError(_("请先签收再答复。"), code="invalid_move")
        if a.state != expected:
            raise ValidationError(_("该单位当前没有待答复的事项。"), code="invalid_move")
        return a

    with transaction.atomic():
        locked = workflow.lock(suggestion)
        a = prepare(locked)
        others_pending = (
            Assignment.objects.active().replying().filter(suggestion=locked).exclude(pk=a.pk).filter(state__in=OPEN_ASSIGNMENT_STATES).exists()
        )
        move = "reply_part" if others_pending else "reply"

        def apply(locked):
            now = timezone.now()
            Reply.objects.filter(assignment=a, is_current=True).update(is_current=False)
            reply = Reply.objects.create(
                suggestion=locked,
                assignment=a,
                kind=ReplyKind.REHANDLING if locked.status == Status.REHANDLING else ReplyKind.FIRST,
                letter=letter.strip(),
                result_category=result_category,
                signed_off_by=signed_off_by.strip(),
                replied_at=replied_at or now,
                submitted_by=actor,
            )
            for f in attachments:
                ReplyAttachment.objects.create(reply=reply, file=f, name=getattr(f, "name", "")[:255])
            a.state, a.replied_at = AssignmentState.REPLIED, reply.replied_at
            update = ["state", "replied_at"]
            if a.first_replied_at is None:
                # Kept for good: re-handling sets a new due date but the first reply stays late or on time.
                a.first_replied_at, a.first_reply_due_at = reply.replied_at, a.reply_due_at
                update += ["first_replied_at", "first_reply_due_at"]
            a.save(update_fields=update)
            locked.replied_at = reply.replied_at
            result["reply"] = reply
            if move == "reply":  # 并案办理: the reply reaches every merged item's deputies
                follow_lead(lead=locked, move="follow_reply", actor=actor, note=f"{a.unit}：{result_category}")

        workflow.transition(
            suggestion=locked,
            move=move,
            actor=actor,
            unit=a.unit,
            note=f"{a.unit}：{result_category}",
            fields=["replied_at"],
            apply=apply,
        )
    for name in ("status", "replied_at"):
        setattr(suggestion, name, getattr(locked, name))
    return result["reply"]
