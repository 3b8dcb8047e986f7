"""Demo data of the training app: a yearly plan for the provincial term with
induction, duty, thematic and online sessions, enrolment by rule and by hand,
attendance (the demo "deputy" attended some and has one open for check-in
now), a leave request, materials, plenary attendance, other activities, a
scoring rule set, and the stored duty records of the year. Seconds."""
import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from congress_portal.accounts.models import User
from deputies.models import Level, Mandate, MandateStatus, Occupation, Session, Term
from training import models as m
from training import services

RULES = [
    ("plenary_present", "", "3", None),
    ("suggestions_led", "", "4", "20"),
    ("suggestions_cosigned", "", "1", "5"),
    ("suggestions_registered", "", "2", None),
    ("station_receptions", "", "2", "12"),
    ("station_issues_handled", "", "1", "10"),
    ("training_hours", "", "0.5", "10"),
    ("ballots_taken_part", "", "2", None),
    ("activities_total", "", "2", "16"),
    ("plenary_absent", "无故缺席代表大会会议(次)", "-10", None),
]


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


class Command(BaseCommand):
    help = "建立学习培训与履职档案的演示数据。"

    def handle(self, *args, **options):
        if m.TrainingPlan.objects.exists():
            self.stdout.write("training demo data already present, skipped")
            return
        term = Term.objects.filter(congress__level=Level.PROVINCIAL).order_by("-start_date").first()
        staff = User.objects.filter(username="staff").first() or User.objects.filter(is_superuser=True).first()
        if term is None or staff is None:
            self.stdout.write("no provincial term or staff login: run seed_deputies first")
            return
        rng = random.Random(7)
        today = timezone.localdate()
        year = today.year
        with transaction.atomic():
            self._training(term, staff, rng, today, year)
            self._duty(term, staff, rng, year)
            self._second_mandate(year)
            self._rules()
            for y in (year - 1, year):
                services.refresh_duty_records(year=y)
        self.stdout.write(
            f"plans {m.TrainingPlan.objects.count()}, sessions {m.TrainingSession.objects.count()}, "
            f"enrolments {m.Enrolment.objects.count()}, duty records {m.DutyRecord.objects.count()}"
        )

    def _training(self, term, staff, rng, today, year):
        demo = User.objects.filter(username="deputy").first()
        demo_deputy = getattr(demo, "deputy", None) if demo else None
        organiser = "省人大常委会代表工作委员会"
        plan = m.TrainingPlan.objects.create(
            term=term, year=year, title=f"省十四届人大代表{year}年度学习培训计划",
            description="围绕宪法和代表法、预算审查监督、代表建议撰写等内容,分期分批组织代表学习培训。",
        )
        earlier = m.TrainingPlan.objects.create(term=term, year=term.start_date.year, title=f"省十四届人大代表{term.start_date.year}年度学习培训计划")
        induction = m.TrainingSession.objects.create(
            plan=earlier, title="新任省人大代表初任培训班", kind=m.SessionKind.INDUCTION, form=m.SessionForm.CLASSROOM,
            starts_at=at(term.start_date + datetime.timedelta(days=60), 9), ends_at=at(term.start_date + datetime.timedelta(days=62), 17),
            venue="省人大常委会机关培训中心", hours=Decimal("18"), organiser=organiser,
            description="人民代表大会制度、代表的权利和义务、如何提出代表建议。",
        )
        duty = m.TrainingSession.objects.create(
            plan=plan, title=f"{year}年省人大代表履职学习班(第一期)", kind=m.SessionKind.DUTY, form=m.SessionForm.CLASSROOM,
            starts_at=at(today - datetime.timedelta(days=75), 9), ends_at=at(today - datetime.timedelta(days=73), 12),
            venue="长沙·省人大常委会机关会议中心", hours=Decimal("12"), organiser=organiser,
            description="预算审查监督、国有资产管理情况报告审议、代表建议办理情况。",
        )
        field = m.TrainingSession.objects.create(
            plan=plan, title="乡村振兴专题现场教学", kind=m.SessionKind.THEMATIC, form=m.SessionForm.FIELD_VISIT,
            field=Occupation.FARMER, starts_at=at(today + datetime.timedelta(days=12), 8, 30),
            ends_at=at(today + datetime.timedelta(days=12), 17), venue="浏阳市某现代农业产业园", hours=Decimal("6"),
            organiser="省人大农业与农村委员会",
        )
        now = timezone.localtime()
        live = m.TrainingSession.objects.create(
            plan=plan, title="代表法修改专题辅导(网络直播)", kind=m.SessionKind.DUTY, form=m.SessionForm.ONLINE_LIVE,
            starts_at=now - datetime.timedelta(minutes=20), ends_at=now + datetime.timedelta(hours=3),
            venue="省人大代表履职平台直播间", hours=Decimal("3"), organiser=organiser,
        )
        services.add_enrolment_rule(session=induction, kind=m.RuleKind.NEW_DEPUTIES_OF_TERM, term=term, actor=staff)
        services.add_enrolment_rule(session=duty, kind=m.RuleKind.LEVEL, level=Level.PROVINCIAL, actor=staff)
        services.add_enrolment_rule(session=field, kind=m.RuleKind.FIELD, field=Occupation.FARMER, actor=staff)
        services.add_enrolment_rule(session=live, kind=m.RuleKind.LEVEL, level=Level.PROVINCIAL, actor=staff)
        if demo_deputy:
            for session in (induction, duty, field, live):
                services.enrol_deputies(session=session, deputies=[demo_deputy], actor=staff)
        for session, share in ((induction, 0.95), (duty, 0.85)):
            for enrolment in session.enrolments.select_related("session"):
                if enrolment.deputy_id == getattr(demo_deputy, "pk", None) or rng.random() < share:
                    services.mark_attendance(enrolment=enrolment, attended=True, actor=staff, now=session.starts_at)
        # Someone asks for leave from the field visit.
        pending = field.enrolments.exclude(deputy=demo_deputy).first()
        if pending:
            m.LeaveRequest.objects.create(enrolment=pending, reason="同期参加县人代会,申请请假。")
        for title, url, session in (
            ("中华人民共和国全国人民代表大会和地方各级人民代表大会代表法", "https://flk.npc.gov.cn/", None),
            ("怎样写好代表建议(讲义)", "https://www.npc.gov.cn/", duty),
            ("预算审查监督工作手册", "https://www.npc.gov.cn/", duty),
            ("乡村振兴政策汇编", "https://www.moa.gov.cn/", field),
        ):
            m.TrainingMaterial.objects.create(title=title, url=url, session=session)

    def _duty(self, term, staff, rng, year):
        mandates = list(
            Mandate.objects.filter(term=term, status=MandateStatus.SERVING).select_related("deputy").order_by("pk")
        )
        for session in Session.objects.filter(term=term, year__in=[year - 1, year]):
            present = [mt.deputy for mt in mandates if rng.random() < 0.93]
            services.record_plenary_attendance(session=session, deputies=present, status="present", actor=staff)
            leave = [mt.deputy for mt in mandates if mt.deputy not in present]
            services.record_plenary_attendance(session=session, deputies=leave, status="leave", actor=staff, note="因公请假")
        kinds = [
            (m.ActivityKind.INSPECTION, "视察全省农村人居环境整治工作"),
            (m.ActivityKind.RESEARCH, "开展中小学课后服务专题调研"),
            (m.ActivityKind.LAW_ENFORCEMENT, "参加食品安全法执法检查"),
            (m.ActivityKind.HEARING, "列席省人大常委会会议"),
            (m.ActivityKind.CONSTITUENTS, "向原选区选民述职"),
        ]
        rows = []
        for mandate in mandates:
            for _ in range(rng.randrange(0, 4)):
                kind, title = rng.choice(kinds)
                rows.append(m.DutyActivity(
                    deputy=mandate.deputy, congress=term.congress, kind=kind, title=title, recorded_by=staff,
                    date=datetime.date(rng.choice([year - 1, year]), rng.randrange(1, 11), rng.randrange(1, 28)),
                ))
        m.DutyActivity.objects.bulk_create(rows)

    def _second_mandate(self, year):
        """The demo deputy is a county deputy too: that county's duty training and
        an inspection there, which count in the county congress's record (the
        record page switches between the two mandates)."""
        demo = User.objects.filter(username="deputy").first()
        deputy = getattr(demo, "deputy", None) if demo else None
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        mandate = deputy.mandates.filter(level=Level.COUNTY).select_related("term__congress__area").first() if deputy else None
        if mandate is None or admin is None:
            return
        county = mandate.term.congress
        plan = m.TrainingPlan.objects.create(term=mandate.term, year=year, title=f"{county.area.name}人大代表{year}年度学习培训计划")
        start = at(datetime.date(year, 3, 18), 9)
        session = m.TrainingSession.objects.create(
            plan=plan, title=f"{year}年{county.area.name}人大代表履职学习班", kind=m.SessionKind.DUTY,
            form=m.SessionForm.CLASSROOM, starts_at=start, ends_at=start + datetime.timedelta(hours=7),
            venue=f"{county.area.name}人大常委会机关会议室", hours=Decimal("6"), organiser=f"{county.area.name}人大常委会",
        )
        services.enrol_deputies(session=session, deputies=[deputy], actor=admin)
        services.mark_attendance(enrolment=session.enrolments.get(deputy=deputy), attended=True, actor=admin, now=start)
        services.record_activity(deputy=deputy, kind=m.ActivityKind.INSPECTION, title=f"视察{county.area.name}老旧小区改造",
                                 date=datetime.date(year, 5, 20), actor=admin, congress=county)

    def _rules(self):
        rule_set = m.ScoringRuleSet.objects.create(
            name="省人大代表履职评分细则(试行)", effective_from_year=2023,
            description="按代表履职登记情况计分,各项设最高分;无故缺席会议扣分。",
        )
        for position, (metric, label, points, cap) in enumerate(RULES):
            m.ScoringItem.objects.create(
                rule_set=rule_set, metric=metric, label=label, points_per_unit=Decimal(points),
                max_points=Decimal(cap) if cap else None, position=position,
            )
