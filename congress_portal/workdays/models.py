"""The working-day calendar as data.

Only the exceptions to the Monday-Friday rule are stored: public holidays that
fall on weekdays (and the weekend days inside a holiday block) and the weekend
make-up workdays (调休). Staff add next year's rows in the admin when the State
Council publishes its schedule, or run ``manage.py sync_workdays`` once the
pinned ``chinesecalendar`` package has been upgraded."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班")


class DaySource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    STAFF = "staff", _("工作人员录入")


class CalendarDay(models.Model):
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("节日名称"), max_length=32, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=DaySource.choices, default=DaySource.STAFF)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
