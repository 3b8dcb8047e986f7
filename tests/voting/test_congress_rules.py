"""本级票决规则: a county's staff give their congress its own quorum and
majority shares and review stages in the portal (no admin), or go back to the
default; another county's staff cannot touch them; stages do not change under
a ballot in review; the ballots of the congress then follow its own rules."""
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.deputies import factories as df
from tests.voting import factories as vf
from voting import services
from voting.models import ReviewStage, VotingPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_rules(db):
    VotingPolicy.objects.update_or_create(congress=None, defaults={"quorum_share": Decimal("0.5"), "majority_share": Decimal("0.5")})
    ReviewStage.objects.filter(congress__isnull=True).delete()
    for order, name in enumerate(["主任会议审议", "常委会会议审议"], 1):
        ReviewStage.objects.create(congress=None, order=order, name=name)


def _post(client, **data):
    return client.post(reverse("voting:staff_rules"), data, follow=True)


def test_a_county_sets_its_own_rules_and_its_ballots_follow_them(county, client, default_rules):
    staff = df.staff_user(congress=county.congress)
    client.force_login(staff)
    page = client.get(reverse("voting:staff_rules")).content.decode()
    assert "目前执行默认票决规则" in page and "主任会议审议\n常委会会议审议" in page and 'value="50"' in page
    response = _post(client, quorum_percent="66.67", majority_percent="50", stages="主任会议审议\n常委会会议审议\n代表小组审议")
    assert "已保存测试县人民代表大会的票决规则：到会须超过66.67%，赞成票须超过50%，审议环节3个。" in response.content.decode()
    policy = VotingPolicy.objects.get(congress=county.congress)
    assert policy.quorum_share == Decimal("0.6667") and policy.majority_share == Decimal("0.5")
    assert policy.history.latest().history_user == staff
    assert [s.name for s in ReviewStage.sequence_for(county.congress_id)] == ["主任会议审议", "常委会会议审议", "代表小组审议"]
    assert VotingPolicy.for_congress(None).quorum_share == Decimal("0.5")  # the default is untouched
    # Back to the default: its own rows go.
    response = _post(client, use_default="1")
    assert "已改为执行默认票决规则" in response.content.decode()
    assert not VotingPolicy.objects.filter(congress=county.congress).exists()
    assert [s.name for s in ReviewStage.sequence_for(county.congress_id)] == ["主任会议审议", "常委会会议审议"]


def test_bad_values_are_refused_with_the_reason_and_nothing_is_written(county, client, default_rules):
    client.force_login(df.staff_user(congress=county.congress))
    page = _post(client, quorum_percent="120", majority_percent="50", stages="主任会议审议").content.decode()
    assert "确保该值小于或等于100。" in page
    page = _post(client, quorum_percent="50", majority_percent="50", stages="主任会议审议\n主任会议审议").content.decode()
    assert "审议环节不能重名。" in page
    page = _post(client, quorum_percent="50", majority_percent="50", stages=" \n ").content.decode()
    assert "该字段是必填项。" in page
    assert not VotingPolicy.objects.filter(congress=county.congress).exists()
    assert not ReviewStage.objects.filter(congress=county.congress).exists()


def test_stages_do_not_change_under_a_ballot_in_review(county, client, default_rules):
    staff = df.staff_user(congress=county.congress)
    call = vf.ProjectCallFactory(congress=county.congress)
    ballot = services.create_ballot(call=call, title="2026年票决", seats=1, actor=staff)
    services.set_candidates(ballot=ballot, projects=[vf.ProjectFactory(call=call) for _ in range(2)], actor=staff)
    services.submit_for_review(ballot=ballot, actor=staff)
    client.force_login(staff)
    page = _post(client, quorum_percent="60", majority_percent="50", stages="主任会议审议").content.decode()
    assert "2026年票决正在审议中，审议结束前不能修改审议环节。" in page
    assert not VotingPolicy.objects.filter(congress=county.congress).exists()
    # The shares alone may change (they are written into a ballot when voting opens).
    _post(client, quorum_percent="60", majority_percent="50", stages="主任会议审议\n常委会会议审议")
    assert VotingPolicy.objects.get(congress=county.congress).quorum_share == Decimal("0.6")


def test_only_the_congress_own_staff_and_never_through_another_county(county, client, default_rules):
    other = vf.county_term()
    outsider = df.staff_user(congress=other.congress)
    with pytest.raises(Exception) as refused:
        services.save_congress_rules(congress=county.congress, actor=outsider, quorum_share=Decimal("0.6"),
                                     majority_share=Decimal("0.5"), stages=["审议"])
    assert "只能修改本级人大的票决规则" in str(refused.value)
    client.force_login(outsider)
    _post(client, quorum_percent="70", majority_percent="60", stages="乙县审议")
    assert not VotingPolicy.objects.filter(congress=county.congress).exists()
    assert VotingPolicy.objects.get(congress=other.congress).quorum_share == Decimal("0.7")
    # The whole province's staff edit the default on 规则设置, not here.
    client.force_login(df.staff_user())
    assert client.get(reverse("voting:staff_rules")).status_code == 404


def test_the_page_costs_the_same_whatever_the_stages(county, client, default_rules, django_assert_max_num_queries):
    client.force_login(df.staff_user(congress=county.congress))
    _post(client, quorum_percent="60", majority_percent="50", stages="\n".join(f"环节{i}" for i in range(6)))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("voting:staff_rules")).status_code == 200
