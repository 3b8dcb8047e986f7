"""督办 records: a supervision work group (督办工作组) visits units about key
items (重点督办) and records what it found and what it asks the units to do.
Key items are grouped by the visits' themes (e.g. 乡村振兴, 交通)."""
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.accounts import roles


class SupervisionVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: visits about an item of their own congress; a unit's member:
        visits to their unit; anyone else none."""
        if roles.is_staff_member(user):
            acting = roles.acting_congress_ids(user)
            if acting is None:
                return self.all()
            through = SupervisionVisit.suggestions.through.objects.filter(
                supervisionvisit_id=OuterRef("pk"), suggestion__congress__in=acting)
            return self.filter(Exists(through))
        unit_id = roles.unit_id_of(user)
        if unit_id is not None:
            return self.filter(Exists(SupervisionVisit.units.through.objects.filter(
                supervisionvisit_id=OuterRef("pk"), handlingunit_id=unit_id)))
        return self.none()


class SupervisionVisit(models.Model):
    theme = models.CharField(_("督办主题"), max_length=64, db_index=True)
    held_on = models.DateField(_("督办日期"))
    group_name = models.CharField(_("督办工作组"), max_length=128)
    # Names and titles as an official record gives them; no contact data.
    members = models.TextField(_("组成人员"), blank=True)
    units = models.ManyToManyField(
        "deputies.HandlingUnit", verbose_name=_("督办单位"), related_name="supervision_visits"
    )
    suggestions = models.ManyToManyField("Suggestion", verbose_name=_("督办建议"), related_name="supervision_visits")
    findings = models.TextField(_("督办情况"))
    follow_up = models.TextField(_("督办意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = SupervisionVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.theme}"
