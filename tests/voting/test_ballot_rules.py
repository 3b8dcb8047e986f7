"""The ballot's rules one at a time: the frozen roll and shortlist, attendance
and quorum, what a ballot may say, resubmission, and the policy rows."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deputies.models import MandateStatus
from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot, ready_ballot
from voting import services
from voting.models import BallotStatus, CandidateResult, ProjectStatus, VotingPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(county):
    deputies = vf.serving_deputies(county, 10)
    return deputies, [df.deputy_user(deputy=d) for d in deputies]


def test_quorum_not_met_means_no_tally(county, staff_user, ten):
    deputies, users = ten
    # Five of ten present is not more than half.
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:5])
    for user in users[:5]:
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1}))
    services.close_voting(ballot=ballot, actor=staff_user)
    with pytest.raises(ValidationError, match="票决无效，不能计票") as exc:
        services.tally_ballot(ballot=ballot, actor=staff_user)
    assert exc.value.code == "no_quorum"
    assert not CandidateResult.objects.filter(ballot=ballot).exists()
    services.declare_invalid(ballot=ballot, actor=staff_user)
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.INVALID
    assert set(ballot.candidates.values_list("project__status", flat=True)) == {ProjectStatus.CANDIDATE}
    with pytest.raises(ValidationError):
        services.publish_results(ballot=ballot, actor=staff_user)


def test_quorum_met_by_one_more_deputy(county, staff_user, ten):
    deputies, users = ten
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:6])
    services.close_voting(ballot=ballot, actor=staff_user)
    with pytest.raises(ValidationError):
        services.declare_invalid(ballot=ballot, actor=staff_user)
    tally = services.tally_ballot(ballot=ballot, actor=staff_user)
    assert (tally.present, tally.ballots_cast) == (6, 0)


def test_policy_row_sets_thresholds_frozen_when_voting_opens(county, staff_user, ten):
    deputies, _users = ten
    policy = VotingPolicy.objects.create(congress=county.congress, quorum_share=Decimal("0.6667"), majority_share=Decimal("0.6667"))
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:7])
    assert (ballot.quorum_needed, ballot.majority_needed) == (7, 7)
    policy.quorum_share = Decimal("0.9")
    policy.save()
    ballot.refresh_from_db()
    assert ballot.quorum_needed == 7
    other = vf.county_term("另一县")  # other congresses keep the default: more than half
    assert VotingPolicy.for_congress(other.congress_id).quorum_share == Decimal("0.5")


def test_roll_and_shortlist_are_frozen_when_voting_opens(county, staff_user, ten):
    deputies, users = ten
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies)
    assert ballot.electorate_size == 10
    # A deputy elected after voting opened is not on the roll.
    newcomer = vf.serving_deputies(county, 1)[0]
    newcomer_user = df.deputy_user(deputy=newcomer)
    with pytest.raises(PermissionDenied, match="不在本次参加票决代表名单"):
        services.cast_ballot(ballot=ballot, actor=newcomer_user, marks=marks_for(ballot, {1}))
    with pytest.raises(ValidationError, match="名单以外"):
        services.record_attendance(ballot=ballot, present_deputy_ids=[newcomer.pk], actor=staff_user)
    # A deputy who resigned after voting opened stays on the frozen roll.
    deputies[0].mandates.update(status=MandateStatus.RESIGNED)
    services.cast_ballot(ballot=ballot, actor=users[0], marks=marks_for(ballot, {1}))
    ballot.refresh_from_db()
    assert ballot.electorate_size == 10 and ballot.electors.count() == 10
    with pytest.raises(ValidationError, match="不能进行此操作"):
        services.set_candidates(ballot=ballot, projects=[vf.ProjectFactory(call=ballot.call)], actor=staff_user)
    with pytest.raises(ValidationError, match="已投票的代表不能登记为缺席"):
        services.record_attendance(ballot=ballot, present_deputy_ids=[], absent_deputy_ids=[deputies[0].pk], actor=staff_user)


def test_a_ballot_must_be_complete_and_approve_at_most_n(county, staff_user, ten):
    deputies, users = ten
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=4, seats=2)
    with pytest.raises(ValidationError, match="不能超过应选项目数2个"):
        services.cast_ballot(ballot=ballot, actor=users[0], marks=marks_for(ballot, {1, 2, 3}))
    incomplete = marks_for(ballot, {1})
    incomplete.popitem()
    with pytest.raises(ValidationError, match="请对每一个候选项目"):
        services.cast_ballot(ballot=ballot, actor=users[0], marks=incomplete)
    with pytest.raises(ValidationError, match="不在本次票决中"):
        services.cast_ballot(ballot=ballot, actor=users[0], marks={**marks_for(ballot, {1}), "999999": "for"})
    with pytest.raises(ValidationError, match="赞成、反对或弃权"):
        services.cast_ballot(ballot=ballot, actor=users[0], marks={k: "yes" for k in marks_for(ballot, {1})})
    with pytest.raises(PermissionDenied):
        services.cast_ballot(ballot=ballot, actor=staff_user, marks=marks_for(ballot, {1}))
    assert ballot.participations.count() == 0 and ballot.contents.count() == 0


def test_resubmission_is_refused_with_a_clear_message(county, staff_user, ten):
    deputies, users = ten
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies)
    receipt = services.cast_ballot(ballot=ballot, actor=users[0], marks=marks_for(ballot, {1}))
    assert len(receipt) == 14
    with pytest.raises(ValidationError) as exc:
        services.cast_ballot(ballot=ballot, actor=users[0], marks=marks_for(ballot, {2}))
    assert exc.value.code == "conflict"
    assert exc.value.messages == ["您已经投过票，每位代表只能投一次票，不能重复提交。"]
    assert (ballot.participations.count(), ballot.contents.count()) == (1, 1)


def test_no_ballot_before_opening_or_after_closing(county, staff_user, ten):
    deputies, users = ten
    ready = ready_ballot(staff=staff_user, term=county)
    with pytest.raises(ValidationError, match="投票尚未开始"):
        services.cast_ballot(ballot=ready, actor=users[0], marks=marks_for(ready, {1}))
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, call=vf.ProjectCallFactory(congress=county.congress, year=2027))
    services.close_voting(ballot=ballot, actor=staff_user)
    with pytest.raises(ValidationError, match="投票已经结束，本张选票未被接受"):
        services.cast_ballot(ballot=ballot, actor=users[1], marks=marks_for(ballot, {1}))


def test_paper_batch_must_reconcile(county, staff_user, ten):
    deputies, users = ten
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:8])
    one = marks_for(ballot, {1})
    with pytest.raises(ValidationError, match="不一致"):
        services.enter_paper_batch(ballot=ballot, label="A", deputy_ids=[deputies[0].pk, deputies[1].pk], ballots=[one], actor=staff_user)
    with pytest.raises(ValidationError, match="未登记出席"):
        services.enter_paper_batch(ballot=ballot, label="A", deputy_ids=[deputies[9].pk], ballots=[one], actor=staff_user)
    services.cast_ballot(ballot=ballot, actor=users[0], marks=one)
    with pytest.raises(ValidationError, match="已经投过票"):
        services.enter_paper_batch(ballot=ballot, label="A", deputy_ids=[deputies[0].pk], ballots=[one], actor=staff_user)
    with pytest.raises(PermissionDenied):
        services.enter_paper_batch(ballot=ballot, label="A", deputy_ids=[deputies[1].pk], ballots=[one], actor=users[1])
    batch = services.enter_paper_batch(ballot=ballot, label="A", deputy_ids=[deputies[1].pk, deputies[2].pk], ballots=[one, one], actor=staff_user)
    assert batch.ballots_count == 2
    assert (ballot.participations.count(), ballot.contents.count()) == (3, 3)
