"""The demo's congresses below the province: two county congresses of 长沙
(芙蓉区, 岳麓区) and two township congresses of 长沙县 (坪上镇, 黄花镇), each with
its own staff login, handling units and a unit login, so that the demo shows
every congress working on its own items on the one platform (the province's
``staff`` sees their figures, acts only on its own).

The suggestions, stations and ballots of these congresses are seeded by their
apps (seed_suggestions, seed_stations, seed_voting) from ``LOCAL_CONGRESSES``."""
from congress_portal.accounts.models import Role, User

from .models import Congress, HandlingUnit, UnitContact

# (staff login, unit login, area code, the working body the staff belong to)
LOCAL_CONGRESSES = [
    ("staff_furong", "unit_furong", "430102000000", "芙蓉区人大常委会代表工作室"),
    ("staff_yuelu", "unit_yuelu", "430104000000", "岳麓区人大常委会代表工作室"),
    ("staff_pingshang", "unit_pingshang", "430121100000", "坪上镇人大主席团"),
    ("staff_huanghua", "unit_huanghua", "430121101000", "黄花镇人大主席团"),
]
COUNTY_UNITS = [("交通运输局", "交通局"), ("教育局", "教育局"), ("住房和城乡建设局", "住建局")]
TOWNSHIP_UNITS = [("人民政府社会事务办公室", "社会事务办"), ("人民政府经济发展办公室", "经济发展办")]


def local_congresses():
    """[(staff login, congress)] of the demo's local congresses that exist."""
    congresses = {c.area.code: c for c in Congress.objects.filter(
        area__code__in=[code for _s, _u, code, _b in LOCAL_CONGRESSES]).select_related("area")}
    return [(staff, congresses[code]) for staff, _unit, code, _body in LOCAL_CONGRESSES if code in congresses]


def local_units(congress):
    return list(HandlingUnit.objects.filter(area=congress.area, code__startswith="L").order_by("code"))


def build_local_congresses(*, password, staff_group=None):
    """Staff and unit logins and the handling units of each local congress.
    Returns the number of congresses set up."""
    made = 0
    congresses = {c.area.code: c for c in Congress.objects.filter(
        area__code__in=[code for _s, _u, code, _b in LOCAL_CONGRESSES]).select_related("area")}
    for staff_login, unit_login, code, body in LOCAL_CONGRESSES:
        congress = congresses.get(code)
        if congress is None:
            continue
        area = congress.area
        names = COUNTY_UNITS if area.kind == "county" else TOWNSHIP_UNITS
        units = [
            HandlingUnit.objects.get_or_create(
                name=f"{area.name}{name}",
                defaults={"short_name": f"{area.name}{short}", "code": f"L{code[:9]}{i:02d}", "area": area},
            )[0]
            for i, (name, short) in enumerate(names, start=1)
        ]
        staff = User.objects.create(
            username=staff_login, role=Role.STAFF, display_name=f"{body} 工作人员", password=password,
            congress=congress, is_staff=True,
        )
        if staff_group is not None:
            staff.groups.add(staff_group)
        member = User.objects.create(
            username=unit_login, role=Role.UNIT, display_name=f"{units[0]} 建议办理联络员", password=password,
            handling_unit=units[0],
        )
        UnitContact.objects.create(unit=units[0], name=member.display_name, position="办公室主任", user=member)
        made += 1
    return made
