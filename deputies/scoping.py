"""Which congress an area's things belong to, and which handling units may
answer a congress's items: the rules behind "one platform for every congress".

An item of a congress is assigned to units of that congress's area, or of an
area above it (a provincial department, a vertically managed bureau); never to
a unit of another county or of an area below. A unit not yet placed in an area
is not checked (every unit of the demo and of an import is placed)."""
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from .models import LEVEL_RANK, Congress, HandlingUnit


def area_paths_up(area):
    """The paths of ``area`` and of every area above it."""
    codes = area.path.split("/")
    return ["/".join(codes[: i + 1]) for i in range(len(codes))]


def congress_for_area(area):
    """The congress a thing placed in ``area`` belongs to: the congress of that
    area, else of the nearest area above it (the lowest level if an area has several)."""
    if area is None:
        return None
    candidates = list(Congress.objects.filter(area__path__in=area_paths_up(area)).select_related("area"))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (len(c.area.path), LEVEL_RANK.get(c.level, 0)))


def congress_finder():
    """For bulk writes: a function area -> congress id (as ``congress_for_area``),
    from one query over the congresses."""
    by_path = {}
    for congress in Congress.objects.select_related("area").only("pk", "level", "area__path"):
        best = by_path.get(congress.area.path)
        if best is None or LEVEL_RANK.get(congress.level, 0) > LEVEL_RANK.get(best.level, 0):
            by_path[congress.area.path] = congress

    def find(area):
        for path in reversed(area_paths_up(area)):
            if path in by_path:
                return by_path[path].pk
        return None

    return find


def units_for_congress(congress):
    """The units an item of ``congress`` may be assigned to (for pickers)."""
    qs = HandlingUnit.objects.filter(is_active=True)
    if congress is None:
        return qs
    return qs.filter(Q(area__isnull=True) | Q(area__path__in=area_paths_up(congress.area)))


def unit_serves(unit, congress):
    if congress is None or unit.area_id is None:
        return True
    return unit.area.path in area_paths_up(congress.area)


def check_units_serve(congress, units, field="lead_unit"):
    """Refuse units outside ``congress``'s area (or above it), naming them."""
    outside = [str(u) for u in units if not unit_serves(u, congress)]
    if outside:
        raise ValidationError(
            {field: _("%(units)s不属于%(congress)s所在行政区域或其上级，不能承办该事项。") % {
                "units": "、".join(outside), "congress": congress}}
        )


def units_visible_to(user):
    """The handling units ``user`` may list and pick: staff those that may answer
    their congress's items (its area and above) and those of the congresses they
    see below it; a unit's member its own area's and those above; a deputy those
    that may answer their mandates' congresses. Units not placed in an area are
    everyone's. A staff account of the whole province (or a superuser) sees all."""
    qs = HandlingUnit.objects.all()
    unplaced = Q(area__isnull=True)
    if roles.is_staff_member(user):
        congress = roles.congress_of(user)
        if congress is None:
            return qs
        path = congress.area.path
        return qs.filter(unplaced | Q(area__path__in=area_paths_up(congress.area)) | Q(area__path__startswith=path + "/"))
    unit_id = roles.unit_id_of(user)
    if unit_id is not None:
        unit = HandlingUnit.objects.select_related("area").get(pk=unit_id)
        if unit.area is None:
            return qs.filter(Q(pk=unit_id) | unplaced)
        return qs.filter(Q(pk=unit_id) | unplaced | Q(area__path__in=area_paths_up(unit.area)))
    deputy = roles.deputy_of(user)
    if deputy is not None:
        paths = set()
        for congress in Congress.objects.filter(mandates__deputy=deputy).select_related("area").distinct():
            paths.update(area_paths_up(congress.area))
        return qs.filter(unplaced | Q(area__path__in=paths))
    return qs.none()
