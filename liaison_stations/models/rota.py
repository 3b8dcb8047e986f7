"""The reception rota (recurring reception days) and one-off activities."""
import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords



from .stations import Station


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY_WEEKDAY = "monthly_weekday", _("每月第几个星期几")
    MONTHLY_DAY = "monthly_day", _("每月几日")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("星期一")
    TUESDAY = 1, _("星期二")
    WEDNESDAY = 2, _("星期三")
    THURSDAY = 3, _("星期四")
    FRIDAY = 4, _("星期五")
    SATURDAY = 5, _("星期六")
    SUNDAY = 6, _("星期日")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("第一个")
    SECOND = 2, _("第二个")
    THIRD = 3, _("第三个")
    FOURTH = 4, _("第四个")
    LAST = -1, _("最后一个")


class ReceptionRule(models.Model):
    """A recurring reception day (接待日), stored as data: "every Wednesday",
    "every other Friday", "the first Wednesday of each month", "the 15th of
    each month". ``dates_between`` computes the dates."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="reception_rules")
    title = models.CharField(_("名称"), max_length=128, default=_("代表接待日"))
    frequency = models.CharField(_("周期"), max_length=16, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(
        _("间隔"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("每几周或每几个月一次。"),
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices, null=True, blank=True)
    week_of_month = models.SmallIntegerField(_("第几周"), choices=WeekOfMonth.choices, null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(
        _("日"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    start_time = models.TimeField(_("开始时间"), default=datetime.time(9, 0))
    end_time = models.TimeField(_("结束时间"), default=datetime.time(11, 30))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("值班代表"), blank=True, related_name="+")
    note = models.CharField(_("备注"), max_length=255, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = _("接待日安排")
        verbose_name_plural = _("接待日安排")
        ordering = ["station_id", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(frequency="weekly") | Q(weekday__isnull=False), name="weekly_rule_has_weekday"
            ),
            models.CheckConstraint(
                condition=~Q(frequency="monthly_weekday") | (Q(weekday__isnull=False) & Q(week_of_month__isnull=False)),
                name="monthly_weekday_rule_complete",
            ),
            models.CheckConstraint(
                condition=~Q(frequency="monthly_day") | Q(day_of_month__isnull=False), name="monthly_day_rule_has_day"
            ),
        ]

    def __str__(self):
        return f"{self.station} · {self.describe()}"

    def clean(self):
        errors = {}
        if self.frequency in (Frequency.WEEKLY, Frequency.MONTHLY_WEEKDAY) and self.weekday is None:
            errors["weekday"] = _("请选择星期。")
        if self.frequency == Frequency.MONTHLY_WEEKDAY and self.week_of_month is None:
            errors["week_of_month"] = _("请选择第几周。")
        if self.frequency == Frequency.MONTHLY_DAY and self.day_of_month is None:
            errors["day_of_month"] = _("请填写日期。")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("截止日期早于起始日期。")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("结束时间须晚于开始时间。")
        if errors:
            raise ValidationError(errors)

    def describe(self):
        every = "" if self.interval == 1 else str(self.interval)
        if self.frequency == Frequency.WEEKLY:
            unit = _("每周") if not every else _("每%(n)s周") % {"n": every}
            return f"{unit}{Weekday(self.weekday).label}"
        unit = _("每月") if not every else _("每%(n)s个月") % {"n": every}
        if self.frequency == Frequency.MONTHLY_WEEKDAY:
            return f"{unit}{WeekOfMonth(self.week_of_month).label}{Weekday(self.weekday).label}"
        return f"{unit}{self.day_of_month}" + str(_("日"))

    def dates_between(self, start, end):
        """The reception dates from ``start`` to ``end`` inclusive."""
        start = max(start, self.starts_on)
        if self.ends_on:
            end = min(end, self.ends_on)
        if end < start or not self.is_active:
            return []
        if self.frequency == Frequency.WEEKLY:
            return self._weekly(start, end)
        return self._monthly(start, end)

    def next_dates(self, *, after=None, count=5, horizon_days=400):
        after = after or timezone.localdate()
        return self.dates_between(after, after + datetime.timedelta(days=horizon_days))[:count]

    def _weekly(self, start, end):
        # Anchor on the first matching weekday on or after starts_on, so that
        # "every other week" keeps its rhythm whatever window is asked for.
        anchor = self.starts_on + datetime.timedelta(days=(self.weekday - self.starts_on.weekday()) % 7)
        step = 7 * self.interval
        if start > anchor:
            periods = -(-(start - anchor).days // step)  # ceiling
            first = anchor + datetime.timedelta(days=periods * step)
        else:
            first = anchor
        dates = []
        day = first
        while day <= end:
            dates.append(day)
            day += datetime.timedelta(days=step)
        return dates

    def _monthly(self, start, end):
        dates = []
        year, month = self.starts_on.year, self.starts_on.month
        # Jump close to the window instead of walking from starts_on month by month.
        months_to_start = (start.year - year) * 12 + (start.month - month)
        if months_to_start > 0:
            skip = (months_to_start // self.interval) * self.interval
            year, month = divmod(year * 12 + month - 1 + skip, 12)
            month += 1
        while (year, month) <= (end.year, end.month):
            day = self._day_in_month(year, month)
            if day is not None and start <= day <= end:
                dates.append(day)
            year, month = divmod(year * 12 + month - 1 + self.interval, 12)
            month += 1
        return dates

    def _day_in_month(self, year, month):
        days_in_month = calendar.monthrange(year, month)[1]
        if self.frequency == Frequency.MONTHLY_DAY:
            # "The 31st" in a 30-day month is skipped, not moved: stations say so on their notice board.
            return datetime.date(year, month, self.day_of_month) if self.day_of_month <= days_in_month else None
        if self.week_of_month == WeekOfMonth.LAST:
            last = datetime.date(year, month, days_in_month)
            return last - datetime.timedelta(days=(last.weekday() - self.weekday) % 7)
        first = datetime.date(year, month, 1)
        day = first + datetime.timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.week_of_month - 1))
        return day if day.month == month else None


class ActivityKind(models.TextChoices):
    THEMED_RECEPTION = "themed", _("主题接待")
    UNIT_IN_STATION = "unit_in_station", _("单位负责人进站")
    RESEARCH = "research", _("调研视察")
    PUBLICITY = "publicity", _("宣传宣讲")
    OTHER = "other", _("其他活动")


class Activity(models.Model):
    """A one-off activity at a station (a themed reception, a unit head
    "entering the station" to answer questions...)."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("类型"), max_length=24, choices=ActivityKind.choices, default=ActivityKind.THEMED_RECEPTION)
    title = models.CharField(_("主题"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("参加代表"), blank=True, related_name="+")
    handling_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("进站单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("内容"), blank=True)
    participants = models.PositiveIntegerField(_("参加群众人数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = _("联络站活动")
        verbose_name_plural = _("联络站活动")
        ordering = ["-starts_at", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("结束时间早于开始时间。")})
