"""What every page's layout needs: the portal's address and the navigation of
the signed-in role, with its badges (unread messages, co-sign invitations).
Every page's query count is pinned by a test: the layout adds no query for
the public and exactly one for a signed-in person (congress_portal/notifications/badges.py,
every badge of the page in one capped, indexed query)."""
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from congress_portal.notifications import badges
from congress_portal.accounts import roles

# (url name, label). The public links come first for everyone.
PUBLIC_NAV = [
    ("home", _("首页")),
    ("suggestions:public_list", _("建议公开")),
    ("suggestions:public_units", _("承办单位排行")),
    ("deputies:directory", _("代表名录")),
    ("liaison_stations:directory", _("代表联络站")),
    ("voting:index", _("民生实事票决")),
]
DEPUTY_NAV = [
    ("suggestions:my_list", _("我的建议")),
    ("suggestions:create", _("提出建议")),
    ("suggestions:invitations", _("附议邀请")),
    ("suggestions:my_letters", _("我的来信")),
    ("suggestions:my_motions", _("我的议案")),
    ("training:my", _("我的学习")),
    ("training:my_record", _("履职档案")),
    ("voting:index", _("民生实事票决")),
    ("notifications:inbox", _("消息")),
]
UNIT_NAV = [
    ("suggestions:unit_inbox", _("待办建议")),
    ("suggestions:unit_letters", _("代表来信")),
    ("suggestions:unit_supervision", _("督办记录")),
    ("suggestions:unit_figures", _("本单位统计")),
    ("liaison_stations:unit_issues", _("联络站转办")),
    ("voting:unit_projects", _("民生实事项目")),
    ("notifications:inbox", _("消息")),
]
KEEPER_NAV = [
    ("liaison_stations:workspace", _("联络站工作")),
    ("notifications:inbox", _("消息")),
]
# Signed-in people see their own links first and only these public ones.
PUBLIC_NAV_SIGNED_IN = ["suggestions:public_list", "deputies:directory", "liaison_stations:directory"]
STAFF_NAV = [
    ("suggestions:staff_dashboard", _("工作台")),
    ("suggestions:staff_review", _("审查")),
    ("suggestions:staff_assign_queue", _("交办")),
    ("suggestions:staff_meetings", _("交办会")),
    ("suggestions:staff_overdue", _("超期与督办")),
    ("suggestions:staff_disclosure", _("公开审定")),
    ("suggestions:staff_letters", _("代表来信")),
    ("suggestions:staff_motions", _("议案")),
    ("training:sessions", _("学习培训")),
    ("voting:staff_overview", _("票决管理")),
    ("liaison_stations:figures", _("联络站统计")),
    ("jobs:mine", _("后台任务")),
    ("deputies:logins", _("代表账号")),
    ("policies", _("规则设置")),
    ("notifications:inbox", _("消息")),
    ("admin:index", _("管理后台")),
]


def nav_for(user):
    """The links of the user's role, then the public ones."""
    if roles.is_staff_member(user):
        own = STAFF_NAV
    elif roles.is_unit_member(user):
        own = UNIT_NAV
    elif roles.is_deputy(user):
        own = DEPUTY_NAV
    elif roles.is_station_keeper(user):
        own = KEEPER_NAV
    else:
        own = []
    items = []
    seen = set()
    public = PUBLIC_NAV if not own else [(n, label) for n, label in PUBLIC_NAV if n in PUBLIC_NAV_SIGNED_IN]
    for name, label in [*own, *public]:
        if name in seen:
            continue
        seen.add(name)
        try:
            items.append({"name": name, "url": reverse(name), "label": label})
        except NoReverseMatch:
            # An area whose pages have not landed yet has no link.
            continue
    return items


def _current(items, path):
    # The longest link that the path starts with is the current one ("/" only for itself).
    best = None
    for item in items:
        url = item["url"]
        if path == url or (url != "/" and path.startswith(url)):
            if best is None or len(url) > len(best["url"]):
                best = item
    return best


def portal(request):
    user = getattr(request, "user", None)
    items = nav_for(user)
    current = _current(items, request.path)
    for item in items:
        item["current"] = item is current
    found = badges.counts(user, [item["name"] for item in items]) if getattr(user, "is_authenticated", False) else {}
    for item in items:
        count = found.get(item["name"], 0)
        item["badge"] = badges.label(count) if count else ""
    return {
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        "PORTAL_PROVINCE": settings.PORTAL_PROVINCE_EN if (get_language() or "").startswith("en") else settings.PORTAL_PROVINCE,
        "nav_items": items,
        # The menu button carries a dot when a badge inside the closed menu waits.
        "nav_has_badge": any(found.values()),
    }
