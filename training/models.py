"""Training (代表学习培训) and duty records (代表履职档案).

Training: yearly plans per term, sessions with their materials, enrolment (by
rule or by hand), attendance (QR check-in or marked by staff), leave requests
and the hours credited.

Duty records: what the portal knows about each deputy in a year, gathered by
the sources in ``training.duty.sources``, scored by rules kept as data
(``ScoringRuleSet`` / ``ScoringItem``), and kept as a ``DutyRecord`` snapshot
for the staff lists. Plenary attendance and other activities are recorded here
because no other app records them.
"""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_portal.uploads import stored_name, validate_material_file
from deputies.models import Level, Occupation

def material_path(instance, filename):
    # A random stored name; the title is what readers see.
    return stored_name("training/materials", filename)


def validate_material_size(value):
    # Kept for migration 0001; the file is now checked by congress_portal.uploads.
    limit = settings.PORTAL_MAX_ATTACHMENT_BYTES
    if value and value.size > limit:
        raise ValidationError(_("文件不能超过 %(mb)s MB。"), params={"mb": limit // (1024 * 1024)}, code="too_large")


class TrainingPolicy(models.Model):
    """The policy values provinces change, one row (pk=1) staff edit in the admin."""

    checkin_token_minutes = models.PositiveIntegerField(
        _("签到二维码有效时间（分钟）"), default=15, validators=[MinValueValidator(1)],
        help_text=_("二维码中的签到令牌在此时间后失效，签到页面会自动刷新二维码。"),
    )
    checkin_opens_minutes_before = models.PositiveIntegerField(_("开课前可提前签到（分钟）"), default=30)
    checkin_closes_minutes_after = models.PositiveIntegerField(_("结束后仍可签到（分钟）"), default=0)
    induction_required_hours = models.DecimalField(
        _("初任学习完成所需学时"), max_digits=5, decimal_places=1, default=Decimal("0"),
        help_text=_("0 表示参加一次即视为完成。"),
    )
    duty_required_hours = models.DecimalField(
        _("履职学习完成所需学时"), max_digits=5, decimal_places=1, default=Decimal("0"),
        help_text=_("0 表示参加一次即视为完成。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训规则设置")
        verbose_name_plural = _("培训规则设置")

    def __str__(self):
        return str(_("培训规则设置"))

    @classmethod
    def current(cls):
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class TrainingPlan(models.Model):
    """A yearly training plan of a term (e.g. 省十四届人大代表2025年学习培训计划)."""

    term = models.ForeignKey("deputies.Term", verbose_name=_("届"), on_delete=models.PROTECT, related_name="training_plans")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("计划名称"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        constraints = [models.UniqueConstraint(fields=["term", "year", "title"], name="unique_training_plan")]
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.term_id and self.year and not (self.term.start_date.year <= self.year <= self.term.end_date.year):
            raise ValidationError({"year": _("年度不在该届任期内。")})


class SessionKind(models.TextChoices):
    INDUCTION = "induction", _("初任学习")
    DUTY = "duty", _("履职学习")
    THEMATIC = "thematic", _("专题学习")


class SessionForm(models.TextChoices):
    CLASSROOM = "classroom", _("集中授课")
    FIELD_VISIT = "field_visit", _("现场教学")
    ONLINE_LIVE = "online_live", _("网络直播")


class TrainingSession(models.Model):
    """One course (培训班) of a plan: a type, a form, dates, venue and hours."""

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("培训计划"), on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("培训名称"), max_length=128)
    kind = models.CharField(_("培训类型"), max_length=16, choices=SessionKind.choices, db_index=True)
    form = models.CharField(_("培训形式"), max_length=16, choices=SessionForm.choices, default=SessionForm.CLASSROOM)
    field = models.CharField(
        _("专题领域"), max_length=16, choices=Occupation.choices, blank=True,
        help_text=_("专题学习面向的领域，按代表职业类别报名。"),
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=128, blank=True, help_text=_("网络直播填写直播平台或链接。"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0"))])
    organiser = models.CharField(_("主办单位"), max_length=128)
    description = models.TextField(_("内容简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["-starts_at", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间应晚于开始时间。")})
        if self.kind == SessionKind.THEMATIC and not self.field:
            raise ValidationError({"field": _("专题学习须填写专题领域。")})


class TrainingMaterial(models.Model):
    """A file or a link of the materials library (学习资料库); deputies read the published ones."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训班次"), on_delete=models.CASCADE, null=True, blank=True, related_name="materials"
    )
    title = models.CharField(_("资料名称"), max_length=128)
    file = models.FileField(
        _("文件"), upload_to=material_path, blank=True, validators=[validate_material_file],
    )
    url = models.URLField(_("链接"), blank=True)
    description = models.TextField(_("说明"), blank=True)
    is_published = models.BooleanField(_("向代表公开"), default=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学习资料")
        verbose_name_plural = _("学习资料")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(file="") | ~models.Q(url=""), name="material_has_file_or_link")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError(_("请上传文件或填写链接。"))


class RuleKind(models.TextChoices):
    NEW_DEPUTIES_OF_TERM = "new_of_term", _("某届全部新任代表")
    LEVEL = "level", _("某一层级全部代表")
    GROUP = "group", _("某代表小组成员")
    FIELD = "field", _("某领域代表")


class EnrolmentRule(models.Model):
    """A rule staff apply to a session to enrol deputies in bulk. Kept so that the
    session shows how its roll was built and the rule can be applied again
    (deputies added since are enrolled, nobody twice)."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("培训班次"), on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("规则"), max_length=16, choices=RuleKind.choices)
    term = models.ForeignKey("deputies.Term", verbose_name=_("届"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, blank=True)
    group = models.ForeignKey(
        "deputies.DeputyGroup", verbose_name=_("代表小组"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("领域"), max_length=16, choices=Occupation.choices, blank=True)
    applied_at = models.DateTimeField(_("最近执行时间"), null=True, blank=True)
    enrolled_count = models.PositiveIntegerField(_("最近一次新增人数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名规则")
        verbose_name_plural = _("报名规则")
        ordering = ["session_id", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.describe()}"

    def describe(self):
        if self.kind == RuleKind.NEW_DEPUTIES_OF_TERM:
            return str(self.term) if self.term_id else ""
        if self.kind == RuleKind.LEVEL:
            return self.get_level_display()
        if self.kind == RuleKind.GROUP:
            return str(self.group) if self.group_id else ""
        return self.get_field_display()

    def clean(self):
        needed = {
            RuleKind.NEW_DEPUTIES_OF_TERM: ("term", self.term_id),
            RuleKind.LEVEL: ("level", self.level),
            RuleKind.GROUP: ("group", self.group_id),
            RuleKind.FIELD: ("field", self.field),
        }
        name, value = needed.get(self.kind, (None, True))
        if not value:
            raise ValidationError({name: _("该规则须填写此项。")})


class EnrolmentSource(models.TextChoices):
    RULE = "rule", _("按规则报名")
    HAND = "hand", _("手工报名")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    ON_LEAVE = "on_leave", _("已请假")
    ATTENDED = "attended", _("已参加")


class CheckInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    STAFF = "staff", _("工作人员登记")


class Enrolment(models.Model):
    """A deputy on a session's roll, and what became of it."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("培训班次"), on_delete=models.CASCADE, related_name="enrolments")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="training_enrolments")
    source = models.CharField(_("报名方式"), max_length=8, choices=EnrolmentSource.choices, default=EnrolmentSource.HAND)
    rule = models.ForeignKey(EnrolmentRule, verbose_name=_("报名规则"), on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments")
    status = models.CharField(_("状态"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED, db_index=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_method = models.CharField(_("签到方式"), max_length=8, choices=CheckInMethod.choices, blank=True)
    hours_credited = models.DecimalField(_("认定学时"), max_digits=5, decimal_places=1, default=Decimal("0"))
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报名与考勤")
        verbose_name_plural = _("报名与考勤")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="one_enrolment_per_session"),
            models.CheckConstraint(
                condition=models.Q(status="attended") | models.Q(hours_credited=0), name="hours_only_when_attended"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "status"])]
        ordering = ["session_id", "deputy_id"]

    def __str__(self):
        return f"{self.deputy} · {self.session}"

    @property
    def attended(self):
        return self.status == EnrolmentStatus.ATTENDED


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class LeaveRequest(models.Model):
    """A deputy's request for leave from a session (请假), decided by staff."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="leave_requests")
    reason = models.TextField(_("请假事由"))
    status = models.CharField(_("审批状态"), max_length=16, choices=LeaveStatus.choices, default=LeaveStatus.PENDING, db_index=True)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment"], condition=models.Q(status="pending"), name="one_pending_leave_per_enrolment")
        ]

    def __str__(self):
        return f"{self.enrolment} · {self.get_status_display()}"


# --- duty records -------------------------------------------------------------


class PlenaryAttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class PlenaryAttendance(models.Model):
    """Whether a deputy attended a plenary (会议), recorded by staff."""

    session = models.ForeignKey("deputies.Session", verbose_name=_("会议"), on_delete=models.PROTECT, related_name="attendance")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="plenary_attendance")
    status = models.CharField(_("出席情况"), max_length=8, choices=PlenaryAttendanceStatus.choices, default=PlenaryAttendanceStatus.PRESENT)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议出席")
        verbose_name_plural = _("会议出席")
        constraints = [models.UniqueConstraint(fields=["session", "deputy"], name="one_attendance_per_plenary")]
        indexes = [models.Index(fields=["deputy", "status"])]
        ordering = ["session_id", "deputy_id"]

    def __str__(self):
        return f"{self.deputy} · {self.session} · {self.get_status_display()}"


class ActivityKind(models.TextChoices):
    INSPECTION = "inspection", _("视察")
    RESEARCH = "research", _("专题调研")
    LAW_ENFORCEMENT = "law_enforcement", _("执法检查")
    HEARING = "hearing", _("座谈会、论证会、听证会")
    SUPERVISION = "supervision", _("评议、询问和质询")
    CONSTITUENTS = "constituents", _("联系选民、向选民述职")
    OTHER = "other", _("其他活动")


class DutyActivity(models.Model):
    """Another activity of a deputy, recorded by staff (视察、调研、执法检查……)."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="duty_activities")
    # The congress the activity was done as a deputy of: it counts in that
    # congress's duty record (a deputy with several mandates has one per congress).
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("活动类别"), max_length=16, choices=ActivityKind.choices, db_index=True)
    title = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("日期"), db_index=True)
    description = models.TextField(_("情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("其他履职活动")
        verbose_name_plural = _("其他履职活动")
        indexes = [models.Index(fields=["deputy", "date"])]
        ordering = ["-date", "pk"]

    def __str__(self):
        return f"{self.deputy} · {self.title}"


class ScoringRuleSet(models.Model):
    """A published set of scoring rules (履职评分细则), in force from a year on until
    a later set replaces it."""

    name = models.CharField(_("名称"), max_length=128)
    effective_from_year = models.PositiveSmallIntegerField(_("起始年度"), unique=True)
    description = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履职评分细则")
        verbose_name_plural = _("履职评分细则")
        ordering = ["-effective_from_year"]

    def __str__(self):
        return self.name

    @classmethod
    def for_year(cls, year):
        return cls.objects.filter(effective_from_year__lte=year).order_by("-effective_from_year").first()


class ScoringItem(models.Model):
    """One line of the scoring rules: points per unit of a metric, with an optional cap.
    The metric is one of the figures the duty-record sources produce."""

    rule_set = models.ForeignKey(ScoringRuleSet, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="items")
    metric = models.CharField(_("计分项目"), max_length=48)
    label = models.CharField(_("显示名称"), max_length=64, blank=True, help_text=_("留空则使用计分项目名称。"))
    points_per_unit = models.DecimalField(_("每项分值"), max_digits=6, decimal_places=2)
    max_points = models.DecimalField(_("最高分"), max_digits=7, decimal_places=2, null=True, blank=True, help_text=_("留空表示不封顶。"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分项目")
        verbose_name_plural = _("评分项目")
        constraints = [models.UniqueConstraint(fields=["rule_set", "metric"], name="one_item_per_metric")]
        ordering = ["rule_set_id", "position", "pk"]

    def __str__(self):
        # The metric's own label is the duty sources' (training.duty.sources);
        # the admin form and the API serializer check the metric against them.
        return self.label or self.metric


class DutyRecord(models.Model):
    """The computed yearly record of a deputy as a deputy of one congress (a
    deputy with provincial and county mandates has two), kept so staff lists can
    sort and filter 140,000 of them without recomputing. The deputy's own page
    always computes afresh; this snapshot is refreshed by ``refresh_duty_records``.
    ``congress`` is empty only on a snapshot stored before records were kept per
    congress (over all the deputy's work): no list shows it, and the year's next
    full refresh removes it."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="duty_records")
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="duty_records",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    metrics = models.JSONField(_("履职数据"), default=dict)
    score = models.DecimalField(_("履职得分"), max_digits=8, decimal_places=2, default=Decimal("0"))
    rule_set = models.ForeignKey(
        ScoringRuleSet, verbose_name=_("评分细则"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("履职档案")
        verbose_name_plural = _("履职档案")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "congress", "year"], name="one_duty_record_per_congress_and_year"),
        ]
        indexes = [models.Index(fields=["year", "-score"]), models.Index(fields=["congress", "year", "-score"], name="duty_record_congress_rank")]
        ordering = ["-year", "-score", "deputy_id"]

    def __str__(self):
        return f"{self.deputy} · {self.year}"


def year_bounds(year):
    """The first and last day of a year, as dates."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
