"""Synthetic volume for the reminder benchmark and the broker reliability
tests: handling units with a notice contact, deputies, and suggestions already
assigned (with their lead assignments), written with bulk_create in a few
statements. Not demo data (seed_notifications is); not used by the portal.

The rows are what the suggestion services would have written for an assigned
item; building 100,000 of them through the services would take many minutes."""
import datetime
import random

from django.db import transaction
from django.utils import timezone

TITLES = [
    "关于加快农村公路提档升级的建议", "关于加强基层医疗卫生人才队伍建设的建议", "关于完善城乡居民养老保险制度的建议",
    "关于推进义务教育优质均衡发展的建议", "关于加大高标准农田建设投入的建议", "关于支持民营中小企业融资的建议",
    "关于加强长江流域生态保护修复的建议", "关于提升老旧小区改造质量的建议", "关于优化营商环境审批流程的建议",
    "关于加强食品安全监管的建议",
]
UNIT_NAMES = ["发展和改革委员会", "教育厅", "财政厅", "交通运输厅", "水利厅", "农业农村厅", "卫生健康委员会",
              "生态环境厅", "住房和城乡建设厅", "人力资源和社会保障厅"]


def _id_number(serial):
    from deputies.validators import id_number_check_char

    birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=serial % 15000)
    first17 = f"{440000 + serial // 1000 % 9999:06d}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_number_check_char(first17)


@transaction.atomic
def build(*, suggestions, units, deputies=None, due_spread_days=(-60, 100), contact_phone=True, contact_email=True,
          acknowledged=True, year=None, seed=2026, prefix="批量"):
    """Create ``units`` units (each with one notice contact) and ``suggestions``
    assigned suggestions spread over them, with reply deadlines spread over
    ``due_spread_days`` around today. Returns (unit ids, suggestion ids)."""
    from deputies.models import Deputy, Gender, HandlingUnit, UnitContact
    from suggestions.models import Assignment, AssignmentState, Status, Suggestion, SuggestionCategory, UnitRole
    from suggestions.models import HandlingMode

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    year = year or today.year
    tag = f"{prefix}{rng.randrange(10**6):06d}"
    unit_rows = HandlingUnit.objects.bulk_create(
        HandlingUnit(name=f"{tag}{i:05d}{UNIT_NAMES[i % len(UNIT_NAMES)]}", short_name=f"{UNIT_NAMES[i % 10]}{i}",
                     code=f"{tag}-{i:05d}")
        for i in range(units)
    )
    UnitContact.objects.bulk_create(
        UnitContact(unit=unit, name=f"联络员{i}", position="办公室主任",
                    phone=f"13{rng.randrange(10**9):09d}" if contact_phone else "",
                    email=f"office{i}@{tag.lower()}.example.gov.cn" if contact_email else "")
        for i, unit in enumerate(unit_rows)
    )
    deputies = deputies or max(1, suggestions // 20)
    base = rng.randrange(10**6) * 10
    deputy_rows = Deputy.objects.bulk_create(
        Deputy(name=f"代表{tag}{i}", gender=Gender.FEMALE if i % 2 else Gender.MALE, id_number=_id_number(base + i),
               phone=f"139{rng.randrange(10**8):08d}")
        for i in range(deputies)
    )
    category = SuggestionCategory.objects.order_by("pk").first() or SuggestionCategory.objects.create(
        code="economy", name="经济"
    )
    first_number = (Suggestion.objects.filter(year=year, session__isnull=True).order_by("-number")
                    .values_list("number", flat=True).first() or 0) + 1
    low, high = due_spread_days
    suggestion_rows = []
    dues = []
    for i in range(suggestions):
        due = now + datetime.timedelta(days=rng.randint(low, high))
        dues.append(due)
        suggestion_rows.append(Suggestion(
            lead_deputy=deputy_rows[i % deputies], title=TITLES[i % len(TITLES)], content="建议加大投入，完善机制。",
            category=category, year=year, number=first_number + i, status=Status.ASSIGNED,
            handling_mode=HandlingMode.LEAD, submitted_at=now - datetime.timedelta(days=100),
            registered_at=now - datetime.timedelta(days=95), assigned_at=due - datetime.timedelta(days=90),
            reply_due_at=due,
        ))
    suggestion_rows = Suggestion.objects.bulk_create(suggestion_rows, batch_size=5000)
    Assignment.objects.bulk_create(
        (
            Assignment(
                suggestion=suggestion, unit=unit_rows[i % units], role=UnitRole.LEAD,
                state=AssignmentState.ACKNOWLEDGED if acknowledged else AssignmentState.PENDING,
                assigned_at=dues[i] - datetime.timedelta(days=90),
                acknowledged_at=dues[i] - datetime.timedelta(days=88) if acknowledged else None,
                reply_due_at=dues[i],
            )
            for i, suggestion in enumerate(suggestion_rows)
        ),
        batch_size=5000,
    )
    return [u.pk for u in unit_rows], [s.pk for s in suggestion_rows]
