"""The station network: stations, who keeps them and who is stationed where,
model-station designations and the policy row."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_portal.accounts import roles
from deputies.scoping import congress_for_area


class StationKind(models.TextChoices):
    COUNTY_MAIN = "county_main", _("县级总站")
    TOWNSHIP_CENTRE = "township_centre", _("乡镇中心站")
    VILLAGE_POINT = "village_point", _("村（社区）联络点")
    INDUSTRY = "industry", _("行业（专业）联络站")
    ONLINE = "online", _("网上联络站")


class StationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def kept_by(self, user):
        return self.filter(keepers=user)

    def supervised_by(self, user):
        """Figures and ratings: a staff user's own congress's stations and those
        of the congresses below it (everything for the whole province)."""
        return roles.scope_to_congress(self.all(), user, supervise=True)

    def recordable_by(self, user):
        """Stations whose visits and rota this user may record."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self.all(), user)
        if roles.is_station_keeper(user):
            return self.kept_by(user)
        return self.none()

    def handled_by(self, user):
        """Stations whose issues this user sees and handles (keepers, stationed deputies, staff)."""
        if roles.is_staff_member(user):
            return roles.scope_to_congress(self.all(), user)
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
    # The congress whose staff act on the station: that of its area, or of the
    # nearest area above it with a congress (deputies.scoping.congress_for_area).
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("所属人大"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="liaison_stations", editable=False,
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

    @classmethod
    def from_db(cls, db, field_names, values):
        station = super().from_db(db, field_names, values)
        station._loaded_area_id = station.__dict__.get("area_id")
        return station

    def save(self, *args, **kwargs):
        # The congress follows the area (set on creation, moved with the station).
        moved = self.area_id != getattr(self, "_loaded_area_id", self.area_id)
        if self.area_id and (self.congress_id is None or moved):
            congress = congress_for_area(self.area)
            self.congress_id = congress.pk if congress else None
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "congress"}
        super().save(*args, **kwargs)
        self._loaded_area_id = self.area_id

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
        _("转办反馈期限（天）"), default=15, help_text=_("转办给承办单位的问题，默认在多少天内反馈。")
    )
    message_max_length = models.PositiveIntegerField(_("留言最大字数"), default=1000)
    message_min_fill_seconds = models.PositiveSmallIntegerField(
        _("留言最短填写时间（秒）"), default=3, help_text=_("短于此时间提交的留言视为机器提交。")
    )
    message_rate_limit = models.PositiveSmallIntegerField(_("每个IP每小时最多留言数"), default=5)
    tracking_rate_limit = models.PositiveSmallIntegerField(_("每个IP每小时最多查询次数"), default=30)
    rota_horizon_days = models.PositiveSmallIntegerField(_("公开接待日的天数范围"), default=62)
    # 扫码进站: when a stationed deputy's scan of the duty QR code counts.
    check_in_on_reception_days_only = models.BooleanField(
        _("仅在接待日扫码进站"), default=True,
        help_text=_("勾选时，代表只能在接待日安排或联络站活动的时段内扫码进站。"),
    )
    check_in_margin_minutes = models.PositiveSmallIntegerField(
        _("扫码进站提前/延后（分钟）"), default=60, help_text=_("接待时段开始前和结束后多少分钟内可以扫码进站。")
    )
    # Weights of the yearly rating (示范站评选). Rates count in percent points.
    weight_receptions = models.DecimalField(_("权重：接待次数"), max_digits=6, decimal_places=2, default=2)
    weight_people = models.DecimalField(_("权重：接待人数"), max_digits=6, decimal_places=2, default=1)
    weight_issues = models.DecimalField(_("权重：收集问题数"), max_digits=6, decimal_places=2, default=1)
    weight_resolved_rate = models.DecimalField(_("权重：办结率（%）"), max_digits=6, decimal_places=2, default=1)
    weight_on_time_rate = models.DecimalField(_("权重：按期反馈率（%）"), max_digits=6, decimal_places=2, default=1)
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
