"""督办: staff record a supervision group's visit to units about key items."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from ..models import Assignment, KeySupervision, SupervisionVisit
from .common import required


def record_supervision_visit(*, actor, theme, held_on, group_name, units, suggestions, findings, members="",
                             follow_up=""):
    """A visit on key items only, to units that handle at least one of them."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以登记督办记录。"))
    required(theme, "theme", _("请填写督办主题。"))
    required(group_name, "group_name", _("请填写督办工作组。"))
    required(findings, "findings", _("请填写督办情况。"))
    if held_on is None:
        raise ValidationError({"held_on": _("请填写督办日期。")}, code="required")
    suggestions, units = list(dict.fromkeys(suggestions)), list(dict.fromkeys(units))
    if not suggestions:
        raise ValidationError({"suggestions": _("请选择督办的重点建议。")}, code="required")
    if not units:
        raise ValidationError({"units": _("请选择督办的承办单位。")}, code="required")
    foreign = [s.title for s in suggestions if not roles.acts_on(actor, s.congress_id)]
    if foreign:
        raise PermissionDenied(_("只能督办本级人大的建议：%(titles)s。") % {"titles": "、".join(foreign)})
    key = set(KeySupervision.objects.filter(suggestion__in=suggestions).values_list("suggestion_id", flat=True))
    not_key = [s.title for s in suggestions if s.pk not in key]
    if not_key:
        raise ValidationError(
            {"suggestions": _("以下建议不是重点督办建议：%(titles)s。") % {"titles": "、".join(not_key)}}, code="not_key"
        )
    handling = set(
        Assignment.objects.filter(suggestion__in=suggestions, is_active=True).values_list("unit_id", flat=True)
    )
    strangers = [u.name for u in units if u.pk not in handling]
    if strangers:
        raise ValidationError(
            {"units": _("以下单位没有承办所选建议：%(names)s。") % {"names": "、".join(strangers)}}, code="not_handling"
        )
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            theme=theme.strip(), held_on=held_on, group_name=group_name.strip(), members=members.strip(),
            findings=findings.strip(), follow_up=follow_up.strip(), recorded_by=actor,
        )
        visit.units.set(units)
        visit.suggestions.set(suggestions)
    return visit
