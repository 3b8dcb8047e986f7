"""Demo data of the voting app, all through the services: in the demo deputy's
county congress, last plenary's ballot finished (collection, merging, review,
paper and phone ballots, tally, publication, implementation, rating) and this
plenary's ballot open, with the demo "deputy" marked present and not yet voted."""
import datetime
import io
import random
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from congress_portal.accounts.models import Role, User
from deputies.local_demo import local_congresses, local_units
from deputies.models import Deputy, Gender, HandlingUnit, Level, Mandate, MandateStatus, Party, Session
from deputies.seeding import GIVEN_CHARS, SURNAMES
from deputies.validators import id_number_check_char
from voting import services
from voting.models import Ballot, ProjectCall, ProjectStatus, ReviewDecision, ReviewStage, Satisfaction

ELECTORATE = 45  # a small county congress; the demo province seeds four a county

UNITS = [
    ("住房和城乡建设局", "住建局"), ("水利局", "水利局"), ("教育局", "教育局"), ("卫生健康局", "卫健局"),
    ("交通运输局", "交通局"), ("民政局", "民政局"), ("城市管理局", "城管局"), ("农业农村局", "农业农村局"),
]

FINISHED = [  # title, unit index, budget (万元), description
    ("城区老旧小区改造提质", 0, 4200, "改造城区2000年前建成的老旧小区32个，完善水电气路和加装电梯。"),
    ("农村饮水安全巩固提升", 1, 2600, "新建和改造供水管网180公里，解决12个村季节性缺水。"),
    ("中小学校食堂改造", 2, 1500, "改造18所农村中小学食堂，实现明厨亮灶。"),
    ("乡镇卫生院服务能力提升", 3, 1800, "为8个乡镇卫生院配置DR、彩超等设备，培训基层医生。"),
    ("城乡公交一体化", 4, 2100, "新开通城乡公交线路6条，更新新能源公交车40辆。"),
    ("农村道路安全防护", 4, 900, "在临水临崖路段新建波形护栏60公里。"),
    ("县城公共停车场建设", 6, 1300, "新建公共停车场4处，新增停车位800个。"),
    ("居家养老服务中心建设", 5, 1100, "建设社区居家养老服务中心10个，提供助餐助浴服务。"),
]
UPCOMING = [
    ("城区雨污分流改造", 0, 3800), ("全民健身场地建设", 2, 700), ("农贸市场提质改造", 6, 1200),
    ("婴幼儿托育服务建设", 3, 600), ("农村人居环境整治", 7, 2400), ("学校周边交通安全整治", 4, 500),
    ("社区长者食堂", 5, 450), ("背街小巷改造", 6, 1600), ("城乡公厕改造", 6, 520),
    ("智慧养老服务平台", 5, 380), ("河道综合治理", 1, 3100), ("城区学位扩容", 2, 5200),
]


def _png(text_seed):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (60 + text_seed * 20 % 150, 120, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(f"site-{text_seed}.png", buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "建立民生实事项目票决演示数据：一个县级人大已完成的票决和一个正在投票的票决。"

    def handle(self, *args, **options):
        if ProjectCall.objects.exists():
            self.stdout.write("voting demo data already present, skipped")
            return
        staff = User.objects.filter(username="staff").first() or User.objects.filter(role=Role.STAFF).first()
        if staff is None:
            self.stdout.write("no staff user (run seed_deputies first), skipped")
            return
        mandate = self._demo_mandate()
        if mandate is None:
            self.stdout.write("no county congress with serving deputies, skipped")
            return
        started = time.monotonic()
        self.rng = random.Random(2026)
        with transaction.atomic():
            congress, term = mandate.congress, mandate.term
            # Each congress's ballots are run by its own staff (or a superuser).
            self.staff = (
                User.objects.filter(role=Role.STAFF, congress=congress).first()
                or User.objects.filter(is_superuser=True).first() or staff
            )
            self._top_up_electorate(term)
            units = self._units(congress)
            year = timezone.localdate().year
            finished = self._finished_ballot(congress, term, units, year)
            current = self._open_ballot(congress, term, units, year + 1, mandate.deputy)
            for login, local in local_congresses():
                if local.pk != congress.pk:
                    self._local_ballot(local, User.objects.get(username=login), year + 1)
        self.stdout.write(
            f"{congress}: ballot '{finished.title}' published, ballot '{current.title}' open "
            f"({current.electors.count()} on the roll) in {time.monotonic() - started:.1f}s"
        )

    # ------------------------------------------------------------------ people
    def _demo_mandate(self):
        serving = Mandate.objects.filter(status=MandateStatus.SERVING, level=Level.COUNTY).select_related("congress", "term", "deputy")
        demo = Deputy.objects.filter(user__username="deputy").first()
        if demo is not None:
            mine = serving.filter(deputy=demo).order_by("-start_date").first()
            if mine is not None:
                return mine
        return serving.order_by("congress_id").first()

    def _top_up_electorate(self, term):
        """Grow the demo county congress to a realistic size (the deputies seed keeps four a county)."""
        have = Mandate.objects.filter(term=term, status=MandateStatus.SERVING).count()
        area = term.congress.area.code[:6]
        existing = set(Deputy.objects.filter(id_number__startswith=area).values_list("id_number", flat=True))
        people, serial = [], 900
        while have + len(people) < ELECTORATE:
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 13000))
            first17 = f"{area}{birth:%Y%m%d}{serial:03d}"
            serial -= 1
            id_number = first17 + id_number_check_char(first17)
            if id_number in existing:
                continue
            name = self.rng.choice(SURNAMES.replace("欧阳", "")) + self.rng.choice(GIVEN_CHARS) + self.rng.choice(GIVEN_CHARS)
            people.append(Deputy(
                name=name, gender=self.rng.choice([Gender.MALE, Gender.FEMALE]), birth_date=birth, id_number=id_number,
                party=self.rng.choice([Party.CPC, Party.CPC, Party.NONE]), work_unit=f"{term.congress.area.name}某单位",
            ))
        Deputy.objects.bulk_create(people)
        Mandate.objects.bulk_create([
            Mandate(deputy=p, congress=term.congress, term=term, level=term.congress.level, start_date=term.start_date) for p in people
        ])

    def _units(self, congress):
        units = []
        for i, (name, short) in enumerate(UNITS):
            unit, _ = HandlingUnit.objects.get_or_create(
                name=f"{congress.area.name}{name}",
                defaults={"short_name": f"{congress.area.name}{short}", "code": f"V{congress.area.code}{i:02d}", "area": congress.area},
            )
            units.append(unit)
        return units

    def _unit_member(self, unit):
        user, _ = User.objects.get_or_create(
            username=f"unit-{unit.code.lower()}", defaults={"role": Role.UNIT, "handling_unit": unit, "display_name": f"{unit} 联络员"}
        )
        return user

    # ------------------------------------------------------------------ cycle
    def _collect(self, congress, units, year, titles):
        call = services.create_call(
            congress=congress, year=year, title=f"{year}年民生实事候选项目征集",
            description="面向社会公众、人大代表和政府部门征集下一年度民生实事候选项目。",
            opens_on=datetime.date(year - 1, 9, 1), closes_on=datetime.date(year - 1, 10, 31), actor=self.staff,
        )
        day = call.opens_on + datetime.timedelta(days=10)
        projects = []
        for i, (title, unit_index, budget, *rest) in enumerate(titles):
            description = rest[0] if rest else f"{title}，惠及全县群众。"
            proposals = [services.submit_public_proposal(
                call=call, title=title, description=description, estimated_budget=budget, area=congress.area.name,
                responsible_department=units[unit_index].name, client_address=f"10.8.{i}.1", today=day,
                proposer_name="群众" if i % 2 else "", now=timezone.now(),
            )]
            if i % 3 == 0:  # a duplicate from another source, merged on adoption
                proposals.append(services.submit_public_proposal(
                    call=call, title=f"关于{title}的建议", description=description, client_address=f"10.9.{i}.1", today=day,
                ))
            projects.append(services.adopt_proposals(
                proposals=proposals, actor=self.staff, title=title, estimated_budget=budget, responsible_unit=units[unit_index],
            ))
        extra = services.submit_public_proposal(
            call=call, title="县城旅游集散中心建设", description="投资较大，建议列入储备库。", estimated_budget=9000,
            client_address="10.7.0.1", today=day,
        )
        services.move_to_reserve(project=services.adopt_proposals(proposals=[extra], actor=self.staff), actor=self.staff)
        return call, projects

    def _local_ballot(self, congress, staff, year):
        """A local congress's (deputies.local_demo) ballot in review: its call, three
        adopted proposals and a shortlist of three for two seats, by its own staff."""
        units = local_units(congress) or self._units(congress)
        call = services.create_call(
            congress=congress, year=year, title=f"{year}年民生实事候选项目征集",
            description="面向社会公众、人大代表和政府部门征集下一年度民生实事候选项目。",
            opens_on=datetime.date(year - 1, 9, 1), closes_on=datetime.date(year - 1, 10, 31), actor=staff,
        )
        day = call.opens_on + datetime.timedelta(days=10)
        projects = []
        for i, (title, _unit_index, budget) in enumerate(UPCOMING[:3]):
            proposal = services.submit_public_proposal(
                call=call, title=title, description=f"{title}，惠及{congress.area.name}群众。", estimated_budget=budget,
                area=congress.area.name, client_address=f"10.6.{congress.pk % 250}.{i + 1}", today=day, now=timezone.now(),
            )
            projects.append(services.adopt_proposals(
                proposals=[proposal], actor=staff, title=title, estimated_budget=budget, responsible_unit=units[i % len(units)],
            ))
        session = Session.objects.filter(term__congress=congress, year=year).first()
        ballot = services.create_ballot(call=call, title=f"{year}年民生实事项目票决", seats=2, session=session, actor=staff)
        services.set_candidates(ballot=ballot, projects=projects, actor=staff)
        services.submit_for_review(ballot=ballot, actor=staff)
        # Adopted after the shortlist went to review: a candidate the staff's
        # 新建票决 page offers for another ballot.
        title, _unit_index, budget = UPCOMING[3]
        late = services.submit_public_proposal(
            call=call, title=title, description=f"{title}，惠及{congress.area.name}群众。", estimated_budget=budget,
            area=congress.area.name, client_address=f"10.6.{congress.pk % 250}.9", today=day, now=timezone.now(),
        )
        services.adopt_proposals(proposals=[late], actor=staff, title=title, estimated_budget=budget, responsible_unit=units[0])
        return ballot

    def _ready(self, congress, term, call, projects, seats):
        session = term.sessions.filter(year=call.year).first()
        ballot = services.create_ballot(call=call, title=f"{call.year}年民生实事项目票决", seats=seats, session=session, actor=self.staff)
        services.set_candidates(ballot=ballot, projects=projects, actor=self.staff)
        services.submit_for_review(ballot=ballot, actor=self.staff)
        day = datetime.date(call.year - 1, 11, 20)
        for stage in ReviewStage.sequence_for(congress.pk):
            services.record_review(ballot=ballot, stage=stage, decided_on=day, decision=ReviewDecision.Decision.APPROVED, actor=self.staff, note="同意提请大会票决。")
            day += datetime.timedelta(days=10)
        services.open_voting(ballot=ballot, actor=self.staff)
        return Ballot.objects.get(pk=ballot.pk)

    def _paper_votes(self, ballot, deputy_ids, weights):
        candidates = list(ballot.candidates.order_by("order"))
        for start in range(0, len(deputy_ids), 15):
            chunk = deputy_ids[start:start + 15]
            ballots = []
            for _ in chunk:
                approved = set()
                for c, w in zip(candidates, weights):
                    if self.rng.random() < w and len(approved) < ballot.seats:
                        approved.add(c.pk)
                ballots.append({str(c.pk): "for" if c.pk in approved else self.rng.choice(["against", "abstain"]) for c in candidates})
            services.enter_paper_batch(ballot=ballot, label=f"第{start // 15 + 1}批", deputy_ids=chunk, ballots=ballots, actor=self.staff)

    def _finished_ballot(self, congress, term, units, year):
        call, projects = self._collect(congress, units, year, FINISHED)
        ballot = self._ready(congress, term, call, projects, seats=6)
        roll = list(ballot.electors.values_list("deputy_id", flat=True).order_by("deputy_id"))
        present = roll[: len(roll) - 3]
        services.record_attendance(ballot=ballot, present_deputy_ids=present, actor=self.staff)
        self._paper_votes(ballot, present, [0.95, 0.9, 0.85, 0.8, 0.75, 0.55, 0.4, 0.3])
        services.close_voting(ballot=ballot, actor=self.staff)
        services.tally_ballot(ballot=ballot, actor=self.staff)
        services.publish_results(ballot=ballot, actor=self.staff)
        published = timezone.localtime(Ballot.objects.get(pk=ballot.pk).published_at).date()
        chosen = list(call.projects.filter(status=ProjectStatus.CHOSEN).select_related("responsible_unit").order_by("pk"))
        for i, project in enumerate(chosen):
            services.add_milestone(project=project, title="完成立项和招标", due_on=published + datetime.timedelta(days=60), actor=self.staff)
            services.add_milestone(project=project, title="主体工程完工", due_on=published + datetime.timedelta(days=240), actor=self.staff)
            member = self._unit_member(project.responsible_unit)
            services.submit_progress_report(
                project=project, actor=member, reported_on=published + datetime.timedelta(days=30), percent_done=15 + 5 * i,
                narrative="已完成项目立项，正在组织招标。", photos=[(_png(i), "项目现场")] if i < 2 else [],
            )
            if i % 2 == 0:
                services.record_inspection(
                    project=project, inspected_on=published + datetime.timedelta(days=45), deputies=list(Deputy.objects.filter(pk__in=present[:3])),
                    findings="进度基本符合计划，建议加快施工。", actor=self.staff,
                )
        services.open_rating(call=call, actor=self.staff)
        ratings = [Satisfaction.SATISFIED] * 6 + [Satisfaction.MOSTLY] * 3 + [Satisfaction.NOT]
        raters = list(Deputy.objects.filter(pk__in=present).exclude(user__isnull=True)[:1])
        for project in chosen:
            for deputy in raters:
                services.rate_project(project=project, actor=deputy.user, rating=self.rng.choice(ratings))
        services.publish_ratings(call=call, actor=self.staff)
        return ballot

    def _open_ballot(self, congress, term, units, year, demo_deputy):
        call, projects = self._collect(congress, units, year, [(t, u, b) for t, u, b in UPCOMING])
        ballot = self._ready(congress, term, call, projects, seats=10)
        roll = list(ballot.electors.values_list("deputy_id", flat=True).order_by("deputy_id"))
        present = [d for d in roll if d == demo_deputy.pk or self.rng.random() < 0.9]
        services.record_attendance(ballot=ballot, present_deputy_ids=present, actor=self.staff)
        voted = [d for d in present if d != demo_deputy.pk][: len(present) // 2]
        self._paper_votes(ballot, voted, [0.9, 0.6, 0.85, 0.7, 0.9, 0.8, 0.75, 0.65, 0.6, 0.4, 0.85, 0.9])
        return ballot
