"""One unit's part in handling a suggestion (an Assignment), and what the
unit does on it before the reply: a re-assignment request, a co-handling
opinion, contacts with the deputy."""
from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import LEAD_UNIT_FIRST, AssignmentState, ContactMethod, ContactStage, Decision, UnitRole


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


# The unit inbox's order (selectors.unit_inbox_open_first): items waiting to be
# acknowledged first (the re-assignment window runs from assignment), then the
# other open ones, then those the unit has answered; each by the nearest
# deadline (a reply, or a co-handling unit's opinion). The same expressions
# are the index "assignment_inbox_order", so a page is read off the index
# instead of sorting every item the unit ever had.
INBOX_RANK = Case(
    When(state=AssignmentState.PENDING, then=0),
    When(state__in=[AssignmentState.REPLIED, AssignmentState.OPINION_SUBMITTED], then=2),
    default=1, output_field=IntegerField(),
)
INBOX_DUE = Coalesce("reply_due_at", "opinion_due_at")


class Assignment(models.Model):
    """One unit's part in handling one suggestion, with its own dates and state."""

    suggestion = models.ForeignKey("Suggestion", verbose_name=_("建议"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("deputies.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("承办类型"), max_length=8, choices=UnitRole.choices)
    part = models.CharField(_("分办事项"), max_length=255, blank=True)
    state = models.CharField(_("办理状态"), max_length=24, choices=AssignmentState.choices, default=AssignmentState.PENDING)
    is_active = models.BooleanField(_("有效"), default=True)
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交办人"), on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reassignment_deadline = models.DateField(_("申请调整截止"), null=True, blank=True)
    opinion_due_at = models.DateTimeField(_("协办意见期限"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # The first reply's due date and time, kept when re-handling sets a new
    # due date and clears replied_at: the on-time rate counts first replies.
    first_reply_due_at = models.DateTimeField(_("首次答复期限"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
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
        indexes = [
            models.Index(fields=["unit", "is_active", "reply_due_at"]),
            models.Index(F("unit"), INBOX_RANK, INBOX_DUE, F("id"), condition=Q(is_active=True),
                         name="assignment_inbox_order"),
            # The reminder scan's windows (notifications/watermark.py): a range of due or start dates per stage.
            models.Index(fields=["reply_due_at"], condition=Q(is_active=True), name="assignment_reply_due"),
            models.Index(fields=["opinion_due_at"], condition=Q(is_active=True, role="co"), name="assignment_opinion_due"),
            models.Index(fields=["assigned_at"], condition=Q(is_active=True, state="pending"),
                         name="assignment_pending_since"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def owes_reply(self):
        return self.role in (UnitRole.LEAD, UnitRole.SPLIT)

    @property
    def first_reply_late(self):
        """Whether the first reply came after its due date (None before it is given)."""
        if self.first_replied_at is None:
            return None
        return bool(self.first_reply_due_at and self.first_replied_at > self.first_reply_due_at)


class ReassignmentRequest(models.Model):
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE, related_name="reassignment_requests")
    reason = models.TextField(_("申请理由"))
    suggested_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("建议改由单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decision = models.CharField(_("审批结果"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    new_assignment = models.ForeignKey(Assignment, verbose_name=_("调整后的交办"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

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
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协办意见")
        verbose_name_plural = _("协办意见")
        ordering = ["submitted_at"]

    def __str__(self):
        return str(self.assignment)


class ContactLog(models.Model):
    suggestion = models.ForeignKey("Suggestion", verbose_name=_("建议"), on_delete=models.CASCADE, related_name="contacts")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE, related_name="contacts")
    stage = models.CharField(_("阶段"), max_length=8, choices=ContactStage.choices)
    method = models.CharField(_("方式"), max_length=8, choices=ContactMethod.choices)
    contacted_at = models.DateTimeField(_("联系时间"))
    note = models.TextField(_("情况记录"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+")
    logged_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["contacted_at"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.contacted_at:%Y-%m-%d}"
