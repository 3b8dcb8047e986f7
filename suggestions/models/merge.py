"""并案办理 and the units' functions the recommendation reads.

A merged item keeps its own row, number, deputies and co-signers (each
deputy's suggestion still counts for that deputy); a ``MergeLink`` ties it to
the lead item, whose units handle and reply once for all. The deputy of a
merged item rates the lead item's reply in a ``MergedRating`` of their own; the
units' figures count the lead item's assignment only."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Satisfaction


class MergeLink(models.Model):
    suggestion = models.OneToOneField(
        "Suggestion", verbose_name=_("并入的建议"), on_delete=models.CASCADE, related_name="merge_link"
    )
    lead = models.ForeignKey("Suggestion", verbose_name=_("并案主办件"), on_delete=models.PROTECT, related_name="merged_links")
    note = models.TextField(_("并案说明"), blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("合并人"), on_delete=models.SET_NULL, null=True, related_name="+")
    merged_at = models.DateTimeField(_("并案时间"), default=timezone.now)

    class Meta:
        verbose_name = _("并案办理")
        verbose_name_plural = _("并案办理")
        ordering = ["merged_at", "pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(suggestion=models.F("lead")), name="merge_not_into_itself")]

    def __str__(self):
        return f"{self.suggestion_id} → {self.lead_id}"


class MergedRating(models.Model):
    """The rating a merged item's lead deputy gives the lead item's reply."""

    suggestion = models.ForeignKey("Suggestion", verbose_name=_("并入的建议"), on_delete=models.CASCADE, related_name="merged_ratings")
    reply = models.ForeignKey("Reply", verbose_name=_("答复"), on_delete=models.CASCADE, related_name="merged_ratings")
    process_rating = models.CharField(_("办理过程评价"), max_length=16, choices=Satisfaction.choices)
    result_rating = models.CharField(_("办理结果评价"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    rated_at = models.DateTimeField(_("测评时间"), default=timezone.now)

    class Meta:
        verbose_name = _("并案件测评")
        verbose_name_plural = _("并案件测评")
        constraints = [models.UniqueConstraint(fields=["suggestion", "reply"], name="one_merged_rating_per_reply")]

    def __str__(self):
        return f"{self.get_process_rating_display()} / {self.get_result_rating_display()}"

    @property
    def is_satisfied(self):
        return Satisfaction.NOT_SATISFIED not in (self.process_rating, self.result_rating)


class UnitFunctions(models.Model):
    """职能关键词 of a handling unit: what its published functions (三定方案)
    say it handles, as words staff edit; the unit recommendation matches them."""

    unit = models.OneToOneField(
        "deputies.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.CASCADE, related_name="functions"
    )
    keywords = models.TextField(_("职能关键词"), help_text=_("以顿号、逗号或换行分隔，如：农村公路、公路养护、道路运输。"))
    source = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("承办单位职能关键词")
        verbose_name_plural = _("承办单位职能关键词")

    def __str__(self):
        return str(self.unit)

    @property
    def keyword_list(self):
        import re

        return [word for word in dict.fromkeys(w.strip() for w in re.split(r"[、,，;；\s]+", self.keywords)) if word]
