"""Staff create a ballot of their call in the portal (its candidates, the
policy's thresholds shown) and open it from a page stating the roll: its size,
the day it is taken on and the term. Another congress's call or ballot
answers 404; a township's ballot is run by the township's own staff only."""
import datetime

import pytest
from django.urls import reverse

from deputies.models import AreaKind, Level
from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import ready_ballot
from voting.models import Ballot, BallotStatus, ProjectStatus, VotingPolicy

pytestmark = pytest.mark.django_db


def _county_staff(term):
    return df.staff_user(congress=term.congress)


def test_staff_create_a_ballot_with_its_candidates_from_the_call(county, client):
    staff = _county_staff(county)
    call = vf.ProjectCallFactory(congress=county.congress)
    projects = [vf.ProjectFactory(call=call, title=f"候选项目{i}") for i in range(1, 4)]
    reserve = vf.ProjectFactory(call=call, title="储备项目", status=ProjectStatus.RESERVE)
    elsewhere = vf.ProjectFactory(title="外县项目")
    VotingPolicy.objects.update_or_create(congress=county.congress, defaults={"quorum_share": "0.6000"})
    client.force_login(staff)
    url = reverse("voting:staff_new_ballot", args=[call.pk])
    page = client.get(url).content.decode()
    assert "出席代表须超过全体代表的60%" in page and "候选项目1" in page
    assert "储备项目" not in page and "外县项目" not in page
    # A project of another congress is not offered, so it is refused by the form.
    response = client.post(url, {"title": "2026年票决", "seats": 2, "projects": [projects[0].pk, elsewhere.pk]})
    assert response.status_code == 200 and not Ballot.objects.exists()
    response = client.post(url, {"title": "2026年票决", "seats": 2, "projects": [p.pk for p in projects]}, follow=True)
    ballot = Ballot.objects.get()
    assert "已拟定票决“2026年票决”：候选项目3个，应选2个。下一步：提交审议。" in response.content.decode()
    assert ballot.status == BallotStatus.DRAFT and ballot.congress == county.congress
    assert [c.project_id for c in ballot.candidates.order_by("order")] == [p.pk for p in projects]
    assert {p.status for p in ballot.call.projects.exclude(pk=reserve.pk)} == {ProjectStatus.SHORTLISTED}


def test_opening_states_the_roll_size_day_and_term_and_waits_for_confirmation(county, client):
    staff = _county_staff(county)
    vf.serving_deputies(county, 7)
    ballot = ready_ballot(staff=staff, term=county, candidates=3, seats=2)
    client.force_login(staff)
    url = reverse("voting:staff_ballot_action", args=[ballot.pk, "open"])
    page = client.post(url).content.decode()
    today = datetime.date.today()
    assert f"参加票决代表名单按{county}于{today.year}年{today.month}月{today.day}日在任的代表确定，共7名" in page
    assert "出席代表须超过全体代表的50%，即至少4人" in page and 'name="confirmed" value="1"' in page
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.READY and not ballot.electors.exists()
    page = client.post(url, {"confirmed": "1"}, follow=True).content.decode()
    assert "投票已开始：参加票决代表7人，候选项目3个，不再变更。" in page
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.OPEN and ballot.electorate_size == 7


def test_opening_is_refused_on_the_page_when_no_deputy_serves(county, client):
    staff = _county_staff(county)
    ballot = ready_ballot(staff=staff, term=county, candidates=3, seats=2)
    client.force_login(staff)
    page = client.post(reverse("voting:staff_ballot_action", args=[ballot.pk, "open"])).content.decode()
    assert "该人大没有在任代表，不能开始投票。" in page and "确认开始投票</button>" not in page


def test_a_townships_ballot_is_run_by_its_own_staff_only(client):
    county_area = df.AreaFactory(kind=AreaKind.COUNTY, name="甲县")
    county = df.CongressFactory(area=county_area, level=Level.COUNTY, name="甲县人民代表大会")
    town_area = df.AreaFactory(kind=AreaKind.TOWNSHIP, name="甲镇", parent=county_area)
    town = df.CongressFactory(area=town_area, level=Level.TOWNSHIP, name="甲镇人民代表大会")
    town_term = df.TermFactory(congress=town, start_date=datetime.date(2021, 10, 1), end_date=datetime.date(2026, 9, 30))
    vf.serving_deputies(town_term, 3)
    town_staff, county_staff = df.staff_user(congress=town), df.staff_user(congress=county)
    call = vf.ProjectCallFactory(congress=town)
    ballot = ready_ballot(staff=town_staff, term=town_term, candidates=3, seats=1, call=call)
    open_url = reverse("voting:staff_ballot_action", args=[ballot.pk, "open"])
    new_url = reverse("voting:staff_new_ballot", args=[call.pk])
    client.force_login(county_staff)  # sees the township's figures, runs nothing of it
    assert client.get(new_url).status_code == 404
    assert client.post(new_url, {"title": "票决", "seats": 1}).status_code == 404
    assert client.post(open_url, {"confirmed": "1"}).status_code == 404
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.READY
    client.force_login(town_staff)
    assert client.get(new_url).status_code == 200
    client.post(open_url, {"confirmed": "1"})
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.OPEN and ballot.electorate_size == 3


def test_the_new_ballot_page_reads_in_constant_queries(county, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = _county_staff(county)
    call = vf.ProjectCallFactory(congress=county.congress)
    vf.ProjectFactory.create_batch(2, call=call)
    client.force_login(staff)
    url = reverse("voting:staff_new_ballot", args=[call.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    vf.ProjectFactory.create_batch(20, call=call)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('name="projects"') == 22
