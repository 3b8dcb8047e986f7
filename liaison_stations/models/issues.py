"""The issues constituents raise (at a visit or by a message) and their
lifecycle: the table of moves, who may make each, and the event rows."""
import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from congress_portal import transitions
from congress_portal.accounts import roles

from .. import permissions
from .stations import Station, Stationing
from .visits import Visit


# Crockford's base32 without I, L, O and U: nothing to mistake when read aloud or typed from a phone.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_CODE_LENGTH = 8  # 32**8 ≈ 1.1e12 codes: guessing one is hopeless at the lookup rate limit
# What people type for what they mean (Crockford's decoding), besides lower case.
_TRACKING_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_tracking_code():
    """A fresh random tracking code (查询码) from ``secrets``; the unique constraint decides collisions."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def normalise_tracking_code(text):
    """The stored form of a code as typed ("abcd-efgh", "ABCD EFGH", "O" for "0"), or "" when it cannot be one."""
    code = "".join((text or "").split()).replace("-", "").upper().translate(_TRACKING_READS_AS)
    if len(code) != TRACKING_CODE_LENGTH or any(c not in TRACKING_ALPHABET for c in code):
        return ""
    return code


def format_tracking_code(code):
    """Two groups of four, as printed and read aloud: ``ABCD-EFGH``."""
    half = TRACKING_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


class IssueCategory(models.Model):
    """Categories of issues are data: provinces keep their own lists."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class IssueSource(models.TextChoices):
    VISIT = "visit", _("来访登记")
    MESSAGE = "message", _("扫码留言")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ANSWERED = "answered", _("当场答复")
    FORWARDED = "forwarded", _("已转办")
    FEEDBACK = "feedback", _("单位已反馈")
    SUGGESTION = "suggestion", _("已转为代表建议")
    CLOSED = "closed", _("已办结")


RESOLVED_STATUSES = (IssueStatus.ANSWERED, IssueStatus.FEEDBACK, IssueStatus.SUGGESTION, IssueStatus.CLOSED)
# The states in which the station has released an answer (on the spot, or by closing the issue):
# the person who raised it sees the answer and may rate it.
RELEASED_STATUSES = (IssueStatus.ANSWERED, IssueStatus.CLOSED)


class ConstituentRating(models.TextChoices):
    """The person's own word on the answer (the same three grades deputies give replies)."""

    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


SATISFIED_RATINGS = (ConstituentRating.SATISFIED, ConstituentRating.MOSTLY)


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        if roles.is_staff_member(user):  # its own congress's stations
            return roles.scope_to_congress(self.all(), user, "station__congress")
        if roles.is_station_keeper(user):
            return self.filter(station__keepers=user)
        unit_id = roles.unit_id_of(user)
        if unit_id is not None:
            return self.filter(forwarded_unit_id=unit_id)
        deputy = roles.deputy_of(user)
        if deputy is not None:
            stations = Stationing.objects.filter(deputy=deputy, is_active=True).values("station_id")
            return self.filter(station_id__in=stations)
        return self.none()

    def supervised_by(self, user):
        """To read, not to act: a staff user's own congress's stations' issues and
        those of the congresses below it; for anyone else the same as ``visible_to``."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self.all(), user, "station__congress", supervise=True)
        return self.visible_to(user)

    def open(self):
        return self.exclude(status=IssueStatus.CLOSED)

    def unsatisfied(self):
        """Released answers the person rated 不满意 and the station has not taken up again: the keeper's follow-up list."""
        return self.filter(status__in=RELEASED_STATUSES, rating=ConstituentRating.NOT_SATISFIED)

    def feedback_overdue(self, today=None):
        """Forwarded issues whose unit has not fed back by the due date (the reminder scan reads this)."""
        today = today or timezone.localdate()
        return self.filter(status=IssueStatus.FORWARDED, feedback_due_on__lt=today, feedback_at__isnull=True)

    def feedback_due_soon(self, *, days, today=None):
        today = today or timezone.localdate()
        return self.filter(
            status=IssueStatus.FORWARDED,
            feedback_at__isnull=True,
            feedback_due_on__gte=today,
            feedback_due_on__lte=today + datetime.timedelta(days=days),
        )


class Issue(models.Model):
    """An issue a constituent raised, at a visit or by a message, and what became of it."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.PROTECT, related_name="issues")
    source = models.CharField(_("来源"), max_length=16, choices=IssueSource.choices, default=IssueSource.VISIT)
    visit = models.ForeignKey(
        Visit, verbose_name=_("来访登记"), on_delete=models.CASCADE, null=True, blank=True, related_name="issues"
    )
    # The deputy a message was left for (a deputy's own QR code), if any.
    addressed_to = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("留言对象代表"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        IssueCategory, verbose_name=_("问题类别"), on_delete=models.PROTECT, null=True, blank=True, related_name="issues"
    )
    content = models.TextField(_("问题内容"))
    # Who raised it: personal data, never public, never shown to units.
    raised_by_name = models.CharField(_("反映人"), max_length=64, blank=True)
    raised_by_contact = models.CharField(_("联系方式"), max_length=64, blank=True)
    consents_to_contact = models.BooleanField(_("同意联系告知结果"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN, db_index=True, editable=False
    )
    # The 查询码 the person who raised it looks it up by; not guessable, so it is the only key the public page needs.
    tracking_code = models.CharField(
        _("查询码"), max_length=TRACKING_CODE_LENGTH, unique=True, default=new_tracking_code, editable=False
    )
    answer = models.TextField(_("答复意见"), blank=True)
    forwarded_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("转办单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="station_issues",
    )
    forwarded_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    feedback_due_on = models.DateField(_("反馈期限"), null=True, blank=True, db_index=True)
    feedback = models.TextField(_("单位反馈"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    taken_up_by = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("转为建议的代表"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The suggestion this issue became; the suggestion reaches back through
    # ``suggestion.station_issues``, so the person who raised it can be told the outcome.
    suggestion = models.ForeignKey(
        "suggestions.Suggestion", verbose_name=_("代表建议"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="station_issues",
    )
    outcome = models.TextField(_("办理结果"), blank=True, help_text=_("告知反映人的最终结果。"))
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The person's rating of the released answer, given once by tracking code (cleared when the station
    # takes the issue up again after a 不满意, so the new answer can be rated; the timeline keeps the old one).
    rating = models.CharField(_("群众评价"), max_length=16, choices=ConstituentRating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众反映问题")
        verbose_name_plural = _("群众反映问题")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["station", "-created_at"]),
            models.Index(fields=["forwarded_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["forwarded", "feedback"]) | Q(forwarded_unit__isnull=False),
                name="forwarded_issue_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(source="visit") | Q(visit__isnull=False), name="visit_issue_has_visit"
            ),
        ]

    def __str__(self):
        return self.content[:30]

    @property
    def tracking_code_display(self):
        return format_tracking_code(self.tracking_code)

    @property
    def is_feedback_overdue(self):
        return (
            self.status == IssueStatus.FORWARDED
            and self.feedback_due_on is not None
            and self.feedback_at is None
            and self.feedback_due_on < timezone.localdate()
        )

    @property
    def feedback_on_time(self):
        if self.feedback_at is None or self.feedback_due_on is None:
            return None
        return timezone.localdate(self.feedback_at) <= self.feedback_due_on


class IssueEvent(models.Model):
    """One row per change of an issue's state: its timeline and audit."""

    issue = models.ForeignKey(Issue, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events")
    # The name of the move in ISSUE_MOVES ("forward", "feed_back"...): the timeline names it.
    move = models.CharField(_("操作"), max_length=32, blank=True)
    old_status = models.CharField(_("原状态"), max_length=16, choices=IssueStatus.choices, blank=True)
    new_status = models.CharField(_("新状态"), max_length=16, choices=IssueStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("问题处理记录")
        verbose_name_plural = _("问题处理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.issue_id}: {self.old_status} → {self.new_status}"

    @property
    def move_label(self):
        # Rows written before the move column and never backfilled name their new state.
        return transitions.move_label(self, self.move) if self.move else self.get_new_status_display()


# The moves of an issue, who may make each and where it leads; ISSUE_LIFECYCLE
# (services call it) is the only writer of Issue.status. Actor kinds: "station"
# = a keeper or a deputy stationed at the issue's station; "deputy" = a deputy
# stationed there; "unit" = the unit the issue went to; staff count as each
# (the predicates in permissions.py decide). Everyone who sees an issue sees its
# whole timeline (there is no public one), so no move is hidden from a deputy.
S = IssueStatus
ISSUE_MOVES = {
    # Moves that create the issue (record_event, no transition).
    "register_at_visit": transitions.move(_("来访登记"), [], S.OPEN, ["station"]),
    "leave_message": transitions.move(_("扫码留言"), [], S.OPEN, ["public"]),
    "answer": transitions.move(_("当场答复"), [S.OPEN], S.ANSWERED, ["station"]),
    "forward": transitions.move(_("转办"), [S.OPEN], S.FORWARDED, ["station"]),
    "take_up_as_suggestion": transitions.move(_("转为代表建议"), [S.OPEN], S.SUGGESTION, ["deputy"]),
    "feed_back": transitions.move(_("单位反馈"), [S.FORWARDED], S.FEEDBACK, ["unit"]),
    "re_forward": transitions.move(_("重新转办"), [S.FEEDBACK], S.FORWARDED, ["station"]),
    "close": transitions.move(_("办结"), [S.OPEN, S.ANSWERED, S.FEEDBACK, S.SUGGESTION], S.CLOSED, ["station"]),
    # The person who raised it rates the released answer by tracking code (the state stays).
    "rate": transitions.move(_("群众评价"), list(RELEASED_STATUSES), None, ["public"]),
    # After a 不满意 the station may take it up again (services.reopen_issue checks the rating).
    "reopen": transitions.move(_("群众不满意，重新办理"), list(RELEASED_STATUSES), S.OPEN, ["station"]),
}
del S


class IssueLifecycle(transitions.Lifecycle):
    model = Issue
    event_model = IssueEvent
    subject_field = "issue"
    moves = ISSUE_MOVES
    noun = _("问题")
    actor_labels = {
        "station": format_lazy("{}、{}", _("联络站管理员"), _("进站代表")),
        "deputy": _("进站代表"),
        "unit": _("承办单位"),
        "public": _("反映人"),
    }
    event_fields = {
        "move": "move", "old": "old_status", "new": "new_status", "actor": "actor", "note": "note", "at": "at",
        "public": None, "to_deputy": None,
    }

    def actor_kinds(self, user, obj):
        kinds = set()
        if user is None:
            # The person who raised it has no account: the service that acts for them checked the tracking code.
            kinds.add("public")
            return kinds
        if permissions.can_handle_issues_at(user, obj.station):
            kinds.add("station")
        if permissions.can_take_up_as_suggestion(user, obj.station):
            kinds.add("deputy")
        if permissions.can_give_feedback(user, obj):
            kinds.add("unit")
        return kinds


ISSUE_LIFECYCLE = IssueLifecycle()
