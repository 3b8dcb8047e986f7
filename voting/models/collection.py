"""The call for proposals (征集): policy, review stages, calls, proposals and
the projects built from them."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


# --------------------------------------------------------------------------- policy
class VotingPolicy(models.Model):
    """Policy values provinces change, edited by staff in the admin. A row with no
    congress is the default for every congress; a congress may have its own row."""

    congress = models.OneToOneField(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="voting_policy", help_text=_("留空表示所有人大的默认规则。"),
    )
    quorum_share = models.DecimalField(
        _("到会比例（须超过）"), max_digits=5, decimal_places=4, default=Decimal("0.5000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("到会代表须超过全体代表的该比例，票决方为有效。默认0.5，即过半数。"),
    )
    majority_share = models.DecimalField(
        _("赞成票比例（须超过）"), max_digits=5, decimal_places=4, default=Decimal("0.5000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("候选项目获得的赞成票须超过全体代表的该比例方可当选。默认0.5，即过半数。"),
    )
    public_proposals_per_hour = models.PositiveSmallIntegerField(
        _("公众每小时可提交项目数"), default=5, help_text=_("同一来源地址每小时最多提交的建议项目数。")
    )
    report_interval_days = models.PositiveSmallIntegerField(_("进展报告周期（天）"), default=30)
    report_reminder_days = models.PositiveSmallIntegerField(_("进展报告提前提醒（天）"), default=5)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("票决规则")
        verbose_name_plural = _("票决规则")
        constraints = [
            models.UniqueConstraint(fields=["congress"], condition=models.Q(congress__isnull=True), name="one_default_voting_policy"),
        ]

    def __str__(self):
        return str(self.congress) if self.congress_id else str(_("默认规则"))

    @classmethod
    def default_row(cls):
        """The row every congress without its own follows (created with the defaults)."""
        policy, _created = cls.objects.get_or_create(congress=None)
        return policy

    @classmethod
    def for_congress(cls, congress_id):
        """The congress's own row, else the default row, else the domain defaults."""
        rows = {p.congress_id: p for p in cls.objects.filter(models.Q(congress_id=congress_id) | models.Q(congress__isnull=True))}
        return rows.get(congress_id) or rows.get(None) or cls()


class ReviewStage(models.Model):
    """One of the review stages a shortlist passes (三审). Rows with no congress are
    the default sequence; a congress that defines its own rows uses only those."""

    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("审议环节"), max_length=64)

    class Meta:
        verbose_name = _("审议环节")
        verbose_name_plural = _("审议环节")
        ordering = ["congress_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "order"], name="unique_review_stage_order"),
            models.UniqueConstraint(fields=["order"], condition=models.Q(congress__isnull=True), name="unique_default_review_stage_order"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def sequence_for(cls, congress_id):
        own = list(cls.objects.filter(congress_id=congress_id).order_by("order"))
        return own or list(cls.objects.filter(congress__isnull=True).order_by("order"))


# --------------------------------------------------------------------------- collection
class ProjectCall(models.Model):
    """A call for candidate projects (项目征集) of one congress for one year."""

    class RatingStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("未开始")
        OPEN = "open", _("测评中")
        PUBLISHED = "published", _("已公布")

    congress = models.ForeignKey("deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="project_calls")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=128)
    description = models.TextField(_("征集说明"), blank=True)
    opens_on = models.DateField(_("征集开始"))
    closes_on = models.DateField(_("征集截止"))
    rating_status = models.CharField(
        _("满意度测评"), max_length=16, choices=RatingStatus.choices, default=RatingStatus.NOT_STARTED, editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目征集")
        verbose_name_plural = _("项目征集")
        ordering = ["-year", "congress_id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year"], name="one_project_call_per_congress_year"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="project_call_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.congress} · {self.year}"

    def is_open_on(self, day):
        return self.opens_on <= day <= self.closes_on


class ProposalSource(models.TextChoices):
    PUBLIC = "public", _("社会公众")
    DEPUTY = "deputy", _("人大代表")
    DEPARTMENT = "department", _("政府部门")


class ProjectStatus(models.TextChoices):
    CANDIDATE = "candidate", _("待审候选")
    RESERVE = "reserve", _("储备库")
    SHORTLISTED = "shortlisted", _("列入票决")
    CHOSEN = "chosen", _("票决当选")
    NOT_CHOSEN = "not_chosen", _("票决未当选")
    MERGED = "merged", _("已合并")
    COMPLETED = "completed", _("已完成")


class Project(models.Model):
    """A livelihood project: built by staff from one or more proposals; it goes
    through review, the ballot and, when chosen, implementation."""

    congress = models.ForeignKey("deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="livelihood_projects")
    call = models.ForeignKey(ProjectCall, verbose_name=_("征集年度"), on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("项目名称"), max_length=128)
    description = models.TextField(_("项目内容"))
    estimated_budget = models.DecimalField(_("估算投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    responsible_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("责任单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="livelihood_projects"
    )
    area = models.CharField(_("实施区域"), max_length=128, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.CANDIDATE, db_index=True, editable=False)
    merged_into = models.ForeignKey("self", verbose_name=_("合并至"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged_projects", editable=False)
    percent_done = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0, editable=False, validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["-call__year", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent_done__lte=100), name="project_percent_at_most_100"),
        ]

    def __str__(self):
        return self.title


class Proposal(models.Model):
    """A proposed project from the public, a deputy or a department."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待处理")
        ADOPTED = "adopted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    call = models.ForeignKey(ProjectCall, verbose_name=_("项目征集"), on_delete=models.PROTECT, related_name="proposals")
    source = models.CharField(_("来源"), max_length=16, choices=ProposalSource.choices)
    title = models.CharField(_("项目名称"), max_length=128)
    description = models.TextField(_("项目内容"))
    estimated_budget = models.DecimalField(_("估算投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    responsible_department = models.CharField(_("建议责任单位"), max_length=128, blank=True)
    area = models.CharField(_("实施区域"), max_length=128, blank=True)
    # The public may leave a name and a way to reach them: staff only.
    proposer_name = models.CharField(_("建议人"), max_length=64, blank=True)
    proposer_contact = models.CharField(_("联系方式"), max_length=64, blank=True)
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("提出代表"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey("deputies.HandlingUnit", verbose_name=_("提出部门"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交账号"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A keyed hash of the sender's address, only for the public form's rate limit.
    client_fingerprint = models.CharField(_("来源标识（摘要）"), max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True, editable=False)
    project = models.ForeignKey(Project, verbose_name=_("归入项目"), on_delete=models.PROTECT, null=True, blank=True, related_name="proposals", editable=False)
    staff_note = models.CharField(_("处理意见"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("征集建议项目")
        verbose_name_plural = _("征集建议项目")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title
