"""Similar suggestions: the same problem in other words is found; an
unrelated one is not in the first five; the candidate query is index-served
on PostgreSQL."""
import pytest
from django.db import connection

from suggestions import similarity
from suggestions.models import Suggestion
from tests.suggestions.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

EBIKE_A = ("关于整治电动自行车楼道充电隐患的建议",
           "不少老旧小区居民把电动自行车推进楼道、拉飞线充电，一旦起火，楼道成了烟囱，建议在小区增设集中充电棚。")
EBIKE_B = ("关于解决居民电动车进楼梯间充电问题的建议",
           "电动车停放在楼梯间和楼道里私拉电线充电，火灾风险大，建议住建部门牵头建设小区集中充电设施和智能充电桩。")
WATER = ("关于保障农村饮水安全的建议", "山区部分村组自来水管网老化，旱季停水，水质不达标，建议实施农村供水保障工程。")
UNRELATED = [
    ("关于加强乡村教师队伍建设的建议", "乡村学校教师流失较多，建议提高乡村教师生活补助并完善周转房建设。"),
    ("关于扶持油茶产业高质量发展的建议", "建议加大低产油茶林改造补贴力度，培育龙头加工企业。"),
    ("关于完善基层医保报销便民服务的建议", "异地就医备案手续繁琐，建议推广线上备案和一站式结算。"),
    ("关于推进职业教育产教融合的建议", "建议支持职业院校与园区企业共建实训基地。"),
    ("关于加快县域商业体系建设的建议", "建议支持建设县级物流配送中心，完善农村电商服务站点。"),
    ("关于加强未成年人网络保护的建议", "建议压实平台主体责任，完善未成年人模式。"),
]


def _make(title, content):
    return SuggestionFactory(title=title, content=content)


def test_the_same_problem_in_other_words_is_found_and_an_unrelated_one_is_not_in_the_first_five():
    ebike = _make(*EBIKE_A)
    water = _make(*WATER)
    for title, content in UNRELATED:
        _make(title, content)
    found = similarity.similar(Suggestion.objects.all(), title=EBIKE_B[0], content=EBIKE_B[1])
    assert found and found[0].pk == ebike.pk
    assert water.pk not in [m.pk for m in found[:5]]
    assert {"充电", "楼道"} & set(found[0].shared)


def test_boilerplate_alone_makes_no_match():
    _make("关于进一步加强有关工作的建议", "建议相关部门进一步加强工作，切实解决问题。")
    assert similarity.similar(Suggestion.objects.all(), title="关于进一步加强工作的建议", content="建议加强。") == []


@pytest.mark.postgres
def test_the_candidate_query_uses_the_gin_index():
    query = similarity.candidate_tsquery(*EBIKE_B)
    assert "'楼道'" in query or "'充电'" in query
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM suggestions_suggestion WHERE search_ngrams @@ %s::tsquery LIMIT 300", [query]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "suggestion_text_ngrams" in plan


@pytest.mark.postgres
def test_phrases_common_to_many_rows_find_no_candidates_by_the_columns_statistics():
    topics = ["乡村教师", "农村公路", "养老服务", "城区内涝", "医保报销", "松材线虫", "充电设施", "传统村落", "食品安全", "消防通道",
              "危桥改造", "古树名木", "学前教育", "地质灾害", "预付卡费", "电梯加装", "供水管网", "油茶产业", "非遗传承", "欠薪治理"]
    for n in range(40):  # every row says 主要原因; each topic is in 2 of 40 rows (5%)
        _make(f"关于{topics[n % 20]}的建议（{n}）", f"{topics[n % 20]}主要原因是经费投入不足。")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suggestions_suggestion")
    similarity._STATS.clear()
    frequencies = similarity.gram_frequencies(Suggestion)
    assert frequencies.get("原因", 0) > similarity.COMMON
    query = similarity.candidate_tsquery("关于农村公路养护的建议", "农村公路主要原因是经费投入不足。", frequencies=frequencies)
    common = ["('主要' & '要原')", "('要原' & '原因')", "('经费' & '费投')", "('投入' & '入不')"]
    assert not [clause for clause in common if clause in query] and "'农村'" in query
    without_statistics = similarity.candidate_tsquery("关于农村公路养护的建议", "农村公路主要原因是经费投入不足。")
    assert all(clause in without_statistics for clause in common)
    found = similarity.similar(Suggestion.objects.all(), title="关于农村公路养护的建议", content="农村公路主要原因是经费投入不足。")
    assert found and all("农村公路" in Suggestion.objects.get(pk=m.pk).title for m in found)
    similarity._STATS.clear()
