"""The public list's filter (PublicSuggestionFilter), shared by the public API
and the public page: the unit filter, and a keyword that looks only in what is
published (full text and replies of fully published items; title and summary
of summary-only ones)."""
import pytest
from rest_framework.test import APIClient

from suggestions import selectors, services
from suggestions.models import Disclosure, Reply, Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """Three closed items with the same lead deputy: A fully published (unit
    u0 leads), B summary-only (unit u2 leads), C not published."""
    actors = Actors()
    u = [df.HandlingUnitFactory(), df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    a, _, _ = in_status(Status.CLOSED, actors, units=[u[0], u[1]])
    b, _, _ = in_status(Status.CLOSED, actors, units=[u[2], u[1]])
    c, _, _ = in_status(Status.CLOSED, actors, units=[u[0], u[1]])
    Suggestion.objects.filter(pk=a.pk).update(content="建议完善农村供水管网。")
    Suggestion.objects.filter(pk=b.pk).update(content="建议完善农村供水管网。")
    Reply.objects.filter(suggestion__in=[a, b]).update(letter="已安排专项资金改造管网。")
    services.decide_disclosure(suggestion=a, actor=actors.staff, mode=Disclosure.FULL)
    services.decide_disclosure(suggestion=b, actor=actors.staff, mode=Disclosure.SUMMARY, summary="关于饮水安全的建议摘要")
    return {"A": a, "B": b, "C": c, "units": u, "actors": actors}


def _names(p, **params):
    ids = set(selectors.public_published_list(params=params).values_list("pk", flat=True))
    return {name for name in "ABC" if p[name].pk in ids}


def test_keyword_looks_in_what_is_published(published):
    p = published
    assert _names(p, keyword="供水") == {"A"}  # content: fully published only
    assert _names(p, keyword="专项资金") == {"A"}  # current reply letter: fully published only
    assert _names(p, keyword="饮水") == {"B"}  # the summary
    assert _names(p, keyword="公路") == {"A", "B"}  # the title (C is not published)
    assert _names(p, keyword=p["actors"].deputy.name) == {"A", "B"}  # the lead deputy's name, shown on both
    assert _names(p, keyword="不存在的词") == set()


def test_a_replaced_reply_is_not_searched(published):
    p = published
    Reply.objects.filter(suggestion=p["A"]).update(is_current=False)
    assert _names(p, keyword="专项资金") == set()


def test_a_personal_number_finds_nothing(published):
    p = published
    Suggestion.objects.filter(pk=p["A"].pk).update(content="群众反映（电话13912345678）……")
    assert _names(p, keyword="13912345678") == set()
    assert _names(p, keyword="群众反映") == {"A"}


def test_unit_filter(published):
    p = published
    u = p["units"]
    assert _names(p, unit=u[0].pk) == {"A"}
    assert _names(p, unit=u[1].pk) == {"A", "B"}  # co-handling counts too
    assert _names(p, unit=u[2].pk, keyword="饮水") == {"B"}


def test_the_public_api_uses_the_same_filter(published):
    p = published
    c = APIClient()
    ids = lambda **params: {row["id"] for row in c.get("/api/suggestions/public/", params).json()["results"]}  # noqa: E731
    assert ids(keyword="供水") == {p["A"].pk}
    assert ids(unit=p["units"][2].pk) == {p["B"].pk}
    assert ids(keyword="饮水", unit=p["units"][0].pk) == set()


@pytest.mark.parametrize("params", [{"keyword": "公路"}, {"unit": "U1"}, {"keyword": "答复如下", "unit": "U0"}])
def test_filtered_public_api_query_count_does_not_grow(params, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actors = Actors()
    u = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    params = {k: (u[int(v[1])].pk if k == "unit" else v) for k, v in params.items()}

    def grow(n):
        for _ in range(n):
            s, _, _ = in_status(Status.CLOSED, actors, units=u)
            services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)

    c = APIClient()
    grow(1)
    c.get("/api/suggestions/public/", params)
    with CaptureQueriesContext(connection) as few:
        assert len(c.get("/api/suggestions/public/", params).json()["results"]) == 1
    grow(3)
    with django_assert_num_queries(len(few)):
        assert len(c.get("/api/suggestions/public/", params).json()["results"]) == 4
