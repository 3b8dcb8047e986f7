"""Deputies' suggestions (代表建议、批评和意见) through their whole life.

The status of a Suggestion is written by one function only,
``suggestions.workflow.transition``, following the table in
``suggestions.workflow.MOVES``. Everything else about a suggestion (its units,
replies, ratings, follow-up rounds, disclosure) lives in the models below and is
written by ``suggestions.services``."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_portal.accounts import roles
from congress_portal.transitions import move_label
from deputies.models import Level


class Status(models.TextChoices):
    # A draft is seen by its author only; submitting it makes it 待审核.
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    WITHDRAWN = "withdrawn", _("已撤回")
    NOT_REGISTERED = "not_registered", _("不予立案")
    REGISTERED = "registered", _("已立案待交办")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复待测评")
    REHANDLING = "rehandling", _("重新办理中")
    CLOSED = "closed", _("已办结")
    FOLLOWUP = "followup", _("回头看办理中")
    FOLLOWUP_REPLIED = "followup_replied", _("回头看已答复")


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


class SuggestionPolicy(models.Model):
    """The policy values provinces set differently; one row, edited by staff in
    the admin. ``SuggestionPolicy.current()`` returns it (created with the
    defaults of the 代表法 practice when missing)."""

    reassignment_window_working_days = models.PositiveSmallIntegerField(_("申请调整期限（工作日）"), default=5)
    co_opinion_months = models.PositiveSmallIntegerField(_("协办意见期限（月）"), default=1)
    reply_months = models.PositiveSmallIntegerField(_("答复期限（月）"), default=3)
    max_reply_months = models.PositiveSmallIntegerField(_("延期后最长答复期限（月）"), default=6)
    rehandling_months = models.PositiveSmallIntegerField(_("重新办理期限（月）"), default=1)
    max_rehandlings = models.PositiveSmallIntegerField(_("最多重新办理次数"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("建议办理期限设置")
        verbose_name_plural = _("建议办理期限设置")

    def __str__(self):
        return str(_("建议办理期限设置"))

    @classmethod
    def current(cls):
        policy = cls.objects.order_by("pk").first()
        return policy or cls.objects.create()


class SuggestionCategory(models.Model):
    """经济、农业、教育、卫生、交通…: data staff edit."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class ResultCategory(models.Model):
    """办理结果类别 A/B/C/D by default; data staff edit."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    # A/B promise something: these are the usual subjects of a follow-up review.
    promises_action = models.BooleanField(_("含办理承诺"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("办理结果类别")
        verbose_name_plural = _("办理结果类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class NumberCounter(models.Model):
    """The last number given within a session or a year; locked while a number
    is handed out so that two registrations never share one."""

    scope = models.CharField(max_length=32, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("建议编号计数")
        verbose_name_plural = _("建议编号计数")

    def __str__(self):
        return f"{self.scope}: {self.last_number}"


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Lists are scoped here: staff see all, a unit what is assigned to it,
        a deputy what they led or were asked to co-sign, everyone else the
        published items. A draft is seen by its author only (not by staff,
        units, the co-signers it names, or the public)."""
        if roles.is_staff_member(user):
            return self.submitted()
        unit_id = roles.unit_id_of(user)
        if unit_id is not None:
            return self.submitted().filter(
                Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=unit_id, is_active=True))
            )
        if roles.is_deputy(user):
            deputy = roles.deputy_of(user)
            if deputy is None:
                return self.none()
            cosigned = CoSignature.objects.filter(
                suggestion=OuterRef("pk"), deputy=deputy, state__in=[CoSignState.INVITED, CoSignState.CONFIRMED]
            )
            return self.filter(Q(lead_deputy=deputy) | (Exists(cosigned) & ~Q(status=Status.DRAFT)))
        return self.published()  # never a draft: drafts are not published

    def submitted(self):
        """Everything but drafts: what the lists, figures and exports count."""
        return self.exclude(status=Status.DRAFT)

    def drafts_of(self, deputy):
        return self.filter(status=Status.DRAFT, lead_deputy=deputy)

    def published(self):
        return self.filter(published_at__isnull=False, disclosure__in=[Disclosure.FULL, Disclosure.SUMMARY])

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def awaiting_reply(self):
        return self.filter(status__in=AWAITING_REPLY)

    def overdue(self, now=None):
        return self.awaiting_reply().filter(reply_due_at__lt=now or timezone.now())

    def with_units(self):
        """Prefetch the active assignments with their units (one query), the
        lead unit first, then split, then co-handling units."""
        return self.prefetch_related(
            models.Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(is_active=True).select_related("unit").order_by(LEAD_UNIT_FIRST, "pk"),
                to_attr="active_assignments",
            )
        )

    def with_list_joins(self):
        return self.select_related("lead_deputy", "category", "session__term__congress", "key_supervision")


class Suggestion(models.Model):
    lead_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("领衔代表"), on_delete=models.PROTECT, related_name="led_suggestions"
    )
    co_signers = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("附议代表"), through="CoSignature", related_name="cosigned_suggestions"
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    # Empty only on a draft (the constraint below); submission requires it.
    category = models.ForeignKey(
        SuggestionCategory, verbose_name=_("类别"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    during_session = models.BooleanField(_("大会期间提出"), default=False)
    session = models.ForeignKey(
        "deputies.Session", verbose_name=_("会议"), on_delete=models.PROTECT, null=True, blank=True, related_name="suggestions"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    # The level of the congress the suggestion is addressed to (the lead deputy's mandate there).
    deputy_level = models.CharField(_("代表层级"), max_length=16, choices=Level.choices, default=Level.PROVINCIAL, db_index=True)
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    disclosure_consent = models.BooleanField(_("同意公开"), default=True)
    entered_by_staff = models.BooleanField(_("工作人员代为录入"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Written only by suggestions.workflow.transition.
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    handling_mode = models.CharField(_("办理方式"), max_length=8, choices=HandlingMode.choices, blank=True)
    not_registered_reason = models.TextField(_("不予立案理由"), blank=True)
    forwarded_as_letter = models.BooleanField(_("转为来信处理"), default=False)
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rehandling_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    disclosure = models.CharField(_("公开方式"), max_length=12, choices=Disclosure.choices, default=Disclosure.UNDECIDED)
    public_summary = models.TextField(_("公开摘要"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = _("代表建议")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], condition=Q(session__isnull=False, number__isnull=False), name="unique_number_per_session"
            ),
            models.UniqueConstraint(
                fields=["year", "number"], condition=Q(session__isnull=True, number__isnull=False), name="unique_number_per_year"
            ),
            models.CheckConstraint(condition=Q(status="draft") | Q(category__isnull=False), name="category_unless_draft"),
        ]
        indexes = [
            models.Index(fields=["status", "reply_due_at"]),
            models.Index(fields=["-published_at"], condition=Q(published_at__isnull=False), name="suggestion_published_idx"),
            models.Index(fields=["-submitted_at", "-id"], name="suggestion_list_idx"),
        ]

    def __str__(self):
        if self.number:
            return f"{self.number_label} {self.title}"
        return self.title or str(_("（无标题草稿）"))

    @property
    def number_label(self):
        return f"第{self.number:04d}号" if self.number else ""

    @property
    def is_overdue(self):
        return self.status in AWAITING_REPLY and self.reply_due_at is not None and self.reply_due_at < timezone.now()

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def is_published(self):
        return self.published_at is not None and self.disclosure in (Disclosure.FULL, Disclosure.SUMMARY)

    def clean(self):
        if self.session_id and self.year and self.session.year != self.year:
            raise ValidationError({"year": _("年度与会议年度不一致。")})


def attachment_path(instance, filename):
    return f"suggestions/{timezone.now():%Y/%m}/{filename}"


class SuggestionAttachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("建议附件")
        verbose_name_plural = _("建议附件")

    def __str__(self):
        return self.name


class CoSignState(models.TextChoices):
    # Named on a draft: invited (and told) only when the draft is submitted.
    PROPOSED = "proposed", _("拟邀请")
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("已谢绝")
    LAPSED = "lapsed", _("立案时未确认")


class CoSignature(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosignatures")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("附议代表"), on_delete=models.PROTECT, related_name="cosignatures")
    state = models.CharField(_("状态"), max_length=12, choices=CoSignState.choices, default=CoSignState.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    responded_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="one_cosignature_per_deputy")]

    def __str__(self):
        return f"{self.deputy} · {self.get_state_display()}"


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


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def replying(self):
        """Assignments that owe a reply of their own (lead or split units)."""
        return self.filter(role__in=[UnitRole.LEAD, UnitRole.SPLIT])

    def overdue(self, now=None):
        return self.active().replying().filter(
            state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.REASSIGNMENT_REQUESTED, AssignmentState.REHANDLING],
            reply_due_at__lt=now or timezone.now(),
        )


class Assignment(models.Model):
    """One unit's part in handling one suggestion, with its own dates and state."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("deputies.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("承办类型"), max_length=8, choices=UnitRole.choices)
    part = models.CharField(_("分办事项"), max_length=255, blank=True)
    state = models.CharField(_("办理状态"), max_length=24, choices=AssignmentState.choices, default=AssignmentState.PENDING)
    is_active = models.BooleanField(_("有效"), default=True)
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reassignment_deadline = models.DateField(_("申请调整截止"), null=True, blank=True)
    opinion_due_at = models.DateTimeField(_("协办意见期限"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["suggestion_id", LEAD_UNIT_FIRST, "pk"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "unit"], condition=Q(is_active=True), name="one_active_assignment_per_unit"),
            models.UniqueConstraint(
                fields=["suggestion"], condition=Q(is_active=True, role="lead"), name="one_active_lead_unit"
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active", "reply_due_at"])]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def owes_reply(self):
        return self.role in (UnitRole.LEAD, UnitRole.SPLIT)


class Decision(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("同意调整")
    REFUSED = "refused", _("不同意调整")


class ReassignmentRequest(models.Model):
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE, related_name="reassignment_requests")
    reason = models.TextField(_("申请理由"))
    suggested_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("建议改由单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decision = models.CharField(_("审批结果"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    new_assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(decision="pending"), name="one_pending_reassignment")
        ]

    def __str__(self):
        return f"{self.assignment} · {self.get_decision_display()}"


class CoOpinion(models.Model):
    """A co-handling unit's opinion, sent to the lead unit; it travels with the reply."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("协办交办"), on_delete=models.CASCADE, related_name="co_opinions")
    content = models.TextField(_("协办意见"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协办意见")
        verbose_name_plural = _("协办意见")
        ordering = ["submitted_at"]

    def __str__(self):
        return str(self.assignment)


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


class ContactLog(models.Model):
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="contacts")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE, related_name="contacts")
    stage = models.CharField(_("阶段"), max_length=8, choices=ContactStage.choices)
    method = models.CharField(_("方式"), max_length=8, choices=ContactMethod.choices)
    contacted_at = models.DateTimeField(_("联系时间"))
    note = models.TextField(_("情况记录"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    logged_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["contacted_at"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.contacted_at:%Y-%m-%d}"


class ReplyKind(models.TextChoices):
    FIRST = "first", _("答复")
    REHANDLING = "rehandling", _("重新办理答复")


class Reply(models.Model):
    """The formal reply letter of a lead or split unit."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.PROTECT, related_name="replies")
    kind = models.CharField(_("答复类型"), max_length=12, choices=ReplyKind.choices, default=ReplyKind.FIRST)
    letter = models.TextField(_("答复内容"))
    result_category = models.ForeignKey(ResultCategory, verbose_name=_("办理结果"), on_delete=models.PROTECT, related_name="replies")
    signed_off_by = models.CharField(_("签发领导"), max_length=64)
    replied_at = models.DateTimeField(_("答复时间"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The newest reply of each assignment is the current one; older ones stay as history.
    is_current = models.BooleanField(_("当前答复"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["replied_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(is_current=True), name="one_current_reply_per_assignment")
        ]

    def __str__(self):
        return f"{self.assignment.unit} · {self.result_category.code}"


class ReplyAttachment(models.Model):
    reply = models.ForeignKey(Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=255)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")

    def __str__(self):
        return self.name


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


class Rating(models.Model):
    """The lead deputy's rating of one reply: the process and the result separately."""

    reply = models.OneToOneField(Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="rating")
    process_rating = models.CharField(_("办理过程评价"), max_length=16, choices=Satisfaction.choices)
    result_rating = models.CharField(_("办理结果评价"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    rated_at = models.DateTimeField(_("测评时间"), default=timezone.now)

    class Meta:
        verbose_name = _("测评")
        verbose_name_plural = _("测评")

    def __str__(self):
        return f"{self.get_process_rating_display()} / {self.get_result_rating_display()}"

    @property
    def is_satisfied(self):
        return Satisfaction.NOT_SATISFIED not in (self.process_rating, self.result_rating)


class KeySupervision(models.Model):
    """重点督办: a committee leader leads it (牵头督办), a special committee follows it
    (对口督办), and a government leader takes it on (领办)."""

    suggestion = models.OneToOneField(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="key_supervision")
    supervising_leader = models.CharField(_("牵头督办领导"), max_length=64)
    supervising_committee = models.CharField(_("对口督办专门委员会"), max_length=64, blank=True)
    government_leader = models.CharField(_("领办领导"), max_length=64, blank=True)
    note = models.TextField(_("督办要求"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(_("确定时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点督办")
        verbose_name_plural = _("重点督办")

    def __str__(self):
        return str(self.suggestion)


class FollowUpRound(models.Model):
    """回头看: a review round over a chosen set of replied suggestions."""

    title = models.CharField(_("名称"), max_length=128)
    note = models.TextField(_("工作要求"), blank=True)
    due_date = models.DateField(_("二次答复期限"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["-opened_at"]

    def __str__(self):
        return self.title


class FollowUpItem(models.Model):
    """One unit's second reply (二次答复) within a round, and the deputy's new rating."""

    round = models.ForeignKey(FollowUpRound, verbose_name=_("回头看"), on_delete=models.CASCADE, related_name="items")
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="followup_items")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.PROTECT, related_name="followup_items")
    second_reply = models.TextField(_("二次答复"), blank=True)
    result_category = models.ForeignKey(
        ResultCategory, verbose_name=_("办理结果"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    replied_at = models.DateTimeField(_("二次答复时间"), null=True, blank=True)
    rating = models.CharField(_("再次测评"), max_length=16, choices=Satisfaction.choices, blank=True)
    rating_comment = models.TextField(_("测评意见"), blank=True)
    rated_at = models.DateTimeField(_("测评时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回头看事项")
        verbose_name_plural = _("回头看事项")
        ordering = ["round_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "assignment"], name="one_followup_item_per_assignment")]

    def __str__(self):
        return f"{self.round} · {self.assignment}"


class DisclosureDecision(models.Model):
    """Staff's decision on whether and how a suggestion and its reply are published;
    the latest one is copied onto the suggestion."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="disclosure_decisions")
    mode = models.CharField(_("公开方式"), max_length=12, choices=Disclosure.choices)
    reason = models.TextField(_("理由"), blank=True)
    summary = models.TextField(_("公开摘要"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公开决定")
        verbose_name_plural = _("公开决定")
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.suggestion} · {self.get_mode_display()}"


class SuggestionEvent(models.Model):
    """One row per move: the timeline deputies (and, for published items, the
    public) see, and the audit trail. Written only by suggestions.workflow."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+")
    unit = models.ForeignKey("deputies.HandlingUnit", verbose_name=_("单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    is_public = models.BooleanField(_("公开"), default=False)
    visible_to_deputy = models.BooleanField(_("代表可见"), default=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["suggestion", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.move_label}"

    @property
    def move_label(self):
        return move_label(self, self.move)


# Admin screens over the same table (the review queue, the assignment screen, the overdue list).
class ReviewQueue(Suggestion):
    class Meta:
        proxy = True
        verbose_name = _("待审核建议")
        verbose_name_plural = _("审核：待立案建议")


class AssignmentQueue(Suggestion):
    class Meta:
        proxy = True
        verbose_name = _("待交办建议")
        verbose_name_plural = _("交办：已立案待交办")


class OverdueSuggestion(Suggestion):
    class Meta:
        proxy = True
        verbose_name = _("逾期建议")
        verbose_name_plural = _("逾期未答复建议")
