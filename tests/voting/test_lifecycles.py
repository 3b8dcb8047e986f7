"""Ballots, projects, proposals and a call's rating move only through their
tables of moves (voting.lifecycles), with one event row per move, and no event
names a voter."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress_portal.transitions import Lifecycle
from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot, ready_ballot
from voting import lifecycles, services
from voting.models import (
    BallotEvent,
    BallotStatus,
    ProjectCall,
    ProjectEvent,
    ProjectStatus,
    Proposal,
    ProposalEvent,
    RatingEvent,
)

pytestmark = pytest.mark.django_db


def test_every_status_the_tables_reach_is_a_state_of_the_model():
    for lifecycle in (lifecycles.BALLOTS, lifecycles.PROJECTS, lifecycles.PROPOSALS, lifecycles.RATINGS):
        assert isinstance(lifecycle, Lifecycle)
        states = set(dict(lifecycle.model._meta.get_field(lifecycle.status_field).flatchoices))
        for spec in lifecycle.moves.values():
            assert spec.sources <= states and (spec.target is None or spec.target in states)


def test_a_ballot_cycle_leaves_one_event_per_move_and_none_for_voting(county, staff_user):
    deputies = vf.serving_deputies(county, 6)
    users = [df.deputy_user(deputy=d) for d in deputies]
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, candidates=3, seats=1)
    for user in users[:5]:
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1}))
    services.enter_paper_batch(ballot=ballot, label="第1批", deputy_ids=[deputies[5].pk], ballots=[marks_for(ballot, {2})], actor=staff_user)
    services.close_voting(ballot=ballot, actor=staff_user)
    services.tally_ballot(ballot=ballot, actor=staff_user)
    services.publish_results(ballot=ballot, actor=staff_user)

    events = list(BallotEvent.objects.filter(ballot=ballot).order_by("at", "pk"))
    stages = len([e for e in events if e.move.startswith("approve")])
    assert [e.move for e in events] == [
        "create", "set_candidates", "submit_for_review", *["approve_stage"] * (stages - 1), "approve_last_stage",
        "open", "record_attendance", "close", "tally", "publish",
    ]
    assert [(e.from_status, e.to_status) for e in events if e.move in ("open", "close", "tally", "publish")] == [
        (BallotStatus.READY, BallotStatus.OPEN), (BallotStatus.OPEN, BallotStatus.CLOSED),
        (BallotStatus.CLOSED, BallotStatus.TALLIED), (BallotStatus.TALLIED, BallotStatus.PUBLISHED),
    ]
    # Only staff act; no event between opening and closing but attendance, which names no one.
    assert {e.actor_id for e in events} == {staff_user.pk}
    names = [d.name for d in deputies]
    assert not [e for e in events if any(n in e.note for n in names)]
    # The projects moved through their table too.
    chosen = ballot.candidates.get(order=1).project
    assert list(ProjectEvent.objects.filter(project=chosen).values_list("move", "to_status")) == [
        ("shortlist", ProjectStatus.SHORTLISTED), ("choose", ProjectStatus.CHOSEN),
    ]


def test_refusals_keep_their_reasons_and_codes(county, staff_user, unit_user):
    ballot = ready_ballot(staff=staff_user, term=county)
    with pytest.raises(ValidationError, match="不能进行此操作") as refused:
        services.close_voting(ballot=ballot, actor=staff_user)
    assert refused.value.code == "conflict"
    with pytest.raises(PermissionDenied, match="只有代表工作委员会工作人员"):
        services.open_voting(ballot=ballot, actor=unit_user)
    with pytest.raises(ValidationError, match="投票尚未开始") as refused:
        services.cast_ballot(ballot=ballot, actor=df.deputy_user(), marks=marks_for(ballot, {1}))
    assert not BallotEvent.objects.filter(ballot=ballot, move="close").exists()

    project = vf.ProjectFactory(call=ballot.call, status=ProjectStatus.CHOSEN)
    with pytest.raises(ValidationError, match="只有待审候选项目可以转入储备库") as refused:
        services.move_to_reserve(project=project, actor=staff_user)
    assert refused.value.code == "conflict"


def test_proposals_projects_and_ratings_record_their_moves(county, staff_user):
    call = vf.ProjectCallFactory(congress=county.congress)
    one, two, three = (
        Proposal.objects.create(call=call, source="public", title=f"建议{i}", description="内容") for i in range(3)
    )
    project = services.adopt_proposals(proposals=[one, two], actor=staff_user)
    services.reject_proposal(proposal=three, actor=staff_user, note="不属于民生实事")
    with pytest.raises(ValidationError, match="该建议项目已处理") as refused:
        services.reject_proposal(proposal=three, actor=staff_user, note="again")
    assert refused.value.code == "conflict"
    assert sorted(ProposalEvent.objects.values_list("proposal__title", "to_status")) == [
        ("建议0", Proposal.Status.ADOPTED), ("建议1", Proposal.Status.ADOPTED), ("建议2", Proposal.Status.REJECTED),
    ]
    services.move_to_reserve(project=project, actor=staff_user)
    project.refresh_from_db()
    assert project.status == ProjectStatus.RESERVE
    assert list(ProjectEvent.objects.filter(project=project).values_list("move", flat=True)) == ["create", "to_reserve"]

    services.open_rating(call=call, actor=staff_user)
    with pytest.raises(ValidationError, match="满意度测评已经开始"):
        services.open_rating(call=call, actor=staff_user)
    services.publish_ratings(call=call, actor=staff_user)
    call.refresh_from_db()
    assert call.rating_status == ProjectCall.RatingStatus.PUBLISHED
    assert list(RatingEvent.objects.filter(call=call).values_list("move", flat=True)) == ["open_rating", "publish_ratings"]
