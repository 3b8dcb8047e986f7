"""交办会: the meeting at which a batch of registered suggestions is handed to
units. Staff of a congress prepare it (the items: suggestion, lead unit, co
units, key supervision with the leading official), then hold it: the whole
batch is assigned in one transaction through the assignment service, or
nothing is (``services.handover``). Each unit's 交办函 lists exactly the
assignments the meeting made to it (``HandoverItem.assignments``).

``status`` is written only by ``suggestions.lifecycles.HANDOVERS``."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.accounts import roles
from congress_portal.transitions import move_label


class HandoverStatus(models.TextChoices):
    PREPARED = "prepared", _("筹备中")
    HELD = "held", _("已召开")


class HandoverMeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff of the meeting's congress (the whole province for a staff account without one)."""
        return roles.scope_to_congress(self, user)


class HandoverMeeting(models.Model):
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="handover_meetings"
    )
    title = models.CharField(_("交办会名称"), max_length=128)
    planned_on = models.DateField(_("召开日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=HandoverStatus.choices, default=HandoverStatus.PREPARED, editable=False
    )
    held_at = models.DateTimeField(_("召开时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = HandoverMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办会")
        verbose_name_plural = _("交办会")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["congress", "-planned_on", "-id"], name="handover_congress_list")]

    def __str__(self):
        return self.title

    @property
    def is_prepared(self):
        return self.status == HandoverStatus.PREPARED


class HandoverItem(models.Model):
    """One suggestion of the batch and the units it goes to."""

    meeting = models.ForeignKey(HandoverMeeting, verbose_name=_("交办会"), on_delete=models.CASCADE, related_name="items")
    suggestion = models.ForeignKey(
        "Suggestion", verbose_name=_("建议"), on_delete=models.PROTECT, related_name="handover_items"
    )
    lead_unit = models.ForeignKey(
        "deputies.HandlingUnit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField("deputies.HandlingUnit", verbose_name=_("协办单位"), blank=True, related_name="+")
    key_supervision = models.BooleanField(_("重点督办"), default=False)
    supervising_leader = models.CharField(_("牵头督办领导"), max_length=64, blank=True)
    # The assignments the meeting made for this item (written when it is held).
    assignments = models.ManyToManyField("Assignment", blank=True, related_name="handover_items")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("交办会建议")
        verbose_name_plural = _("交办会建议")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "suggestion"], name="one_item_per_suggestion_per_meeting")]

    def __str__(self):
        return str(self.suggestion)


class HandoverEvent(models.Model):
    meeting = models.ForeignKey(HandoverMeeting, verbose_name=_("交办会"), on_delete=models.CASCADE, related_name="events")
    move = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, choices=HandoverStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=HandoverStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("交办会记录")
        verbose_name_plural = _("交办会记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["meeting", "at"], name="handover_event_meeting")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.move_label}"

    @property
    def move_label(self):
        return move_label(self, self.move)
