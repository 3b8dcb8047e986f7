"""回头看: follow-up rounds and each unit's second reply within one."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .assignment import Assignment
from .choices import Satisfaction
from .reference import ResultCategory
from .suggestion import Suggestion


class FollowUpRound(models.Model):
    """回头看: a review round over a chosen set of replied suggestions."""

    title = models.CharField(_("名称"), max_length=128)
    note = models.TextField(_("工作要求"), blank=True)
    due_date = models.DateField(_("二次答复期限"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    # The year whose items it looks at, and its number among that year's rounds of the opener's congress
    # (NumberCounter): with the date they make a name no two rounds share.
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    number = models.PositiveIntegerField(_("轮次"), null=True, blank=True)

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["-opened_at"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """年度 + 轮次 + 开始日期, e.g. 2026年度第2轮回头看（2026-11-27）."""
        opened = timezone.localdate(self.opened_at).isoformat()
        if self.year and self.number:
            return _("%(year)s年度第%(number)s轮回头看（%(date)s）") % {"year": self.year, "number": self.number, "date": opened}
        return f"{self.title}（{opened}）"


class FollowUpItem(models.Model):
    """One unit's second reply (二次答复) within a round, and the deputy's new rating."""

    round = models.ForeignKey(FollowUpRound, verbose_name=_("回头看"), on_delete=models.CASCADE, related_name="items")
    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="followup_items")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.PROTECT, related_name="followup_items")
    second_reply = models.TextField(_("二次答复"), blank=True)
    result_category = models.ForeignKey(
        ResultCategory, verbose_name=_("办理结果"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
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
