"""The staff dashboard's figures kept as rows, so that a view reads one small
row instead of counting a million suggestions (suggestions/summary.py writes
them, through the definitions of suggestions/figures.py)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSummary(models.Model):
    """The dashboard figures of one year (``year`` 0: every year), as
    ``selectors.dashboard_figures`` computes them, and when."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    figures = models.JSONField(_("统计数据"))
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("统计首页汇总")
        verbose_name_plural = _("统计首页汇总")

    def __str__(self):
        return f"{self.year or '-'} @ {self.computed_at:%Y-%m-%d %H:%M}"
