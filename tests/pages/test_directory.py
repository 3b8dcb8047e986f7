"""The public deputy directory: filters, no personal data, query count pinned."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deputies.models import Level, MandateStatus
from tests.deputies.factories import CongressFactory, MandateFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_directory_lists_serving_deputies_without_personal_data(client):
    serving = MandateFactory(deputy__name="王建国", deputy__phone="13900001111")
    MandateFactory(deputy__name="李已辞", status=MandateStatus.RESIGNED)
    html = client.get(reverse("deputies:directory")).content.decode()
    assert "王建国" in html
    assert "李已辞" not in html
    assert serving.deputy.id_number not in html
    assert "13900001111" not in html


def test_directory_filters_by_name_and_level(client):
    county = TermFactory(congress=CongressFactory(level=Level.COUNTY, name="长沙县人民代表大会"))
    MandateFactory(deputy__name="张县代", term=county)
    MandateFactory(deputy__name="周省代")
    html = client.get(reverse("deputies:directory"), {"level": Level.COUNTY}).content.decode()
    assert "张县代" in html and "周省代" not in html
    html = client.get(reverse("deputies:directory"), {"q": "周省"}).content.decode()
    assert "周省代" in html and "张县代" not in html
    html = client.get(reverse("deputies:directory"), {"place": "长沙县"}).content.decode()
    assert "张县代" in html and "周省代" not in html


def test_directory_bad_filter_is_shown_beside_the_field(client):
    response = client.get(reverse("deputies:directory"), {"level": "galactic"})
    assert response.status_code == 200
    assert 'id="id_level_error"' in response.content.decode()


def test_directory_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    term = TermFactory()
    MandateFactory.create_batch(3, term=term)
    # the page alone: no count of the whole set
    with django_assert_num_queries(1):
        client.get(reverse("deputies:directory"))
    MandateFactory.create_batch(45, term=term)
    with django_assert_num_queries(1):
        response = client.get(reverse("deputies:directory"))
    assert response.content.decode().count("<th scope=\"row\">") == 30
    # A search on PostgreSQL first reads how common the word is (the column's statistics).
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 1):
        client.get(reverse("deputies:directory"), {"q": "代表"})


@pytest.mark.postgres
def test_a_common_word_walks_the_keyset_index_and_finds_the_same_page(client, monkeypatch):
    from deputies import selectors

    term = TermFactory()
    for i in range(40):
        MandateFactory(deputy__name=f"代表{i:02d}", deputy__work_unit="长沙市人民法院" if i % 3 else "长沙市第一中学", term=term)
    MandateFactory(deputy__name="刘%法院", term=term)  # a LIKE wildcard in the name is a plain character
    joined = names_on(client.get(reverse("deputies:directory"), {"q": "人民法院"}))
    monkeypatch.setattr(selectors, "COMMON_MATCHES", -1)  # every word counts as common
    with CaptureQueriesContext(connection) as ctx:
        probed = client.get(reverse("deputies:directory"), {"q": "人民法院"})
    assert names_on(probed) == joined and len(joined) == 26
    assert "OFFSET 0" in ctx.captured_queries[-1]["sql"]
    assert names_on(client.get(reverse("deputies:directory"), {"q": "%法院"})) == ["刘%法院"]


def names_on(response):
    html = response.content.decode()
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


def test_directory_pages_by_keyset_in_level_then_congress_order(client):
    county = TermFactory(congress=CongressFactory(level=Level.COUNTY, name="长沙县人民代表大会"))
    province = TermFactory()
    county_rows = [MandateFactory(deputy__name=f"县代表{i:02d}", term=county) for i in range(20)]
    province_rows = [MandateFactory(deputy__name=f"省代表{i:02d}", term=province) for i in range(20)]
    expected = [m.deputy.name for m in province_rows] + [m.deputy.name for m in county_rows]  # provincial first

    first = client.get(reverse("deputies:directory"))
    assert names_on(first) == expected[:30]
    next_link = re.search(r'href="\?([^"]*after=[^"]*)" rel="next"', first.content.decode()).group(1)
    second = client.get(reverse("deputies:directory") + "?" + next_link.replace("&amp;", "&"))
    assert names_on(second) == expected[30:]
    assert 'rel="next"' not in second.content.decode()
    back_link = re.search(r'href="\?([^"]*before=[^"]*)" rel="prev"', second.content.decode()).group(1)
    back = client.get(reverse("deputies:directory") + "?" + back_link.replace("&amp;", "&"))
    assert names_on(back) == expected[:30]
    # A cursor keeps the filters beside it; a malformed cursor shows the first page.
    assert names_on(client.get(reverse("deputies:directory"), {"after": "x.y"})) == expected[:30]
    filtered = client.get(reverse("deputies:directory"), {"level": Level.COUNTY, "after": "0.0.0"})
    assert names_on(filtered) == [m.deputy.name for m in county_rows]


def test_directory_search_finds_one_and_two_character_words_as_typed(client):
    MandateFactory(deputy__name="王建国", deputy__work_unit="长沙市第一中学")
    MandateFactory(deputy__name="李国建", deputy__work_unit="株洲市人民医院")
    MandateFactory(deputy__name="赵  敏", deputy__work_unit="国网湖南省电力有限公司")
    search = lambda q: sorted(names_on(client.get(reverse("deputies:directory"), {"q": q})))  # noqa: E731
    assert search("建国") == ["王建国"]  # 李国建 has both characters, not the word
    assert search("国建") == ["李国建"]
    assert search("王") == ["王建国"]
    assert search("一中") == ["王建国"]  # the work unit
    assert search("株洲 医院") == ["李国建"]  # every word, each anywhere
    assert search("株洲 一中") == []
    assert search("电力") == ["赵  敏"]
    assert search("建") == ["李国建", "王建国"]
    assert search("'&|!") == []  # query syntax is data, not an error


@pytest.mark.postgres
def test_directory_search_is_served_by_the_ngram_index(client):
    """On PostgreSQL the name search reads the n-gram GIN index (EXPLAIN with
    sequential scans disabled, as the planner would choose at scale), and the
    stored column holds the grams of the name and the work unit."""
    from django.db import connection

    from congress_portal.search import tsquery

    MandateFactory(deputy__name="王建国")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM deputies_deputy WHERE search_ngrams @@ %s::tsquery",
            [tsquery("建国")],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "deputy_name_unit_ngrams" in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_ngrams::text FROM deputies_deputy WHERE name = %s", ["王建国"])
        assert "'建国'" in cursor.fetchone()[0]
