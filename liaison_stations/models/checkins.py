"""Deputies' 扫码进站: a stationed deputy scans the station's duty QR code on a
reception day and is recorded as on duty there that day."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stations import Station


class CheckIn(models.Model):
    """A deputy on reception duty at a station on one day (one row per day, however often they scan)."""

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="check_ins")
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="station_check_ins"
    )
    on_date = models.DateField(_("进站日期"))
    at = models.DateTimeField(_("扫码时间"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("扫码账号"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("扫码进站")
        verbose_name_plural = _("扫码进站")
        ordering = ["-on_date", "-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["station", "deputy", "on_date"], name="one_check_in_per_deputy_day"),
        ]
        indexes = [models.Index(fields=["deputy", "on_date"]), models.Index(fields=["station", "-on_date"])]

    def __str__(self):
        return f"{self.deputy} @ {self.station} · {self.on_date}"
