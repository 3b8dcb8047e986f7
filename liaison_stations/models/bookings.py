"""预约见面: a person books a meeting with a stationed deputy on one of the
station's reception days; the keeper confirms or declines; the person is told
by SMS. Its own small lifecycle on the shared transition service."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal import transitions

from .. import permissions
from .stations import Station


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("未能安排")


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keepers see their stations' bookings, a deputy those made with them, staff all."""
        from congress_portal.accounts import roles

        if roles.is_staff_member(user):
            return self.all()
        if roles.is_station_keeper(user):
            return self.filter(station__keepers=user)
        deputy = roles.deputy_of(user)
        if deputy is not None:
            return self.filter(deputy=deputy)
        return self.none()


class Booking(models.Model):
    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="bookings")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("预约代表"), on_delete=models.CASCADE, related_name="+")
    on_date = models.DateField(_("接待日期"))
    # Who booked: personal data, seen by the station side only, never public.
    name = models.CharField(_("姓名"), max_length=64)
    mobile = models.CharField(_("手机号码"), max_length=11)
    topic = models.TextField(_("反映事项"))
    status = models.CharField(_("状态"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.REQUESTED,
                              editable=False)
    reply = models.CharField(_("回复"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("预约时间"), default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("预约见面")
        verbose_name_plural = _("预约见面")
        ordering = ["on_date", "pk"]
        indexes = [models.Index(fields=["station", "on_date"])]

    def __str__(self):
        return f"{self.deputy} · {self.on_date}"


class BookingEvent(models.Model):
    booking = models.ForeignKey(Booking, verbose_name=_("预约"), on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("操作"), max_length=32)
    old_status = models.CharField(_("原状态"), max_length=16, choices=BookingStatus.choices, blank=True)
    new_status = models.CharField(_("新状态"), max_length=16, choices=BookingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("预约处理记录")
        verbose_name_plural = _("预约处理记录")
        ordering = ["at", "pk"]


B = BookingStatus
BOOKING_MOVES = {
    "book": transitions.move(_("预约见面"), [], B.REQUESTED, ["public"]),
    "confirm": transitions.move(_("确认预约"), [B.REQUESTED], B.CONFIRMED, ["station"]),
    "decline": transitions.move(_("未能安排"), [B.REQUESTED, B.CONFIRMED], B.DECLINED, ["station"]),
}
del B


class BookingLifecycle(transitions.Lifecycle):
    model = Booking
    event_model = BookingEvent
    subject_field = "booking"
    moves = BOOKING_MOVES
    noun = _("预约")
    actor_labels = {"station": _("联络站管理员"), "public": _("预约人")}
    event_fields = {
        "move": "move", "old": "old_status", "new": "new_status", "actor": "actor", "note": "note", "at": "at",
        "public": None, "to_deputy": None,
    }

    def actor_kinds(self, user, obj):
        return {"station"} if permissions.can_record_at(user, obj.station) else set()


BOOKING_LIFECYCLE = BookingLifecycle()
