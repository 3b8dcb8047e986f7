"""The recommended lead unit: on a fresh database the seeded functions alone
put the right department first for plain cases; with history, the similar
items' final units (after approved re-assignments) lead."""
import pytest

from deputies.models import HandlingUnit
from suggestions import recommend, services
from suggestions.models import UnitFunctions
from suggestions.unit_functions import FUNCTIONS, seed_unit_functions
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(db):
    units = {}
    for i, short in enumerate(FUNCTIONS, start=1):
        units[short] = HandlingUnit.objects.create(name=f"湖南{short}{i}", short_name=short, code=f"T{i:03d}")
    assert seed_unit_functions() == len(FUNCTIONS)
    return units


PLAIN = [
    ("关于加快农村公路提质改造的建议", "通村公路路面窄、破损多，建议加大农村公路养护投入。", "省交通运输厅"),
    ("关于提高城乡居民基本养老金的建议", "农村老人基本养老金偏低，建议逐步提高基础养老金标准。", "省人力资源社会保障厅"),
    ("关于整治电动自行车楼道充电的建议", "电动自行车在楼道充电引发火灾，建议清理消防通道。", "省消防救援总队"),
    ("关于保障山区农村饮水安全的建议", "部分村组自来水供水不稳定，建议实施农村饮水巩固提升工程。", "省水利厅"),
    ("关于补充乡村教师的建议", "乡村学校缺少英语、音乐教师，建议定向培养乡村教师。", "省教育厅"),
    ("关于简化异地就医医保报销的建议", "异地就医备案繁琐，医保报销周期长。", "省医保局"),
]


@pytest.mark.parametrize("title,content,expected", PLAIN)
def test_a_fresh_database_with_only_the_seeded_functions_puts_the_right_department_first(departments, title, content, expected):
    leads, _co = recommend.recommend_units(title=title, content=content)
    assert leads and str(leads[0].unit) == expected
    assert leads[0].keywords and leads[0].reasons


def test_staff_edit_the_functions_and_the_recommendation_follows(departments):
    row = UnitFunctions.objects.get(unit=departments["省体育局"])
    row.keywords += "、广场舞"
    row.save()
    leads, _co = recommend.recommend_units(title="关于规范广场舞噪声的建议", content="广场舞音响太吵。")
    assert str(leads[0].unit) in {"省体育局", "省生态环境厅"}
    assert "广场舞" in next(r for r in leads if str(r.unit) == "省体育局").keywords


def test_with_history_the_similar_items_final_unit_leads(departments):
    actors = Actors()
    staff = actors.staff
    # By functions, 城市内涝 goes to 住建; history says this province sends it to 水利 (after re-assignments).
    text = ("关于治理城区内涝积水的建议", "汛期城区低洼路段积水严重，建议加快排涝泵站建设和排水管网改造。")
    leads, _co = recommend.recommend_units(title=text[0], content=text[1])
    assert str(leads[0].unit) == "省住房城乡建设厅"
    water, housing = departments["省水利厅"], departments["省住房城乡建设厅"]
    for n in range(3):
        s = submit(actors, title=f"关于解决城区内涝积水问题的建议（{n}）", content="每逢暴雨城区低洼路段积水严重，排涝泵站能力不足。")
        services.register_suggestion(suggestion=s, actor=staff)
        services.assign_suggestion(suggestion=s, actor=staff, lead_unit=housing, co_units=[departments["省财政厅"]])
        assignment = s.assignments.get(unit=housing)
        request = services.request_reassignment(assignment=assignment, actor=actors.unit_user(housing), reason="排涝泵站属水利部门职责")
        services.decide_reassignment(request=request, actor=staff, approve=True, new_unit=water)
    leads, co = recommend.recommend_units(title=text[0], content=text[1])
    assert leads[0].unit == water and leads[0].precedents
    assert any(r.unit == housing and r.moved_off for r in leads) or housing not in [r.unit for r in leads[:1]]
    assert departments["省财政厅"] in [r.unit for r in co]


def test_before_keeps_later_assignments_out(departments):
    actors = Actors()
    s = submit(actors, title="关于加强古树名木保护的建议", content="城区古树名木保护不力。")
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=departments["省住房城乡建设厅"])
    s.refresh_from_db()
    leads, _co = recommend.recommend_units(title="关于保护古树名木的建议", content="古树名木保护", before=s.assigned_at)
    assert not any(r.precedents for r in leads)
    leads, _co = recommend.recommend_units(title="关于保护古树名木的建议", content="古树名木保护")
    assert any(r.precedents for r in leads)
