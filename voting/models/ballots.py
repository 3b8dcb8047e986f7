"""The ballot at the plenary (票决): shortlist, review, roll, ballots, tally.

Secrecy of the ballot is a property of the schema, not only of the code:

* ``BallotParticipation`` says that a deputy has voted (and how: phone or
  paper); ``BallotContent`` says what one ballot said. There is no foreign key,
  no shared timestamp and no shared sequence between the two. A content row's
  key is a random UUID, it has no creation time, and the receipt code is kept
  only as a hash on the content row (the deputy holds the code).
* Both rows are written in one transaction, so while voting is open a database
  superuser could still correlate physical row order, transaction ids or the
  participation's sequential id; when voting closes ``services.close_voting``
  rewrites every content and participation row of the ballot in a random order
  in one transaction, which erases all three.
* No portal user sees either in an order that links them: the admin lists
  contents only once the ballot is tallied and participations by deputy name,
  without ids or detail pages (``voting/admin.py``).
* Neither table has simple_history: a history row carries a timestamp; and
  casting a ballot writes no event (``voting.lifecycles``).
"""
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .collection import Project, ProjectCall, ReviewStage


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
        verbose_name = _("参加票决代表名单")
        verbose_name_plural = _("参加票决代表名单")
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
