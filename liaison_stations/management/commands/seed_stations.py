"""Demo data of liaison stations (run after seed_deputies): the station
network, stationed deputies, rota, a year of visits and issues, messages from
the public; the demo "keeper" keeps two stations in 岳麓区, the demo "deputy"
is stationed at one of them, and a few issues are forwarded to the demo
"unit" (省交通运输厅), some fed back, one overdue."""
import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from congress_portal.accounts.models import User
from deputies.models import AdministrativeArea, HandlingUnit
from liaison_stations import seeding, services
from liaison_stations.models import (
    ActivityKind,
    Frequency,
    Issue,
    ModelStation,
    Station,
    StationKind,
    StationPolicy,
    Stationing,
    WeekOfMonth,
    Weekday,
)


class Command(BaseCommand):
    help = "建立联络站演示数据:联络站网络、进站代表、接待日、来访登记、群众反映问题和转办。"

    def handle(self, *args, **options):
        if Station.objects.exists():
            self.stdout.write("liaison stations demo data already present, skipped")
            return
        if not AdministrativeArea.objects.filter(kind="county").exists():
            self.stderr.write("run seed_deputies first")
            return
        started = time.monotonic()
        rng = random.Random(2026)
        with transaction.atomic():
            StationPolicy.current()
            categories = seeding.categories()
            stations = seeding.build_stations(rng, village_points_per_township=1)
            stationed = seeding.station_deputies(stations, rng)
            rules = seeding.reception_rules(stations, rng)
            seeding.on_duty(rules, rng)
            units = list(HandlingUnit.objects.filter(is_active=True).values_list("pk", flat=True))
            seeding.bulk_visits(stations, rng, total=len(stations) * 6, categories_list=categories, unit_ids=units)
            seeding.opening_events()
            keeper_stations = self._demo_logins(rng, categories)
            last_year = timezone.localdate().year - 1
            for station in rng.sample(stations, 3) + keeper_stations[:1]:
                ModelStation.objects.get_or_create(station=station, year=last_year,
                                                   defaults={"note": "年度考评优秀"})
        self.stdout.write(
            f"stations {Station.objects.count()}, stationed deputies {stationed}, "
            f"issues {Issue.objects.count()}, in {time.monotonic() - started:.1f}s"
        )

    def _demo_logins(self, rng, categories):
        """The demo keeper's two stations, with a history made through the services."""
        keeper = User.objects.filter(username="keeper").first()
        if keeper is None:
            return []
        staff = User.objects.filter(username="staff_yuelu").first()  # 岳麓区 staff act on its stations
        unit_user = User.objects.filter(username="unit").select_related("handling_unit").first()
        deputy_user = User.objects.filter(username="deputy").select_related("deputy").first()
        yuelu = AdministrativeArea.objects.get(code="430104000000")
        main = Station.objects.get(area=yuelu, kind=StationKind.COUNTY_MAIN)
        meixihu = Station.objects.create(
            name="岳麓区梅溪湖街道人大代表联络站", kind=StationKind.TOWNSHIP_CENTRE, area=yuelu,
            address="岳麓区梅溪湖街道环湖路1号党群服务中心二楼", latitude=28.196340, longitude=112.887120,
            opening_hours="工作日 9:00-17:00,每月第一个星期三接待日", public_phone="0731-88990011",
            introduction="梅溪湖街道人大代表联络站,省、市、区三级代表定期进站接待。",
        )
        for station in (main, meixihu):
            station.keepers.add(keeper)
        deputy = getattr(deputy_user, "deputy", None)
        if deputy is not None:
            Stationing.objects.get_or_create(station=meixihu, deputy=deputy, defaults={"since": datetime.date(2023, 3, 1)})
        others = list(Stationing.objects.filter(station=main).values_list("deputy_id", flat=True)[:3])
        for deputy_id in others:
            Stationing.objects.get_or_create(station=meixihu, deputy_id=deputy_id)
        on_duty = list(meixihu.deputies.all()[:3])
        services.save_reception_rule(
            station=meixihu, actor=keeper, title="代表接待日", frequency=Frequency.MONTHLY_WEEKDAY,
            weekday=Weekday.WEDNESDAY, week_of_month=WeekOfMonth.FIRST, starts_on=datetime.date(2024, 1, 1),
            start_time=datetime.time(9, 0), end_time=datetime.time(11, 30), deputies=on_duty,
        )
        services.save_reception_rule(
            station=meixihu, actor=keeper, title="周三值班接待", frequency=Frequency.WEEKLY, weekday=Weekday.WEDNESDAY,
            starts_on=datetime.date(2024, 1, 1), start_time=datetime.time(15, 0), end_time=datetime.time(17, 0),
            deputies=on_duty[:1],
        )
        now = timezone.now()
        transport = HandlingUnit.objects.filter(name__contains="交通运输").first()
        services.save_activity(
            station=meixihu, actor=keeper, kind=ActivityKind.UNIT_IN_STATION, title="交通运输部门负责人进站答疑",
            starts_at=now + datetime.timedelta(days=9), handling_unit=transport, deputies=on_duty[:2],
            description="围绕城乡公交、道路养护听取群众意见。",
        )
        today = timezone.localdate()
        by_name = {c.name: c for c in categories}
        visits = []
        for days_ago, topics in ((40, ["交通出行", "城乡建设"]), (26, ["交通出行", "教育"]), (12, ["医疗卫生"]),
                                 (5, ["交通出行", "社会治理"]), (1, ["生态环境"])):
            visits.append(services.record_visit(
                station=meixihu, actor=keeper, received_on=today - datetime.timedelta(days=days_ago),
                deputies=on_duty[:2], people_count=len(topics) + 1, summary="接待日集中接待来访群众",
                visitors=[{"name": rng.choice(seeding.SURNAMES) + "女士", "contact": f"139{rng.randint(10000000, 99999999)}",
                           "consents_to_contact": True}],
                issues=[{"category": by_name[t], "content": seeding.ISSUES[t][0],
                         "raised_by_name": rng.choice(seeding.SURNAMES) + "先生", "consents_to_contact": True,
                         "raised_by_contact": f"138{rng.randint(10000000, 99999999)}"} for t in topics],
            ))
        issues = [i for v in visits for i in v.issues.order_by("pk")]
        if unit_user is not None:
            unit = unit_user.handling_unit
            # Fed back on time, then closed with the outcome told to the constituent.
            done = services.forward_issue(issue=issues[0], unit=unit, actor=keeper, note="请研究增加班次")
            done = services.give_feedback(issue=done, feedback=seeding.FEEDBACK[2], actor=unit_user)
            services.close_issue(issue=done, actor=keeper, outcome="已电话告知反映人:高峰班次已增加。")
            # Waiting for feedback; one of them already overdue.
            services.forward_issue(issue=issues[2], unit=unit, actor=keeper, note="请核实学校门口交通组织")
            overdue = services.forward_issue(issue=issues[5], unit=unit, actor=keeper)
            Issue.objects.filter(pk=overdue.pk).update(feedback_due_on=today - datetime.timedelta(days=2),
                                                       forwarded_at=now - datetime.timedelta(days=20))
            services.forward_issue(issue=issues[4], unit=unit, actor=keeper)
        services.answer_issue(issue=issues[3], answer=seeding.ANSWERS[0], actor=staff or keeper)
        # Messages left through the QR codes.
        for text, name, contact in (("梅溪湖二路晚上路灯不亮,行人过马路很危险。", "刘女士", "13975100000"),
                                    ("希望联络站周六也能开放接待,上班族平时来不了。", "", "")):
            services.submit_public_message(station=meixihu, content=text, name=name, contact=contact,
                                           consents_to_contact=bool(contact), client_ip="127.0.0.1")
        if deputy is not None:
            services.submit_public_message(station=meixihu, deputy=deputy, client_ip="127.0.0.1",
                                           content=f"{deputy.name[0]}代表您好,小区附近缺少公共停车位,希望能在人代会上反映。")
        return [meixihu, main]
