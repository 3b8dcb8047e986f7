"""Livelihood project ballots (民生实事项目人大代表票决制), for many congresses at once.

The cycle: a call for proposals per congress and year (征集), proposals merged
into projects with a reserve pool, the shortlist's review stages (三审), the
ballot at the plenary (票决), implementation with milestones, progress reports
and inspections (督), and the year-end rating (评).

Secrecy of the ballot is a property of the schema, not only of the code:

* ``BallotParticipation`` says that a deputy has voted (and how: phone or
  paper); ``BallotContent`` says what one ballot said. There is no foreign key,
  no shared timestamp and no shared sequence between the two. A content row's
  key is a random UUID, it has no creation time, and the receipt code is kept
  only as a hash on the content row (the deputy holds the code).
* Both rows are written in one transaction, so while voting is open a database
  superuser could still correlate physical row order or transaction ids; when
  voting closes ``services.close_voting`` rewrites every content row of the
  ballot in a random order in one transaction, which erases both.
* Neither table has simple_history: a history row carries a timestamp.
"""
import uuid
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
    client_fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
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


# --------------------------------------------------------------------------- the ballot
class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("拟定候选项目")
    REVIEW = "review", _("审议中")
    READY = "ready", _("待票决")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("投票结束")
    TALLIED = "tallied", _("已计票")
    PUBLISHED = "published", _("已公布")
    INVALID = "invalid", _("无效（未达法定人数）")


class BallotQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=BallotStatus.PUBLISHED)


class Ballot(models.Model):
    """One ballot at a plenary: a shortlist of candidates of which ``seats`` (N)
    are to be chosen. Thresholds are copied from the policy when voting opens."""

    congress = models.ForeignKey("deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="ballots")
    call = models.ForeignKey(ProjectCall, verbose_name=_("项目征集"), on_delete=models.PROTECT, related_name="ballots")
    session = models.ForeignKey("deputies.Session", verbose_name=_("会议"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("票决名称"), max_length=128)
    seats = models.PositiveSmallIntegerField(_("应选项目数"), validators=[MinValueValidator(1)])
    runoff_of = models.ForeignKey("self", verbose_name=_("再次投票所针对的票决"), on_delete=models.PROTECT, null=True, blank=True, related_name="runoffs", editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=BallotStatus.choices, default=BallotStatus.DRAFT, db_index=True, editable=False)
    # Frozen when voting opens.
    electorate_size = models.PositiveIntegerField(_("全体代表人数"), null=True, blank=True, editable=False)
    quorum_share = models.DecimalField(_("到会比例（须超过）"), max_digits=5, decimal_places=4, null=True, blank=True, editable=False)
    majority_share = models.DecimalField(_("赞成票比例（须超过）"), max_digits=5, decimal_places=4, null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(_("开始投票"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结束投票"), null=True, blank=True, editable=False)
    tallied_at = models.DateTimeField(_("计票时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("票决")
        verbose_name_plural = _("票决")
        ordering = ["-call__year", "congress_id", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(seats__gte=1), name="ballot_seats_positive")]

    def __str__(self):
        return self.title

    @property
    def quorum_needed(self):
        """The smallest attendance that is 'more than quorum_share of all deputies'."""
        return _more_than(self.electorate_size, self.quorum_share)

    @property
    def majority_needed(self):
        return _more_than(self.electorate_size, self.majority_share)


def _more_than(total, share):
    if total is None or share is None:
        return None
    # Integers only: the smallest n with n > total * share.
    return int((Decimal(total) * share).to_integral_value(rounding="ROUND_FLOOR")) + 1


class BallotCandidate(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="candidates")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="candidacies")
    order = models.PositiveSmallIntegerField(_("票面顺序"))

    class Meta:
        verbose_name = _("候选项目")
        verbose_name_plural = _("候选项目")
        ordering = ["ballot_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="unique_candidate_project"),
            models.UniqueConstraint(fields=["ballot", "order"], name="unique_candidate_order"),
        ]

    def __str__(self):
        return f"{self.order}. {self.project}"


class ReviewDecision(models.Model):
    """One review stage's decision on a ballot's shortlist, with its date."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("通过")
        RETURNED = "returned", _("退回调整")

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="review_decisions")
    stage = models.ForeignKey(ReviewStage, verbose_name=_("审议环节"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    decided_on = models.DateField(_("审议日期"))
    decision = models.CharField(_("审议结果"), max_length=16, choices=Decision.choices)
    note = models.TextField(_("审议意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审议记录")
        verbose_name_plural = _("审议记录")
        ordering = ["ballot_id", "round", "stage__order"]
        constraints = [models.UniqueConstraint(fields=["ballot", "round", "stage"], name="one_decision_per_stage_round")]

    def __str__(self):
        return f"{self.stage} · {self.get_decision_display()}"


class Elector(models.Model):
    """A deputy on the frozen roll of one ballot, with their attendance."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="electors")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="ballot_rolls")
    mandate = models.ForeignKey("deputies.Mandate", verbose_name=_("代表资格"), on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("出席"), default=False)

    class Meta:
        verbose_name = _("选举人名册")
        verbose_name_plural = _("选举人名册")
        ordering = ["ballot_id", "deputy__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["ballot", "deputy"], name="one_roll_entry_per_deputy")]

    def __str__(self):
        return str(self.deputy)


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("电子表决")
    PAPER = "paper", _("纸质选票")


class PaperBatch(models.Model):
    """A counted batch of paper ballots entered by staff."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.PROTECT, related_name="paper_batches")
    label = models.CharField(_("批次"), max_length=64)
    ballots_count = models.PositiveIntegerField(_("选票张数"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纸质选票批次")
        verbose_name_plural = _("纸质选票批次")
        constraints = [models.UniqueConstraint(fields=["ballot", "label"], name="unique_paper_batch_label")]

    def __str__(self):
        return self.label


class BallotParticipation(models.Model):
    """That a deputy has voted in a ballot: never what they voted. One row per
    deputy and ballot, enforced by the database."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.PROTECT, related_name="participations")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="ballot_participations")
    channel = models.CharField(_("方式"), max_length=16, choices=Channel.choices)
    paper_batch = models.ForeignKey(PaperBatch, verbose_name=_("纸质选票批次"), on_delete=models.PROTECT, null=True, blank=True, related_name="participations")

    class Meta:
        verbose_name = _("投票记录（仅记录已投票）")
        verbose_name_plural = _("投票记录（仅记录已投票）")
        constraints = [models.UniqueConstraint(fields=["ballot", "deputy"], name="one_ballot_per_deputy")]

    def __str__(self):
        return f"{self.deputy} · {self.ballot}"


class Choice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class BallotContent(models.Model):
    """What one ballot said: {candidate id: choice}. No deputy, no time, a random key.
    A paper ballot approving more than N is kept as invalid (废票)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.PROTECT, related_name="contents")
    marks = models.JSONField(_("票面内容"))
    is_valid = models.BooleanField(_("有效票"), default=True)
    receipt_hash = models.CharField(_("回执校验值"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("选票内容")
        verbose_name_plural = _("选票内容")
        # Ordering by the random key: no listing reveals the order ballots came in.
        ordering = ["ballot_id", "id"]

    def __str__(self):
        return str(self.id)


class CandidateResult(models.Model):
    """The result sheet's line for one candidate, written by the tally."""

    class Outcome(models.TextChoices):
        CHOSEN = "chosen", _("当选")
        RUNOFF = "runoff", _("票数相同，需再次投票")
        NO_MAJORITY = "no_majority", _("赞成票未过半数，未当选")
        OUTRANKED = "outranked", _("名次在应选数之外，未当选")

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="results")
    candidate = models.OneToOneField(BallotCandidate, verbose_name=_("候选项目"), on_delete=models.CASCADE, related_name="result")
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("反对"))
    votes_abstain = models.PositiveIntegerField(_("弃权"))
    rank = models.PositiveSmallIntegerField(_("名次"))
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)

    class Meta:
        verbose_name = _("计票结果")
        verbose_name_plural = _("计票结果")
        ordering = ["ballot_id", "rank", "candidate__order"]

    def __str__(self):
        return f"{self.candidate} · {self.get_outcome_display()}"


class TallySummary(models.Model):
    """The ballot's totals, written by the tally next to the per-candidate lines."""

    ballot = models.OneToOneField(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="summary")
    electorate_size = models.PositiveIntegerField(_("全体代表人数"))
    present = models.PositiveIntegerField(_("出席人数"))
    ballots_cast = models.PositiveIntegerField(_("收回选票"))
    ballots_valid = models.PositiveIntegerField(_("有效票"))
    ballots_invalid = models.PositiveIntegerField(_("无效票"))
    majority_needed = models.PositiveIntegerField(_("当选所需赞成票"))
    runoff_seats = models.PositiveSmallIntegerField(_("需再次投票的名额"), default=0)
    tallied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计票人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("计票汇总")
        verbose_name_plural = _("计票汇总")

    def __str__(self):
        return str(self.ballot)


# --------------------------------------------------------------------------- implementation
class Milestone(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=128)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project_id", "due_on", "pk"]

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    """A progress report from the responsible unit, with percent done."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_reports")
    reported_on = models.DateField(_("报告日期"))
    percent_done = models.PositiveSmallIntegerField(_("完成进度（%）"), validators=[MaxValueValidator(100)])
    narrative = models.TextField(_("进展情况"))
    problems = models.TextField(_("存在问题"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["project_id", "-reported_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(percent_done__lte=100), name="report_percent_at_most_100")]

    def __str__(self):
        return f"{self.project} · {self.reported_on}"


class ProgressPhoto(models.Model):
    report = models.ForeignKey(ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="voting/progress/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self):
        return self.caption or self.image.name


class Inspection(models.Model):
    """An inspection of a project by deputies (代表视察)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("视察日期"))
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("参加代表"), related_name="+")
    findings = models.TextField(_("视察意见"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("代表视察")
        verbose_name_plural = _("代表视察")
        ordering = ["project_id", "-inspected_on"]

    def __str__(self):
        return f"{self.project} · {self.inspected_on}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    NOT = "not", _("不满意")


class ProjectRating(models.Model):
    """A deputy's year-end rating of one chosen project. Published only as totals."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="ratings")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("测评结果"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_at = models.DateTimeField(_("测评时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        constraints = [models.UniqueConstraint(fields=["project", "deputy"], name="one_rating_per_deputy_project")]

    def __str__(self):
        return f"{self.project} · {self.get_rating_display()}"
