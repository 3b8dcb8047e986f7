"""Visit records (来访登记) and the people received."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords



from .rota import Activity
from .stations import Station


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
