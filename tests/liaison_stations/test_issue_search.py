"""The issue lists' keyword search: through the n-gram column of station issues
(congress_portal/search.py; on PostgreSQL its GIN index serves it), in what was
raised, answered and fed back, never in who raised it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison_stations import selectors
from tests.deputies import factories as df
from tests.liaison_stations.factories import IssueFactory, station_with_keeper

pytestmark = pytest.mark.django_db


def test_the_keyword_finds_two_character_words_in_the_issue_text_only(client):
    keeper = df.keeper_user()
    station = station_with_keeper(keeper)
    lift = IssueFactory(station=station, content="老旧小区加装电梯进度慢")
    road = IssueFactory(station=station, content="村口道路破损", answer="已协调交通部门修补")
    other = IssueFactory(station=station, content="菜市场噪音扰民", raised_by_name="电梯维修工")
    client.force_login(keeper)
    url = reverse("liaison_stations:issues")

    def found(q):
        html = client.get(url, {"q": q}).content.decode()
        return {issue for issue in (lift, road, other) if reverse("liaison_stations:issue", args=[issue.pk]) in html}

    assert found("电梯") == {lift}  # not the one whose reporter's name has the word
    assert found("交通") == {road}  # in the answer
    assert found("小区 电梯") == {lift} and found("小区 交通") == set()  # every word
    assert found("") == {lift, road, other}
    assert [i.pk for i in selectors.issue_queue(user=keeper, keyword="破损")] == [road.pk]


@pytest.mark.postgres
def test_the_keyword_goes_through_the_ngram_column():
    keeper = df.keeper_user()
    IssueFactory(station=station_with_keeper(keeper), content="老旧小区加装电梯")
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.issue_queue(user=keeper, keyword="电梯"))
    assert '"search_ngrams" @@' in ctx.captured_queries[-1]["sql"]
