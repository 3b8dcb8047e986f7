"""代表来信: deputies' letters. Not suggestions (they get no suggestion number
and are counted apart), but they still need an answer: staff register a letter
(or turn a suggestion not handled as a suggestion into one), forward it to a
unit with a due date, the unit answers, staff close it.

``status`` is written only by ``suggestions.lifecycles.LETTERS`` (the
shared transition service); every move leaves a LetterEvent."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from congress_portal.accounts import roles
from congress_portal.transitions import move_label


def letter_number_label(*, year, number):
    """2026年来信第0001号, in the reader's language."""
    return gettext("%(year)s年来信第%(number)s号") % {"year": year, "number": f"{number:04d}"}


class LetterStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    FORWARDED = "forwarded", _("已转办")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see their own congress's letters, a unit the letters forwarded
        to it, a deputy their own; no one else sees any."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self, user)
        unit_id = roles.unit_id_of(user)
        if unit_id is not None:
            return self.filter(unit_id=unit_id).exclude(status=LetterStatus.REGISTERED)
        deputy = roles.deputy_of(user) if roles.is_deputy(user) else None
        if deputy is not None:
            return self.filter(deputy=deputy)
        return self.none()

    def supervised_by(self, user):
        """To read, not to act: a staff user's own congress's letters and those of
        the congresses below it; for anyone else the same as ``visible_to``."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self, user, supervise=True)
        return self.visible_to(user)

    def awaiting_answer(self):
        return self.filter(status=LetterStatus.FORWARDED)

    def overdue(self, today=None):
        return self.awaiting_answer().filter(due_date__lt=today or timezone.localdate())


class Letter(models.Model):
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("来信代表"), on_delete=models.PROTECT, related_name="letters"
    )
    # The congress whose staff registered the letter and act on it.
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="letters",
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    number = models.PositiveIntegerField(_("来信编号"))
    title = models.CharField(_("事由"), max_length=200)
    content = models.TextField(_("来信内容"))
    received_on = models.DateField(_("收信日期"), default=timezone.localdate)
    # Set when a suggestion not handled as a suggestion is turned into this letter (转来信).
    from_suggestion = models.OneToOneField(
        "Suggestion", verbose_name=_("原建议"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="letter",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.REGISTERED, editable=False
    )
    unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("转办单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="letters",
    )
    forwarded_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表来信")
        verbose_name_plural = _("代表来信")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year", "number"], name="unique_letter_number_per_congress_year")
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due_date"], name="letter_unit_inbox"),
            models.Index(fields=["deputy", "-id"], name="letter_deputy_list"),
            models.Index(fields=["status", "due_date"], condition=Q(status="forwarded"), name="letter_awaiting"),
        ]

    def __str__(self):
        return f"{self.number_label} {self.title}"

    @property
    def number_label(self):
        return letter_number_label(year=self.year, number=self.number)

    @property
    def is_overdue(self):
        return self.status == LetterStatus.FORWARDED and self.due_date is not None and self.due_date < timezone.localdate()


class LetterEvent(models.Model):
    """One row per move of a letter: its timeline and audit trail."""

    letter = models.ForeignKey(Letter, verbose_name=_("代表来信"), on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=12, choices=LetterStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=LetterStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    visible_to_deputy = models.BooleanField(_("代表可见"), default=True)

    class Meta:
        verbose_name = _("来信办理记录")
        verbose_name_plural = _("来信办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["letter", "at"]), models.Index(fields=["at"], name="letter_event_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.move_label}"

    @property
    def move_label(self):
        return move_label(self, self.move)
