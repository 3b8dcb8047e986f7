"""Demo suggestions: dozens in every status, some published, using the
objects and logins of seed_deputies (the demo deputy leads items in several
statuses; the demo unit, 省交通运输厅, has an inbox). Everything goes through
the services, so the timelines are real."""
import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from congress_portal.accounts.models import User
from congress_portal.workdays import local_today
from deputies.local_demo import local_congresses, local_units
from deputies.models import Deputy, HandlingUnit, Level, MandateStatus, Session
from deputies.scoping import units_for_congress
from suggestions import services
from suggestions.demo_beside import seed_beside
from suggestions.demo_history import build_history
from suggestions.models import (
    Assignment,
    Disclosure,
    HandlingMode,
    ResultCategory,
    Satisfaction,
    Status,
    Suggestion,
    SuggestionCategory,
)
from suggestions.unit_functions import seed_unit_functions

TOPICS = [
    ("transport", "关于加快推进农村公路提质改造的建议", "我省部分县乡公路路面破损、养护资金不足，建议设立农村公路养护专项资金，推行“路长制”。"),
    ("transport", "关于优化长株潭城际公交线路的建议", "城际公交换乘不便、班次偏少，建议统筹开通跨市快线并实行一卡通行。"),
    ("transport", "关于完善高速公路服务区充电设施的建议", "节假日新能源汽车充电排队严重，建议加密服务区充电桩布局。"),
    ("education", "关于加强乡村教师队伍建设的建议", "乡村学校教师流失较多，建议提高乡村教师生活补助并完善周转房建设。"),
    ("education", "关于推进职业教育产教融合的建议", "建议支持职业院校与园区企业共建实训基地，落实企业参与职业教育的税费优惠。"),
    ("health", "关于提升县域医疗服务能力的建议", "建议加大县级医院重点专科建设投入，推动优质医疗资源下沉。"),
    ("health", "关于完善基层医保报销便民服务的建议", "异地就医备案手续繁琐，建议推广线上备案和一站式结算。"),
    ("agriculture", "关于支持高标准农田建设后期管护的建议", "部分高标准农田建成后管护主体不明确，建议建立管护经费保障机制。"),
    ("agriculture", "关于扶持油茶产业高质量发展的建议", "建议加大低产油茶林改造补贴力度，培育龙头加工企业。"),
    ("environment", "关于加强洞庭湖区水环境治理的建议", "建议统筹推进湖区沟渠塘坝清淤和农业面源污染治理。"),
    ("environment", "关于推进城乡生活垃圾分类的建议", "建议完善农村垃圾收运处置体系，推行积分兑换激励。"),
    ("social", "关于完善农村养老服务体系的建议", "建议推广互助养老模式，加大乡镇敬老院改造提升力度。"),
    ("social", "关于保障新就业形态劳动者权益的建议", "建议扩大外卖骑手、网约车司机职业伤害保障试点范围。"),
    ("urban", "关于加快老旧小区加装电梯的建议", "建议简化加装电梯审批流程，允许使用住房公积金支付加装费用。"),
    ("urban", "关于治理城区内涝的建议", "汛期部分路段积水严重，建议加快排水管网改造和海绵城市建设。"),
    ("economy", "关于支持中小微企业纾困发展的建议", "建议落实减税降费政策，拓宽中小企业融资渠道。"),
    ("economy", "关于加快县域商业体系建设的建议", "建议支持建设县级物流配送中心，完善农村电商服务站点。"),
    ("culture", "关于加强传统村落保护利用的建议", "建议设立传统村落保护专项资金，鼓励社会资本参与活化利用。"),
    ("law", "关于加强未成年人网络保护的建议", "建议压实平台主体责任，完善未成年人模式。"),
    ("other", "关于规范涉企行政检查的建议", "建议推行“综合查一次”，减少对企业正常经营的干扰。"),
]

# Past items with varied texts (suggestions.demo_texts), closed, dated over two years.
HISTORY_ITEMS = 160

# (status, how many) — dozens, every status present.
PLAN = [
    (Status.SUBMITTED, 6), (Status.WITHDRAWN, 1), (Status.NOT_REGISTERED, 2), (Status.REGISTERED, 4),
    (Status.ASSIGNED, 12), (Status.REPLIED, 5), (Status.REHANDLING, 3), (Status.CLOSED, 10),
    (Status.FOLLOWUP, 3), (Status.FOLLOWUP_REPLIED, 2),
]  # fmt: skip
DEPUTY_STATUSES = {Status.SUBMITTED, Status.ASSIGNED, Status.REPLIED, Status.REHANDLING, Status.CLOSED, Status.FOLLOWUP}


class Command(BaseCommand):
    help = "建立代表建议演示数据（需先运行 seed_deputies）。"

    def handle(self, *args, **options):
        if Suggestion.objects.exists():
            self.stdout.write("suggestions demo data already present, skipped")
            seed_beside(self.stdout)  # each part added once
            return
        try:
            staff = User.objects.get(username="staff")
            deputy_user = User.objects.get(username="deputy")
            unit_user = User.objects.get(username="unit")
        except User.DoesNotExist:
            self.stderr.write("seed_deputies has not run: no demo logins, skipped")
            return
        started = time.monotonic()
        rng = random.Random(2026)
        with transaction.atomic():
            made = self._seed(rng, staff, deputy_user, unit_user)
        self.stdout.write(f"suggestions {made}, in {time.monotonic() - started:.1f}s")
        seed_beside(self.stdout)

    def _seed(self, rng, staff, deputy_user, unit_user):
        session = Session.objects.filter(term__congress__level=Level.PROVINCIAL).order_by("-year", "-number").first()
        pool = list(
            Deputy.objects.filter(mandates__level=Level.PROVINCIAL, mandates__status=MandateStatus.SERVING)
            .exclude(pk=deputy_user.deputy.pk).distinct().order_by("pk")[:60]
        )
        demo_unit = unit_user.handling_unit
        units = list(HandlingUnit.objects.filter(is_active=True).exclude(pk=demo_unit.pk).order_by("code")[:12]) or [demo_unit]
        categories = {c.code: c for c in SuggestionCategory.objects.all()}
        results = list(ResultCategory.objects.order_by("code"))
        users = {}

        def member(unit):
            if unit.pk == demo_unit.pk:
                return unit_user
            if unit.pk not in users:
                users[unit.pk] = User.objects.create_user(
                    username=f"unit-{unit.code}".lower(), role="unit", handling_unit=unit, display_name=f"{unit} 联络员", password=None
                )
            return users[unit.pk]

        lead_users = {}

        def login_for(deputy):
            if deputy.user_id:
                return deputy.user
            if deputy.pk not in lead_users:
                u = User.objects.create_user(username=f"deputy-{deputy.pk}", role="deputy", display_name=deputy.name, password=None)
                deputy.user = u
                deputy.save(update_fields=["user"])
                lead_users[deputy.pk] = u
            return lead_users[deputy.pk]

        made, n = 0, 0
        today = local_today()
        for status, count in PLAN:
            for i in range(count):
                code, title, content = TOPICS[n % len(TOPICS)]
                n += 1
                mine = status in DEPUTY_STATUSES and i == 0
                lead = deputy_user.deputy if mine else pool[n % len(pool)]
                lead_user = deputy_user if mine else login_for(lead)
                co = [d for d in rng.sample(pool, 2) if d != lead]
                during = rng.random() < 0.7
                s = services.submit_suggestion(
                    lead_deputy=lead, title=title, content=content, category=categories[code],
                    during_session=during and session is not None, session=session if during else None,
                    year=session.year if session else today.year, disclosure_consent=rng.random() < 0.85,
                    co_signers=co, actor=staff if rng.random() < 0.2 else lead_user,
                )  # fmt: skip
                for d in co[:1]:
                    services.respond_to_cosign(suggestion=s, actor=login_for(d), accept=True)
                made += 1
                self._advance(s, status, rng, staff, lead_user, demo_unit, units, member, results, i, today)
        # Units' functions keywords, and a varied history of past items (some re-assigned,
        # some merged) for the similar suggestions and the recommended units.
        seed_unit_functions()
        history = build_history(
            count=HISTORY_ITEMS, staff=staff, deputies=pool, rng=rng,
            # Provincial items go to units that may answer the provincial congress (not a county's bureaus).
            units={u.short_name: u for u in units_for_congress(session.term.congress).filter(is_active=True) if u.short_name},
        )
        made += history["items"]
        made += self._local(rng, categories)
        made += self._second_mandate(deputy_user.deputy, categories)
        # The demo deputy's unfinished draft (seen by them alone).
        services.save_draft(
            lead_deputy=deputy_user.deputy, actor=deputy_user, title="关于推进城乡公交一体化的建议（草稿）",
            content="目前我省部分县市城乡公交线路衔接不畅，", category=categories.get("transport"), co_signers=pool[:1],
        )  # fmt: skip
        return made + 1

    def _second_mandate(self, deputy, categories):
        """The demo deputy is also a county deputy: an item of that county's
        plenary, entered and registered there (by the superuser: the demo has no
        staff login for that county), so that the deputy's pages show each
        mandate's work labelled by its congress."""
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        session = (
            Session.objects.filter(term__mandates__deputy=deputy, term__congress__level=Level.COUNTY)
            .order_by("-year", "-number").first()
        )
        if admin is None or session is None:
            return 0
        s = services.submit_suggestion(
            lead_deputy=deputy, title="关于增设社区老年助餐点的建议", category=categories["health"],
            content=f"{session.term.congress.area.name}部分老旧小区老年人就餐不便，建议在社区增设老年助餐点。",
            actor=admin, during_session=True, session=session, disclosure_consent=True,
        )
        services.register_suggestion(suggestion=s, actor=admin)
        return 1

    def _local(self, rng, categories):
        """A few items of each local congress (deputies.local_demo), entered,
        registered and assigned by its own staff to its own units."""
        made = 0
        for login, congress in local_congresses():
            staff = User.objects.filter(username=login).first()
            units = local_units(congress)
            deputies = list(
                Deputy.objects.filter(mandates__congress=congress, mandates__status=MandateStatus.SERVING)
                .distinct().order_by("pk")[:3]
            )
            if staff is None or not units or not deputies:
                continue
            for i, lead in enumerate(deputies):
                code, title, content = TOPICS[(i * 7 + congress.pk) % len(TOPICS)]
                s = services.submit_suggestion(
                    lead_deputy=lead, title=title, content=content.replace("我省", congress.area.name),
                    category=categories[code], actor=staff, disclosure_consent=True,
                )
                made += 1
                if i == 2:
                    continue  # waiting for review
                services.register_suggestion(suggestion=s, actor=staff)
                if i == 0:
                    services.assign_suggestion(suggestion=s, actor=staff, lead_unit=units[0], co_units=units[1:2])
        return made

    def _advance(self, s, status, rng, staff, lead_user, demo_unit, units, member, results, i, today):
        if status == Status.SUBMITTED:
            return
        if status == Status.WITHDRAWN:
            services.withdraw_suggestion(suggestion=s, actor=lead_user, reason="拟修改后重新提出")
            return
        if status == Status.NOT_REGISTERED:
            services.reject_suggestion(suggestion=s, actor=staff, reason="属于个人诉求，不宜作为代表建议", forward_as_letter=True)
            return
        services.register_suggestion(suggestion=s, actor=staff)
        if status == Status.REGISTERED:
            return
        others = rng.sample(units, min(2, len(units)))
        split = i % 4 == 3 and len(others) >= 1
        if split:
            services.assign_suggestion(suggestion=s, actor=staff, mode=HandlingMode.SPLIT, split_units=[(demo_unit, "道路建设部分"), (others[0], "资金保障部分")])
        elif i % 2 == 0:
            services.assign_suggestion(suggestion=s, actor=staff, lead_unit=demo_unit, co_units=others[:1])
        else:
            services.assign_suggestion(suggestion=s, actor=staff, lead_unit=others[0], co_units=[demo_unit])
        if i % 5 == 1:
            services.mark_key_supervision(suggestion=s, actor=staff, supervising_leader="省人大常委会副主任 王建国", supervising_committee="财政经济委员会")
        assignments = list(Assignment.objects.filter(suggestion=s, is_active=True).select_related("unit"))
        if status == Status.ASSIGNED:
            # Some waiting to be acknowledged, some in hand, a few overdue (assigned months ago).
            for a in assignments:
                if i % 3:
                    services.acknowledge_assignment(assignment=a, actor=member(a.unit))
            if i % 4 == 2:
                past = timezone.now() - datetime.timedelta(days=100)
                Assignment.objects.filter(suggestion=s).update(assigned_at=past, reply_due_at=past + datetime.timedelta(days=92))
                Suggestion.objects.filter(pk=s.pk).update(assigned_at=past, reply_due_at=past + datetime.timedelta(days=92))
            return
        for a in assignments:
            services.acknowledge_assignment(assignment=a, actor=member(a.unit))
            if a.role == "co":
                services.submit_co_opinion(assignment=a, actor=member(a.unit), content="我单位同意主办单位意见，将在职责范围内予以配合。")
            else:
                services.log_contact(assignment=a, actor=member(a.unit), stage="before", method="phone", contacted_at=timezone.now(), note="电话联系领衔代表，了解建议背景和具体诉求。")
        for a in assignments:
            if a.role != "co":
                services.reply_to_suggestion(
                    assignment=a, actor=member(a.unit), letter=f"{s.lead_deputy.name}代表：您提出的《{s.title}》收悉。经认真研究，现答复如下：……",
                    result_category=results[(i + len(a.unit.name)) % 3], signed_off_by="分管副厅长",
                )  # fmt: skip
        if status == Status.REPLIED:
            return
        replies = list(s.replies.filter(is_current=True))
        if status == Status.REHANDLING:
            services.rate_reply(reply=replies[0], actor=lead_user, process_rating=Satisfaction.MOSTLY, result_rating=Satisfaction.NOT_SATISFIED, comment="答复内容较笼统，未提出具体解决措施。")
            return
        for r in replies:
            services.rate_reply(reply=r, actor=lead_user, process_rating=Satisfaction.SATISFIED, result_rating=rng.choice([Satisfaction.SATISFIED, Satisfaction.MOSTLY]))
        s.refresh_from_db()
        if i % 3 != 2:
            services.decide_disclosure(
                suggestion=s, actor=staff, mode=Disclosure.FULL if s.disclosure_consent else Disclosure.SUMMARY,
                summary="" if s.disclosure_consent else f"代表建议{s.title[2:-3]}，承办单位已答复并落实。",
                reason="" if s.disclosure_consent else "代表不同意全文公开，按摘要公开",
            )  # fmt: skip
        if status == Status.CLOSED:
            return
        rnd = services.open_followup_round(title=f"{s.year}年度代表建议办理“回头看”", suggestions=[s], due_date=today + datetime.timedelta(days=30), actor=staff, year=s.year)
        if status == Status.FOLLOWUP:
            return
        for item in rnd.items.select_related("assignment__unit"):
            services.submit_second_reply(item=item, actor=member(item.assignment.unit), content="答复中承诺的事项已全部落实，项目已完工。")
