"""The states and kinds of everything in the suggestions app (no tables here)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # A draft is seen by its author only; submitting it makes it 待审查.
    DRAFT = "draft", _("草稿")
    # 全团建议: the delegation's contact sends the draft to its head, who approves it (then 待审查).
    AWAITING_HEAD = "awaiting_head", _("待团长审定")
    SUBMITTED = "submitted", _("待审查")
    WITHDRAWN = "withdrawn", _("已撤回")
    NOT_REGISTERED = "not_registered", _("不作为代表建议处理")
    REGISTERED = "registered", _("审查通过待交办")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复待测评")
    REHANDLING = "rehandling", _("重新办理中")
    CLOSED = "closed", _("已办结")
    FOLLOWUP = "followup", _("回头看办理中")
    FOLLOWUP_REPLIED = "followup_replied", _("回头看已答复")
    # 并案办理: handled with (and replied by the units of) another item, its lead.
    MERGED = "merged", _("已并案办理")


# Statuses in which units still owe a reply (the clock runs).
AWAITING_REPLY = (Status.ASSIGNED, Status.REHANDLING)
# Statuses after a reply exists: the only ones that may be published.
REPLIED_STATUSES = (Status.REPLIED, Status.REHANDLING, Status.CLOSED, Status.FOLLOWUP, Status.FOLLOWUP_REPLIED)
OPEN_STATUSES = (Status.SUBMITTED, Status.REGISTERED, Status.ASSIGNED, Status.REPLIED, Status.REHANDLING, Status.FOLLOWUP)


class HandlingMode(models.TextChoices):
    LEAD = "lead", _("主办协办")
    SPLIT = "split", _("分办")


class Disclosure(models.TextChoices):
    UNDECIDED = "undecided", _("待定")
    FULL = "full", _("全文公开")
    SUMMARY = "summary", _("摘要公开")
    NONE = "none", _("不公开")


class CoSignState(models.TextChoices):
    # Named on a draft: invited (and told) only when the draft is submitted.
    PROPOSED = "proposed", _("拟邀请")
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("不同意附议")
    LAPSED = "lapsed", _("审查时未确认")


class UnitRole(models.TextChoices):
    # Listed with the lead unit first, then split units, then co-handling units
    # (LEAD_UNIT_FIRST: the values themselves sort "co" first).
    LEAD = "lead", _("主办")
    CO = "co", _("协办")
    SPLIT = "split", _("分办")


# The order units are shown in wherever a suggestion's assignments are listed.
LEAD_UNIT_FIRST = models.Case(
    models.When(role=UnitRole.LEAD, then=0), models.When(role=UnitRole.SPLIT, then=1), default=2, output_field=models.IntegerField()
)


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("办理中")
    REASSIGNMENT_REQUESTED = "reassignment_requested", _("申请调整中")
    OPINION_SUBMITTED = "opinion_submitted", _("已提交协办意见")
    REPLIED = "replied", _("已答复")
    REHANDLING = "rehandling", _("重新办理中")
    WITHDRAWN = "withdrawn", _("已调整出")


class Decision(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("同意调整")
    REFUSED = "refused", _("不同意调整")


class ContactStage(models.TextChoices):
    BEFORE = "before", _("办前联系")
    DURING = "during", _("办中沟通")
    AFTER = "after", _("办后回访")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("座谈")
    FIELD = "field", _("实地调研")
    OTHER = "other", _("其他")


class ReplyKind(models.TextChoices):
    FIRST = "first", _("答复")
    REHANDLING = "rehandling", _("重新办理答复")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")
