"""Demo and benchmark data for liaison stations: a station network over the
areas seed_deputies built, stationed deputies, rota rules, visits, issues.

Bulk rows go in with bulk_create (seconds for the demo, minutes at benchmark
scale); the demo keeper's own stations go through the services, so their
issues have real timelines."""
import datetime
import random

from django.utils import timezone

from deputies.models import AdministrativeArea, AreaKind, Level, Mandate, MandateStatus
from deputies.scoping import congress_finder

from .models import (
    Frequency,
    Issue,
    IssueCategory,
    IssueEvent,
    IssueSource,
    IssueStatus,
    ReceptionRule,
    Station,
    StationKind,
    Stationing,
    Visit,
    WeekOfMonth,
    Weekday,
)

CATEGORIES = ["城乡建设", "交通出行", "教育", "医疗卫生", "社会保障", "生态环境", "农业农村", "就业创业", "社会治理", "其他"]

ISSUES = {
    "城乡建设": ["小区老旧管网漏水,希望纳入老旧小区改造", "村里通组道路破损严重,雨天无法通行", "小区加装电梯协调困难,希望街道牵头"],
    "交通出行": ["镇区到县城的公交班次太少,早晚高峰挤不上车", "学校门口早晚接送拥堵,建议设置临时停车区", "国道路口没有红绿灯,事故多发"],
    "教育": ["片区小学学位紧张,希望扩建校舍", "乡村学校缺少音体美老师", "希望延长课后服务时间,方便双职工家庭"],
    "医疗卫生": ["村卫生室药品种类少,慢性病用药不方便", "社区医院周末不开门诊", "希望增加家庭医生上门服务次数"],
    "社会保障": ["高龄津贴申领手续繁琐", "灵活就业人员参保缴费渠道不清楚", "残疾人两项补贴发放不及时"],
    "生态环境": ["河道有养殖污水直排,气味很大", "夜间渣土车噪音扰民", "垃圾中转站选址离居民区太近"],
    "农业农村": ["高标准农田灌溉渠年久失修", "农产品销路不畅,希望搭建电商平台", "农机补贴政策不了解,希望上门宣讲"],
    "就业创业": ["返乡创业贷款门槛高", "希望多组织针对中年人的技能培训", "园区企业招工信息不公开"],
    "社会治理": ["小区物业服务差,业委会成立难", "楼道堆放杂物存在消防隐患", "广场舞音响声音过大影响休息"],
    "其他": ["希望在联络站增设周末接待时间", "反映的问题希望能及时回复办理进度"],
}
ANSWERS = ["代表当场解释了相关政策,群众表示理解", "已告知办理渠道和所需材料,群众表示满意", "代表当场联系社区负责人,承诺一周内处理"]
FEEDBACK = ["已安排专人现场查看,列入今年维修计划,预计下月完工", "已约谈相关企业,责令限期整改,并将持续跟踪",
            "经研究,已增加高峰时段班次两趟,自下周一起执行"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
VILLAGE_SUFFIXES = ["社区", "村"]
INDUSTRY = [("长沙经济技术开发区人大代表联络站", "430121"), ("湘雅医院人大代表联络站", "430102"),
            ("长沙市中级人民法院人大代表联络站", "430105"), ("株洲高新区人大代表联络站", "430211")]
OPENING = ["工作日 8:30-12:00,14:30-17:30", "每周一至周五 9:00-17:00", "工作日 9:00-17:00,接待日延长至19:00"]


def categories():
    existing = {c.name: c for c in IssueCategory.objects.all()}
    missing = [IssueCategory(name=n, order=i) for i, n in enumerate(CATEGORIES) if n not in existing]
    IssueCategory.objects.bulk_create(missing)
    return list(IssueCategory.objects.filter(name__in=CATEGORIES).order_by("order"))


def _coords(rng, code):
    # Roughly inside Hunan (lat 24.6-30.1, lng 108.8-114.2), stable per area code.
    local = random.Random(code)
    return (round(local.uniform(25.0, 29.8) + rng.uniform(-0.02, 0.02), 6),
            round(local.uniform(109.0, 114.0) + rng.uniform(-0.02, 0.02), 6))


def build_stations(rng, *, village_points_per_township=0, extra_per_county=0, limit=None):
    """A county main station per county, a centre station per township,
    optional village points, a few industry stations and the online station."""
    counties = list(AdministrativeArea.objects.filter(kind=AreaKind.COUNTY).order_by("code"))
    townships = list(AdministrativeArea.objects.filter(kind=AreaKind.TOWNSHIP).select_related("parent").order_by("code"))
    province = AdministrativeArea.objects.filter(kind=AreaKind.PROVINCE).order_by("code").first()
    stations = []
    congress_of = congress_finder()  # bulk_create skips Station.save, which sets it

    def add(name, kind, area, address):
        lat, lng = _coords(rng, area.code + name)
        stations.append(Station(
            name=name, kind=kind, area=area, congress_id=congress_of(area), address=address, latitude=lat, longitude=lng,
            opening_hours=rng.choice(OPENING), public_phone=f"0731-{rng.randint(80000000, 89999999)}",
            introduction=f"{name}是{area.name}人大代表联系群众的固定场所,实行代表轮流进站接待。",
        ))

    for county in counties:
        add(f"{county.name}人大代表联络总站", StationKind.COUNTY_MAIN, county, f"{county.name}人民路{rng.randint(1, 300)}号")
        for n in range(extra_per_county):
            add(f"{county.name}第{n + 1}人大代表联络站", StationKind.TOWNSHIP_CENTRE, county,
                f"{county.name}{rng.choice('东西南北')}街{rng.randint(1, 500)}号")
    for township in townships:
        add(f"{township.name}人大代表联络站", StationKind.TOWNSHIP_CENTRE, township,
            f"{township.parent.name}{township.name}政府大院")
        for n in range(village_points_per_township):
            place = f"{township.name[:2]}{rng.choice('新东西南北中')}{rng.choice(VILLAGE_SUFFIXES)}"
            add(f"{place}代表联络点{n + 1}", StationKind.VILLAGE_POINT, township, f"{township.name}{place}党群服务中心")
    by_code = {c.code[:6]: c for c in counties}
    for name, code in INDUSTRY:
        if code in by_code:
            add(name, StationKind.INDUSTRY, by_code[code], f"{by_code[code].name}")
    if province:
        add("湖南省人大代表网上联络站", StationKind.ONLINE, province, "网上接待")
    if limit is not None:
        # County main stations come first, so a limit keeps every county covered.
        stations = stations[:limit]
    return Station.objects.bulk_create(stations, batch_size=2000)


def station_deputies(stations, rng):
    """Deputies stationed where they were elected: county and township deputies
    at their area's stations, higher-level deputies at a county main station in
    their delegation's or electoral unit's area."""
    by_area = {}
    for station in stations:
        by_area.setdefault(station.area_id, []).append(station)
    county_main = {s.area.path: s for s in stations if s.kind == StationKind.COUNTY_MAIN}
    main_paths = sorted(county_main)
    rows, seen = [], set()
    mandates = (
        Mandate.objects.filter(status=MandateStatus.SERVING)
        .values_list("deputy_id", "level", "congress__area_id", "congress__area__path", "delegation__area__path",
                     "electoral_unit__area__path")
        .order_by("pk")
    )
    for deputy_id, level, area_id, area_path, delegation_path, eu_path in mandates.iterator(chunk_size=5000):
        if level in (Level.COUNTY, Level.TOWNSHIP):
            candidates = by_area.get(area_id, [])
        else:
            prefix = delegation_path or eu_path or area_path or ""
            candidates = [county_main[p] for p in main_paths if p.startswith(prefix)][:12] or []
        if not candidates:
            continue
        station = rng.choice(candidates)
        if (station.pk, deputy_id) in seen:
            continue
        seen.add((station.pk, deputy_id))
        rows.append(Stationing(station=station, deputy_id=deputy_id, since=datetime.date(2023, 3, 1)))
    Stationing.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def reception_rules(stations, rng):
    rules = []
    for station in stations:
        pick = rng.random()
        if pick < 0.4:
            rule = ReceptionRule(frequency=Frequency.WEEKLY, weekday=rng.choice([Weekday.WEDNESDAY, Weekday.THURSDAY]))
        elif pick < 0.8:
            rule = ReceptionRule(frequency=Frequency.MONTHLY_WEEKDAY, weekday=Weekday.WEDNESDAY,
                                 week_of_month=rng.choice([WeekOfMonth.FIRST, WeekOfMonth.THIRD]))
        else:
            rule = ReceptionRule(frequency=Frequency.MONTHLY_DAY, day_of_month=rng.choice([10, 15, 20]))
        rule.station = station
        rule.title = "代表接待日"
        rule.starts_on = datetime.date(2024, 1, 1)
        rule.start_time = datetime.time(9, 0)
        rule.end_time = datetime.time(11, 30)
        rules.append(rule)
    return ReceptionRule.objects.bulk_create(rules, batch_size=2000)


def on_duty(rules, rng):
    """Two stationed deputies on duty per rule."""
    stationed = {}
    for station_id, deputy_id in Stationing.objects.values_list("station_id", "deputy_id").order_by("pk").iterator(chunk_size=10000):
        bucket = stationed.setdefault(station_id, [])
        if len(bucket) < 6:
            bucket.append(deputy_id)
    through = ReceptionRule.deputies.through
    rows = []
    for rule in rules:
        for deputy_id in rng.sample(stationed.get(rule.station_id, []), min(2, len(stationed.get(rule.station_id, [])))):
            rows.append(through(receptionrule_id=rule.pk, deputy_id=deputy_id))
    through.objects.bulk_create(rows, batch_size=5000)


def bulk_visits(stations, rng, *, total, issue_ratio=0.6, days=365, categories_list, unit_ids=(), batch=20000,
                progress=None):
    """``total`` visit records spread over the stations and the last ``days``
    days, with issues for ``issue_ratio`` of them in every state."""
    today = timezone.localdate()
    now = timezone.now()
    station_ids = [s.pk for s in stations]
    made = 0
    while made < total:
        size = min(batch, total - made)
        visits = [
            Visit(station_id=rng.choice(station_ids), received_on=today - datetime.timedelta(days=rng.randrange(days)),
                  people_count=rng.choice([1, 1, 1, 2, 2, 3, 5]), summary="代表接待来访群众,听取意见建议")
            for _ in range(size)
        ]
        Visit.objects.bulk_create(visits, batch_size=5000)
        issues = []
        for visit in visits:
            if rng.random() >= issue_ratio:
                continue
            category = rng.choice(categories_list)
            created = timezone.make_aware(datetime.datetime.combine(visit.received_on, datetime.time(10, rng.randrange(60))))
            issue = Issue(station_id=visit.station_id, source=IssueSource.VISIT, visit=visit, category=category,
                          content=rng.choice(ISSUES[category.name]), created_at=min(created, now),
                          raised_by_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "大爷", "阿姨"]))
            _random_state(issue, rng, unit_ids, today)
            issues.append(issue)
        Issue.objects.bulk_create(issues, batch_size=5000)
        made += size
        if progress:
            progress(made)
    return made


def _random_state(issue, rng, unit_ids, today):
    pick = rng.random()
    created_day = timezone.localdate(issue.created_at)
    if pick < 0.2:
        return
    if pick < 0.55 or not unit_ids:
        issue.status = IssueStatus.ANSWERED
        issue.answer = issue.outcome = rng.choice(ANSWERS)
        issue.resolved_at = issue.created_at
        return
    issue.status = IssueStatus.FORWARDED
    issue.forwarded_unit_id = rng.choice(unit_ids)
    issue.forwarded_at = issue.created_at
    issue.feedback_due_on = created_day + datetime.timedelta(days=15)
    if pick < 0.9 and issue.feedback_due_on < today:
        issue.status = IssueStatus.FEEDBACK
        issue.feedback = issue.outcome = rng.choice(FEEDBACK)
        issue.feedback_at = issue.created_at + datetime.timedelta(days=rng.randint(3, 20))
        issue.resolved_at = issue.feedback_at


def opening_events():
    """An "open" event for issues that have none (bulk rows), so every timeline starts."""
    missing = Issue.objects.filter(events__isnull=True).values_list("pk", "created_at")
    IssueEvent.objects.bulk_create(
        [IssueEvent(issue_id=pk, move="register_at_visit", new_status=IssueStatus.OPEN, at=at, note="来访登记")
         for pk, at in missing.iterator()],
        batch_size=5000,
    )
