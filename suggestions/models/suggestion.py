"""The suggestion itself, with what belongs to it alone: its attachments,
co-signatures, key supervision, disclosure decisions and its event timeline;
and the admin's proxy screens over the same table."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_portal.accounts import roles
from congress_portal.transitions import move_label
from congress_portal.uploads import stored_name
from deputies.models import Level, Mandate, MandateStatus, chinese_number

from .assignment import Assignment
from .choices import (
    AWAITING_REPLY,
    LEAD_UNIT_FIRST,
    OPEN_STATUSES,
    CoSignState,
    Disclosure,
    HandlingMode,
    Status,
)
from .reference import SuggestionCategory


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Lists are scoped here: staff see their own congress's items, a unit
        what is assigned to it, a deputy what they led or were asked to
        co-sign, everyone else the published items. A draft is seen by its
        author only (not by staff, units, the co-signers it names, or the public)."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self.submitted(), user)
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
            return self.filter(
                Q(lead_deputy=deputy)
                | (Exists(cosigned) & ~Q(status=Status.DRAFT))
                # 全团建议: the delegation's head sees it once the contact has sent it.
                | (Q(delegation__head=deputy) & ~Q(status=Status.DRAFT))
            )
        return self.published()  # never a draft: drafts are not published

    def supervised_by(self, user):
        """Figures and comparisons: a staff user's own congress and those below
        it (read-only); for anyone else the same as ``visible_to``."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self.submitted(), user, supervise=True)
        return self.visible_to(user)

    def submitted(self):
        """Everything but drafts (and 全团建议 not yet approved by the head): what the lists, figures and exports count."""
        return self.exclude(status__in=(Status.DRAFT, Status.AWAITING_HEAD))

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


def congress_id_for(lead_deputy_id, session, level):
    """The congress a suggestion belongs to: its session's, else the congress of
    the lead deputy's serving mandate at ``level`` (the latest one)."""
    if session is not None:
        return session.term.congress_id
    mandates = Mandate.objects.filter(deputy_id=lead_deputy_id, status=MandateStatus.SERVING).order_by("-start_date", "-pk")
    return (
        mandates.filter(level=level).values_list("congress_id", flat=True).first()
        or mandates.values_list("congress_id", flat=True).first()
    )


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
    # The congress the suggestion is addressed to: its session's, else that of
    # the lead deputy's mandate at ``deputy_level``. Its staff act on it.
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="suggestions",
    )
    # The level of the congress the suggestion is addressed to (the lead deputy's mandate there).
    deputy_level = models.CharField(_("代表层级"), max_length=16, choices=Level.choices, default=Level.PROVINCIAL, db_index=True)
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    # 全团建议: proposed in the name of a delegation (the lead deputy is the contact who drafted it).
    delegation = models.ForeignKey(
        "deputies.Delegation", verbose_name=_("代表团（全团建议）"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="suggestions",
    )
    # The number as officers write it (湖南省十四届二次会议第0009号, 2026年闭会期间第0045号): the
    # bare number repeats across sessions and congresses, so pages and documents show this.
    reference = models.CharField(_("建议编号"), max_length=64, blank=True, db_index=True)
    disclosure_consent = models.BooleanField(_("同意公开"), default=True)
    entered_by_staff = models.BooleanField(_("工作人员代为录入"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Written only by suggestions.workflow.transition.
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    handling_mode = models.CharField(_("办理方式"), max_length=8, choices=HandlingMode.choices, blank=True)
    not_registered_reason = models.TextField(_("不作为代表建议处理的理由"), blank=True)
    forwarded_as_letter = models.BooleanField(_("转为来信处理"), default=False)
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    registered_at = models.DateTimeField(_("审查通过时间"), null=True, blank=True)
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
                fields=["congress", "year", "number"], condition=Q(session__isnull=True, number__isnull=False),
                name="unique_number_per_congress_year",
            ),
            models.CheckConstraint(condition=Q(status="draft") | Q(category__isnull=False), name="category_unless_draft"),
        ]
        indexes = [
            models.Index(fields=["status", "reply_due_at"]),
            # The public list's keyset order (congress_portal/keyset.py): newest published first.
            models.Index(fields=["-published_at", "-id"], condition=Q(published_at__isnull=False), name="suggestion_published_order"),
            models.Index(fields=["-submitted_at", "-id"], name="suggestion_list_idx"),
            # The staff list filtered by one status (?status=assigned), in the same order: without it the
            # newest-first walk of suggestion_list_idx skips every row of the other states.
            models.Index(fields=["status", "-submitted_at", "-id"], name="suggestion_status_list"),
            # The overdue list (the dashboard's first ten, the staff page): open items by reply deadline.
            models.Index(fields=["reply_due_at", "id"], condition=Q(status__in=["assigned", "rehandling"]), name="suggestion_awaiting_due"),
        ]

    def __str__(self):
        if self.number:
            return f"{self.number_label} {self.title}"
        return self.title or str(_("（无标题草稿）"))

    def official_reference(self):
        """湖南省十四届二次会议第0009号, or 湖南省2026年闭会期间第0045号 between plenaries
        (each congress numbers its own items per year)."""
        if self.session_id:
            term = self.session.term
            return (f"{term.congress.place}{chinese_number(term.number)}届"
                    f"{chinese_number(self.session.number)}次会议第{self.number:04d}号")
        place = self.congress.place if self.congress_id else ""
        return f"{place}{self.year}年闭会期间第{self.number:04d}号"

    @property
    def number_label(self):
        if not self.number:
            return ""
        # The official reference is stored as officers write it (data); the
        # bare number is composed here, so it follows the reader's language.
        return self.reference or gettext("第%(number)s号") % {"number": f"{self.number:04d}"}

    @property
    def is_overdue(self):
        return self.status in AWAITING_REPLY and self.reply_due_at is not None and self.reply_due_at < timezone.now()

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def is_published(self):
        return self.published_at is not None and self.disclosure in (Disclosure.FULL, Disclosure.SUMMARY)

    def save(self, *args, **kwargs):
        # Rows written without the services (factories, imports) still get their congress.
        if self.congress_id is None and self.lead_deputy_id is not None:
            self.congress_id = congress_id_for(self.lead_deputy_id, self.session, self.deputy_level)
        # A number given by hand (an import, a fixture) gets its official form too.
        if self.number and not self.reference:
            self.reference = self.official_reference()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "reference"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.session_id and self.year and self.session.year != self.year:
            raise ValidationError({"year": _("年度与会议年度不一致。")})


def attachment_path(instance, filename):
    # A random stored name (the name the user gave is the ``name`` field).
    return stored_name("suggestions", filename)


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
        # The co-sign reminder's windows (notifications/watermark.py).
        indexes = [models.Index(fields=["invited_at"], condition=Q(state="invited"), name="cosignature_invited_at")]

    def __str__(self):
        return f"{self.deputy} · {self.get_state_display()}"


class KeySupervision(models.Model):
    """重点督办: a committee leader leads it (牵头督办), a special committee follows it
    (对口督办), and a government leader takes it on (领办)."""

    suggestion = models.OneToOneField(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="key_supervision")
    supervising_leader = models.CharField(_("牵头督办领导"), max_length=64)
    supervising_committee = models.CharField(_("对口督办专门委员会"), max_length=64, blank=True)
    government_leader = models.CharField(_("领办领导"), max_length=64, blank=True)
    note = models.TextField(_("督办要求"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("标记人"), on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(_("确定时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点督办")
        verbose_name_plural = _("重点督办")

    def __str__(self):
        return str(self.suggestion)


class DisclosureDecision(models.Model):
    """Staff's decision on whether and how a suggestion and its reply are published;
    the latest one is copied onto the suggestion."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="disclosure_decisions")
    mode = models.CharField(_("公开方式"), max_length=12, choices=Disclosure.choices)
    reason = models.TextField(_("理由"), blank=True)
    summary = models.TextField(_("公开摘要"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.SET_NULL, null=True, related_name="+")
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
        indexes = [
            models.Index(fields=["suggestion", "at"]),
            # The reminder scan's catch-up reads the last two days' events, not the whole table.
            models.Index(fields=["at"], name="suggestion_event_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.move_label}"

    @property
    def move_label(self):
        return move_label(self, self.move)


# Admin screens over the same table (the review queue, the assignment screen, the overdue list).
class ReviewQueue(Suggestion):
    class Meta:
        proxy = True
        verbose_name = _("待审查的建议")
        verbose_name_plural = _("审查：待审查的建议")


class AssignmentQueue(Suggestion):
    class Meta:
        proxy = True
        verbose_name = _("待交办建议")
        verbose_name_plural = _("交办：审查通过待交办")


class OverdueSuggestion(Suggestion):
    class Meta:
        proxy = True
        verbose_name = _("逾期建议")
        verbose_name_plural = _("逾期未答复建议")
