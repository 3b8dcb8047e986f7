"""The pages: the deputy's ballot on a phone, public results, staff's pages."""
import datetime

import pytest
from django.urls import reverse

from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot, ready_ballot
from voting import services
from voting.models import BallotStatus, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def voters(county):
    deputies = vf.serving_deputies(county, 5)
    return deputies, [df.deputy_user(deputy=d) for d in deputies]


def _published(staff, term, deputies, users):
    ballot = open_ballot(staff=staff, term=term, deputies=deputies, candidates=3, seats=1)
    for user in users:
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {2}))
    services.close_voting(ballot=ballot, actor=staff)
    services.tally_ballot(ballot=ballot, actor=staff)
    services.publish_results(ballot=ballot, actor=staff)
    return ballot


def test_deputy_votes_on_the_phone_page_and_gets_a_receipt_once(county, staff_user, voters, client):
    deputies, users = voters
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=3, seats=1)
    client.force_login(users[0])
    home = client.get(reverse("voting:index"))
    assert reverse("voting:vote", args=[ballot.pk]) in home.content.decode()
    url = reverse("voting:vote", args=[ballot.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    fields = {f"c{pk}": v for pk, v in marks_for(ballot, {1, 2}).items()}
    too_many = client.post(url, fields)
    assert "赞成的项目不能超过应选项目数1个" in too_many.content.decode()
    fields = {f"c{pk}": v for pk, v in marks_for(ballot, {1}).items()}
    done = client.post(url, fields)
    body = done.content.decode()
    assert done.status_code == 200 and "投票成功" in body
    receipt = body.split('class="receipt">')[1].split("<")[0]
    # The receipt is neither in the session nor in a message.
    assert receipt not in str(dict(client.session))
    again = client.get(url)
    assert "您已经投过票" in again.content.decode()
    resent = client.post(url, {f"c{pk}": v for pk, v in marks_for(ballot, {2}).items()}).content.decode()
    assert "您已经投过票，每位代表只能投一次票，不能重复提交。这次提交未被接受" in resent and 'role="alert"' in resent
    assert (ballot.participations.count(), ballot.contents.count()) == (1, 1)
    check = client.post(reverse("voting:receipt"), {"code": receipt})
    assert "您的选票已保存，尚未计票" in check.content.decode()


def test_outsiders_get_404_on_the_ballot_page(county, staff_user, voters, client):
    deputies, users = voters
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies)
    client.force_login(df.deputy_user())
    assert client.get(reverse("voting:vote", args=[ballot.pk])).status_code == 404
    client.force_login(users[0])
    assert client.get(reverse("voting:staff_ballot", args=[ballot.pk])).status_code == 404


def test_public_results_page_and_export(county, staff_user, voters, client, django_assert_max_num_queries):
    deputies, users = voters
    ballot = _published(staff_user, county, deputies, users)
    page = client.get(reverse("voting:result", args=[ballot.pk]))
    assert page.status_code == 200 and "当选" in page.content.decode()
    assert client.get(reverse("voting:result_export", args=[ballot.pk])).status_code == 200
    with django_assert_max_num_queries(3) as before:
        client.get(reverse("voting:results"))
    term = vf.county_term("乙县")
    more = vf.serving_deputies(term, 3)
    _published(staff_user, term, more, [df.deputy_user(deputy=d) for d in more])
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(reverse("voting:results")).content.decode().count("/voting/results/") >= 2


def test_staff_overview_compares_congresses_in_constant_queries(county, staff_user, voters, client, django_assert_num_queries):
    deputies, users = voters
    client.force_login(staff_user)
    _published(staff_user, county, deputies, users)
    url = reverse("voting:staff_overview")
    client.get(url)  # warm the session
    # session, user, comparison row count and rows, their ballots, ballot table, reports due (2), badges
    # (the area picker draws only the chosen area: no query for the options)
    with django_assert_num_queries(9) as first:
        client.get(url)
    for name in ("乙县", "丙镇"):
        term = vf.county_term(name)
        open_ballot(staff=staff_user, term=term, deputies=vf.serving_deputies(term, 3))
    with django_assert_num_queries(len(first.captured_queries)):
        body = client.get(url).content.decode()
    assert "乙县人民代表大会" in body and "丙镇人民代表大会" in body


def test_staff_runs_a_ballot_from_its_page(county, staff_user, voters, client):
    deputies, users = voters
    ballot = ready_ballot(staff=staff_user, term=county, candidates=3, seats=1)
    client.force_login(staff_user)

    def act(action, data=None):
        return client.post(reverse("voting:staff_ballot_action", args=[ballot.pk, action]), data or {}, follow=True)

    act("open", {"confirmed": "1"})
    act("attendance", {"present": [d.pk for d in deputies[:4]]})
    services.cast_ballot(ballot=ballot, actor=users[0], marks=marks_for(ballot, {1}))
    page = act("paper", {"label": "第1批", "deputies": [deputies[1].pk, deputies[2].pk, deputies[3].pk], "ballots": "2×+-0\n0+."})
    assert "纸质选票“第1批”已录入：3张。" in page.content.decode(), page.content.decode()
    act("close", {"confirmed": "1"})
    page = act("tally", {"confirmed": "1"})
    body = page.content.decode()
    assert "与计票结果一致" in body
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.TALLIED
    lines = {r.candidate.order: (r.votes_for, r.votes_against, r.votes_abstain) for r in ballot.results.select_related("candidate")}
    assert lines == {1: (3, 0, 1), 2: (1, 2, 1), 3: (0, 0, 4)}


def test_public_proposal_page(county, client):
    today = datetime.date.today()
    call = vf.ProjectCallFactory(congress=county.congress, opens_on=today, closes_on=today)
    url = reverse("voting:propose", args=[call.pk])
    response = client.post(url, {"title": "增设公交站", "description": "学校门口没有站点。", "proposer_contact": "13800000001"})
    assert "提交成功" in response.content.decode()
    assert Proposal.objects.get(call=call).source == "public"


def test_index_and_staff_call_pages_query_counts(county, staff_user, voters, client, django_assert_num_queries):
    deputies, users = voters
    today = datetime.date.today()
    call = vf.ProjectCallFactory(congress=county.congress, year=2040, opens_on=today, closes_on=today)
    _published(staff_user, county, deputies, users)
    open_ballot(staff=staff_user, term=county, deputies=deputies, call=vf.ProjectCallFactory(congress=county.congress, year=2030))
    client.force_login(users[0])
    client.get(reverse("voting:index"))
    with django_assert_num_queries(7) as index_queries:
        client.get(reverse("voting:index"))
    staff = df.staff_user()
    staff_client = client.__class__()
    staff_client.force_login(staff)
    Proposal.objects.create(call=call, source="public", title="一", description="内容")
    vf.ProjectFactory(call=call)
    with django_assert_num_queries(8) as call_queries:
        staff_client.get(reverse("voting:staff_call", args=[call.pk]))
    for i in range(4):
        Proposal.objects.create(call=call, source="deputy", title=f"建议{i}", description="内容", deputy=df.DeputyFactory())
        vf.ProjectFactory(call=call)
        other = vf.county_term(f"新{i}县")
        more = vf.serving_deputies(other, 2)
        _published(staff_user, other, more, [df.deputy_user(deputy=d) for d in more])
    with django_assert_num_queries(len(index_queries.captured_queries)):
        client.get(reverse("voting:index"))
    with django_assert_num_queries(len(call_queries.captured_queries)):
        staff_client.get(reverse("voting:staff_call", args=[call.pk]))
