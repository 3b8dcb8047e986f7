"""Liaison stations (代表联络站): the station network, who keeps and who is
stationed where, the reception rota, visit records, the issues constituents
raise (at a visit or by a message left through a QR code) and what became of
each one."""
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

from congress_portal.accounts import roles


class StationKind(models.TextChoices):
    COUNTY_MAIN = "county_main", _("县级总站")
    TOWNSHIP_CENTRE = "township_centre", _("乡镇中心站")
    VILLAGE_POINT = "village_point", _("村(社区)联络点")
    INDUSTRY = "industry", _("行业(专业)联络站")
    ONLINE = "online", _("网上联络站")


class StationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def kept_by(self, user):
        return self.filter(keepers=user)

    def recordable_by(self, user):
        """Stations whose visits and rota this user may record."""
        if roles.is_staff_member(user):
            return self.all()
        if roles.is_station_keeper(user):
            return self.kept_by(user)
        return self.none()

    def handled_by(self, user):
        """Stations whose issues this user sees and handles (keepers, stationed deputies, staff)."""
        if roles.is_staff_member(user):
            return self.all()
        if roles.is_station_keeper(user):
            return self.kept_by(user)
        deputy = roles.deputy_of(user)
        if deputy is not None:
            return self.filter(stationings__deputy=deputy, stationings__is_active=True)
        return self.none()


class Station(models.Model):
    """A liaison station or point. Everything here except the keepers is public."""

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=24, choices=StationKind.choices, db_index=True)
    area = models.ForeignKey(
        "deputies.AdministrativeArea", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="liaison_stations"
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    # WGS-84 degrees; a map widget or a printed map reads them.
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    opening_hours = models.CharField(_("开放时间"), max_length=255, blank=True)
    # The station's own public line (a landline at the station), not a person's phone.
    public_phone = models.CharField(_("站点电话"), max_length=32, blank=True)
    introduction = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络站管理员"),
        blank=True,
        related_name="kept_stations",
        limit_choices_to={"role": "keeper"},
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("进站代表"), through="Stationing", related_name="liaison_stations", blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = StationQuerySet.as_manager()
    # No m2m history on keepers: simple_history's m2m signal breaks when the
    # relation is changed from the user's side (user.kept_stations.add).
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("联络站")
        verbose_name_plural = _("联络站")
        ordering = ["area__code", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="unique_station_name_per_area")]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("经度和纬度须同时填写。"))


class Stationing(models.Model):
    """A deputy stationed (进站) at a station. A deputy of any level may be stationed at several."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="stationings")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="stationings")
    since = models.DateField(_("进站日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在站"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进站代表")
        verbose_name_plural = _("进站代表")
        constraints = [models.UniqueConstraint(fields=["station", "deputy"], name="unique_stationing")]
        indexes = [models.Index(fields=["deputy", "is_active"])]

    def __str__(self):
        return f"{self.deputy} @ {self.station}"


class ModelStation(models.Model):
    """A 示范站 designation for one year."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="model_years")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    score = models.DecimalField(_("评分"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评定人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    designated_at = models.DateTimeField(_("评定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("示范站")
        verbose_name_plural = _("示范站")
        ordering = ["-year", "station_id"]
        constraints = [models.UniqueConstraint(fields=["station", "year"], name="one_model_designation_per_year")]

    def __str__(self):
        return f"{self.year} · {self.station}"


class StationPolicy(models.Model):
    """Policy values provinces set differently, kept as one row staff edit in
    the admin. ``current()`` creates it with the defaults when missing."""

    feedback_days = models.PositiveSmallIntegerField(
        _("转办反馈期限(天)"), default=15, help_text=_("转办给承办单位的问题,默认在多少天内反馈。")
    )
    message_max_length = models.PositiveIntegerField(_("留言最大字数"), default=1000)
    message_min_fill_seconds = models.PositiveSmallIntegerField(
        _("留言最短填写时间(秒)"), default=3, help_text=_("短于此时间提交的留言视为机器提交。")
    )
    message_rate_limit = models.PositiveSmallIntegerField(_("每个IP每小时最多留言数"), default=5)
    rota_horizon_days = models.PositiveSmallIntegerField(_("公开接待日的天数范围"), default=62)
    # Weights of the yearly rating (示范站评选). Rates count in percent points.
    weight_receptions = models.DecimalField(_("权重:接待次数"), max_digits=6, decimal_places=2, default=2)
    weight_people = models.DecimalField(_("权重:接待人数"), max_digits=6, decimal_places=2, default=1)
    weight_issues = models.DecimalField(_("权重:收集问题数"), max_digits=6, decimal_places=2, default=1)
    weight_resolved_rate = models.DecimalField(_("权重:办结率(%)"), max_digits=6, decimal_places=2, default=1)
    weight_on_time_rate = models.DecimalField(_("权重:按期反馈率(%)"), max_digits=6, decimal_places=2, default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联络站工作参数")
        verbose_name_plural = _("联络站工作参数")

    def __str__(self):
        return str(_("联络站工作参数"))

    @classmethod
    def current(cls):
        policy = cls.objects.order_by("pk").first()
        if policy is None:
            policy = cls.objects.create()
        return policy


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


class Visit(models.Model):
    """A 来访登记 record: one reception, the deputies present, the people received."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.PROTECT, related_name="visits")
    received_on = models.DateField(_("接待日期"))
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("接待代表"), blank=True, related_name="station_visits")
    activity = models.ForeignKey(
        Activity, verbose_name=_("所属活动"), on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    people_count = models.PositiveIntegerField(_("接待人数"), default=1, validators=[MinValueValidator(1)])
    summary = models.TextField(_("接待情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    # As for Station.keepers: deputy.station_visits.add() must not break.
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("来访登记")
        verbose_name_plural = _("来访登记")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["station", "-received_on"])]

    def __str__(self):
        return f"{self.station} · {self.received_on}"


class Visitor(models.Model):
    """A person received. Name and contact are optional and never public;
    handling units never see them either."""

    visit = models.ForeignKey(Visit, verbose_name=_("来访登记"), on_delete=models.CASCADE, related_name="visitors")
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    contact = models.CharField(_("联系方式"), max_length=64, blank=True)
    consents_to_contact = models.BooleanField(_("同意回访联系"), default=False)

    class Meta:
        verbose_name = _("来访群众")
        verbose_name_plural = _("来访群众")

    def __str__(self):
        return self.name or str(_("匿名群众"))


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


# The moves allowed between states and who may make them ("station" = a keeper
# or a deputy of the issue's station, or staff; "unit" = the unit it went to).
# services.transition is the only writer of Issue.status.
ISSUE_TRANSITIONS = {
    (IssueStatus.OPEN, IssueStatus.ANSWERED): "station",
    (IssueStatus.OPEN, IssueStatus.FORWARDED): "station",
    (IssueStatus.OPEN, IssueStatus.SUGGESTION): "deputy",
    (IssueStatus.OPEN, IssueStatus.CLOSED): "station",
    (IssueStatus.FORWARDED, IssueStatus.FEEDBACK): "unit",
    (IssueStatus.FEEDBACK, IssueStatus.CLOSED): "station",
    (IssueStatus.FEEDBACK, IssueStatus.FORWARDED): "station",
    (IssueStatus.ANSWERED, IssueStatus.CLOSED): "station",
    (IssueStatus.SUGGESTION, IssueStatus.CLOSED): "station",
}
RESOLVED_STATUSES = (IssueStatus.ANSWERED, IssueStatus.FEEDBACK, IssueStatus.SUGGESTION, IssueStatus.CLOSED)


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        if roles.is_staff_member(user):
            return self.all()
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

    def open(self):
        return self.exclude(status=IssueStatus.CLOSED)

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
