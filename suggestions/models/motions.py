"""议案 motions: proposed at a session by a delegation (代表团) or jointly by at
least the legal number of deputies of that congress, before the session's
proposal deadline. The presidium (主席团) places a motion on the agenda and
refers it to a special committee, whose review report is recorded later, or
does not, and it is then handled as a suggestion with its signers (linked both
ways: ``Motion.suggestion`` and ``Suggestion.motion``).

``status`` is written only by ``suggestions.lifecycles.MOTIONS``."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress_portal.accounts import roles
from congress_portal.transitions import move_label
from deputies.models import Level

# The law's numbers (地方组织法、全国人大议事规则); staff change them per level.
DEFAULT_JOINT_SIGNERS = 10
LEGAL_JOINT_SIGNERS = {Level.NATIONAL: 30, Level.TOWNSHIP: 5}


class MotionThreshold(models.Model):
    """How many deputies of a congress of this level must jointly propose a
    motion (provincial: 10). A level without a row uses the law's number."""

    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, unique=True)
    min_joint_signers = models.PositiveSmallIntegerField(_("联名提出议案最少代表人数"), default=DEFAULT_JOINT_SIGNERS)

    class Meta:
        verbose_name = _("议案联名人数")
        verbose_name_plural = _("议案联名人数")
        ordering = ["level"]

    def __str__(self):
        return f"{self.get_level_display()}：{self.min_joint_signers}"

    @classmethod
    def for_level(cls, level):
        row = cls.objects.filter(level=level).first()
        return row.min_joint_signers if row else LEGAL_JOINT_SIGNERS.get(level, DEFAULT_JOINT_SIGNERS)


class ProposalWindow(models.Model):
    """The time within which motions may be proposed at a session (set by the
    presidium). Without a row: from the opening day to the end of the closing day."""

    session = models.OneToOneField(
        "deputies.Session", verbose_name=_("会议"), on_delete=models.CASCADE, related_name="proposal_window"
    )
    opens_at = models.DateTimeField(_("开始提出时间"))
    closes_at = models.DateTimeField(_("议案截止时间"))

    class Meta:
        verbose_name = _("议案提出期限")
        verbose_name_plural = _("议案提出期限")

    def __str__(self):
        return str(self.session)

    @staticmethod
    def bounds(session):
        """(opens_at, closes_at) of ``session``'s window."""
        window = ProposalWindow.objects.filter(session=session).first()
        if window is not None:
            return window.opens_at, window.closes_at
        opens = timezone.make_aware(datetime.datetime.combine(session.start_date, datetime.time.min))
        closes = timezone.make_aware(datetime.datetime.combine(session.end_date, datetime.time.max))
        return opens, closes


class MotionStatus(models.TextChoices):
    # A deputy's online draft, gathering joint signers (services.motion_drafts); staff do not see it.
    DRAFT = "draft", _("草稿，征集联名中")
    # A delegation's motion, sent by its contact to the head (团长) for approval before it is proposed.
    AWAITING_HEAD = "awaiting_head", _("待团长审定")
    SUBMITTED = "submitted", _("待主席团决定")
    WITHDRAWN = "withdrawn", _("已撤回")
    ON_AGENDA = "on_agenda", _("列入议程，交专门委员会审议")
    REPORTED = "reported", _("专门委员会已提出审议结果报告")
    AS_SUGGESTION = "as_suggestion", _("不列入议程，作为建议处理")


class MotionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their own congress's motions (not the deputies' drafts nor
        those awaiting a delegation head); a deputy those they led, signed or
        were invited to sign, and a delegation's head its motions once sent to them."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self, user, "session__term__congress").exclude(
                status__in=[MotionStatus.DRAFT, MotionStatus.AWAITING_HEAD]
            )
        deputy = roles.deputy_of(user)
        if deputy is not None:
            signed = MotionSigner.objects.filter(motion=models.OuterRef("pk"), deputy=deputy)
            invited = MotionInvitation.objects.filter(motion=models.OuterRef("pk"), deputy=deputy)
            headed = Q(delegation__head=deputy) & ~Q(status=MotionStatus.DRAFT)
            return self.filter(Q(lead_deputy=deputy) | models.Exists(signed) | models.Exists(invited) | headed)
        return self.none()


class Motion(models.Model):
    session = models.ForeignKey(
        "deputies.Session", verbose_name=_("会议"), on_delete=models.PROTECT, related_name="motions"
    )
    # Given when the motion is proposed (a draft has none).
    number = models.PositiveIntegerField(_("议案编号"), null=True, blank=True)
    title = models.CharField(_("案由"), max_length=200)
    content = models.TextField(_("案据和方案"))
    # A delegation's motion names it; a joint motion has none and at least the legal number of signers.
    delegation = models.ForeignKey(
        "deputies.Delegation", verbose_name=_("提出代表团"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="motions",
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("领衔代表"), on_delete=models.PROTECT, related_name="led_motions"
    )
    signers = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("联名代表"), through="MotionSigner", related_name="signed_motions"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=MotionStatus.choices, default=MotionStatus.SUBMITTED, editable=False
    )
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("主席团决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("主席团决定"), blank=True)
    committee = models.CharField(_("审议的专门委员会"), max_length=64, blank=True)
    review_report = models.TextField(_("审议结果报告"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    suggestion = models.OneToOneField(
        "Suggestion", verbose_name=_("作为建议处理"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="motion",
    )

    objects = MotionQuerySet.as_manager()

    class Meta:
        verbose_name = _("议案")
        verbose_name_plural = _("议案")
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="unique_motion_number_per_session")]
        indexes = [models.Index(fields=["lead_deputy", "-id"], name="motion_lead_list")]

    def __str__(self):
        return f"{self.number_label} {self.title}"

    @property
    def number_label(self):
        if self.number is None:
            return gettext("议案草稿")
        return gettext("第%(number)s号议案") % {"number": f"{self.number:03d}"}

    @property
    def is_draft(self):
        return self.status == MotionStatus.DRAFT

    @property
    def is_delegation_motion(self):
        return self.delegation_id is not None


class MotionSigner(models.Model):
    """A deputy who signed a joint motion (the lead deputy included)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="signatures")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("联名代表"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("议案联名")
        verbose_name_plural = _("议案联名")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["motion", "deputy"], name="one_signature_per_deputy")]
        indexes = [models.Index(fields=["deputy", "motion"], name="motion_signer_deputy")]

    def __str__(self):
        return str(self.deputy)


class InvitationState(models.TextChoices):
    INVITED = "invited", _("待答复")
    AGREED = "agreed", _("同意联名")
    DECLINED = "declined", _("不同意联名")


class MotionInvitation(models.Model):
    """A deputy invited to sign a draft motion online; those who agree are
    its signers when it is proposed (``MotionSigner``)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="invitations")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("受邀代表"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("答复"), max_length=16, choices=InvitationState.choices, default=InvitationState.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # The event that sent the invitation (its notice goes to the deputies it invited).
    invited_in = models.ForeignKey("MotionEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("议案联名邀请")
        verbose_name_plural = _("议案联名邀请")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["motion", "deputy"], name="one_invitation_per_deputy")]
        indexes = [models.Index(fields=["deputy", "state"], name="motion_invitation_deputy")]

    def __str__(self):
        return str(self.deputy)


class MotionEvent(models.Model):
    motion = models.ForeignKey(Motion, verbose_name=_("议案"), on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, choices=MotionStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=MotionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("议案办理记录")
        verbose_name_plural = _("议案办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["motion", "at"]), models.Index(fields=["at"], name="motion_event_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.move_label}"

    @property
    def move_label(self):
        return move_label(self, self.move)
