"""The whole cycle on one county congress: collection, review, a ballot with a tie
at the cut-off, its run-off where the first-ranked candidate lacks the absolute
majority, publication, export, recount, implementation and the year-end rating."""
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.deputies import factories as df
from tests.voting import factories as vf
from tests.voting.conftest import marks_for, open_ballot
from voting import selectors, services
from voting.exports import result_workbook
from voting.models import (
    BallotStatus,
    CandidateResult,
    ProjectCall,
    ProjectStatus,
    Proposal,
    ProposalSource,
    ReviewDecision,
    ReviewStage,
    Satisfaction,
)

pytestmark = pytest.mark.django_db

Outcome = CandidateResult.Outcome


def _png():
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )


def test_collection_merges_duplicates_and_keeps_a_reserve(county, staff_user):
    call = services.create_call(
        congress=county.congress, year=2026, title="2026年民生实事项目征集", opens_on=datetime.date(2025, 10, 1),
        closes_on=datetime.date(2025, 11, 30), actor=staff_user,
    )
    inside = datetime.date(2025, 10, 20)
    public = services.submit_public_proposal(
        call=call, title="城区老旧小区加装电梯", description="老人上下楼难。", client_address="10.0.0.1", today=inside,
        proposer_name="李阿姨", proposer_contact="13900001111",
    )
    member = df.DeputyFactory()
    df.MandateFactory(deputy=member, term=county)
    deputy_user = df.deputy_user(deputy=member)
    by_deputy = services.submit_proposal(call=call, actor=deputy_user, title="老旧小区电梯加装", description="同上。", today=inside)
    unit_user = df.unit_user()
    by_unit = services.submit_proposal(call=call, actor=unit_user, title="农村饮水安全巩固提升", description="管网改造。", today=inside)
    assert (public.source, by_deputy.source, by_unit.source) == (ProposalSource.PUBLIC, ProposalSource.DEPUTY, ProposalSource.DEPARTMENT)
    assert by_unit.responsible_department == unit_user.handling_unit.name

    with pytest.raises(ValidationError, match="不在征集期内"):
        services.submit_public_proposal(call=call, title="x", description="y", client_address="10.0.0.1", today=datetime.date(2025, 12, 5))
    outsider = df.deputy_user()  # a deputy of another congress
    with pytest.raises(PermissionDenied):
        services.submit_proposal(call=call, actor=outsider, title="x", description="y", today=inside)

    # The two lift proposals are one project; the water one goes to the reserve pool.
    lifts = services.adopt_proposals(proposals=[public, by_deputy], actor=staff_user, title="老旧小区加装电梯")
    water = services.adopt_proposals(proposals=[by_unit], actor=staff_user)
    assert set(lifts.proposals.values_list("pk", flat=True)) == {public.pk, by_deputy.pk}
    assert Proposal.objects.filter(pk__in=[public.pk, by_deputy.pk], status=Proposal.Status.ADOPTED).count() == 2
    with pytest.raises(ValidationError):
        services.adopt_proposals(proposals=[public], actor=staff_user)

    # A duplicate project made by mistake is merged back.
    extra = vf.ProjectFactory(call=call, title="电梯加装（重复）")
    services.merge_projects(keep=lifts, duplicates=[extra], actor=staff_user)
    extra.refresh_from_db()
    assert (extra.status, extra.merged_into_id) == (ProjectStatus.MERGED, lifts.pk)

    services.move_to_reserve(project=water, actor=staff_user)
    assert list(selectors.reserve_pool(county.congress)) == [water]
    next_year = vf.ProjectCallFactory(congress=county.congress, year=2027)
    services.take_from_reserve(project=water, call=next_year, actor=staff_user)
    water.refresh_from_db()
    assert (water.status, water.call_id) == (ProjectStatus.CANDIDATE, next_year.pk)


def test_public_form_is_rate_limited_per_sender(county):
    call = vf.ProjectCallFactory(congress=county.congress)
    day = datetime.date(2025, 10, 20)
    for i in range(5):  # the default policy: 5 an hour
        services.submit_public_proposal(call=call, title=f"建议{i}", description="内容", client_address="10.0.0.9", today=day)
    with pytest.raises(ValidationError, match="提交过于频繁") as exc:
        services.submit_public_proposal(call=call, title="第六条", description="内容", client_address="10.0.0.9", today=day)
    assert exc.value.code == "throttled"
    # Another sender is not affected; the address itself is not stored.
    services.submit_public_proposal(call=call, title="别人的建议", description="内容", client_address="10.0.0.10", today=day)
    assert not Proposal.objects.filter(client_fingerprint__contains="10.0.0").exists()


def test_review_stages_go_in_order_and_a_return_reopens_the_draft(county, staff_user):
    call = vf.ProjectCallFactory(congress=county.congress)
    projects = [vf.ProjectFactory(call=call) for _ in range(3)]
    ballot = services.create_ballot(call=call, title="票决", seats=3, actor=staff_user)
    services.set_candidates(ballot=ballot, projects=projects, actor=staff_user)
    with pytest.raises(ValidationError, match="差额"):
        services.submit_for_review(ballot=ballot, actor=staff_user)
    services.set_candidates(ballot=ballot, projects=[*projects, vf.ProjectFactory(call=call)], actor=staff_user)
    services.submit_for_review(ballot=ballot, actor=staff_user)
    council, party, standing = ReviewStage.sequence_for(county.congress_id)
    assert [council.name, party.name, standing.name] == ["主任会议", "党委", "常委会"]
    day = datetime.date(2025, 12, 1)
    with pytest.raises(ValidationError, match="请按顺序审议"):
        services.record_review(ballot=ballot, stage=standing, decided_on=day, decision="approved", actor=staff_user)
    services.record_review(ballot=ballot, stage=council, decided_on=day, decision="approved", actor=staff_user)
    services.record_review(ballot=ballot, stage=party, decided_on=day, decision=ReviewDecision.Decision.RETURNED, note="调整一个项目", actor=staff_user)
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.DRAFT
    services.submit_for_review(ballot=ballot, actor=staff_user)
    for stage in (council, party, standing):
        services.record_review(ballot=ballot, stage=stage, decided_on=day, decision="approved", actor=staff_user)
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.READY
    assert ballot.review_decisions.filter(round=2).count() == 3
    with pytest.raises(ValidationError):  # the shortlist is fixed after review
        services.set_candidates(ballot=ballot, projects=projects, actor=staff_user)


def test_full_cycle_with_tie_at_cut_off_and_runoff_without_absolute_majority(county, staff_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    deputies = vf.serving_deputies(county, 11)
    users = [df.deputy_user(deputy=d) for d in deputies]
    # Eleven deputies, ten present (quorum: more than 5.5). Chosen needs more than half of ALL eleven: 6.
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:10], candidates=6, seats=3)
    assert (ballot.electorate_size, ballot.quorum_needed, ballot.majority_needed) == (11, 6, 6)
    # Candidates 1..6 = A..F. Approvals: A 9, B 7, C 6, D 6, E 2, F 0 (everyone on the phone votes against F).
    A, B, C, D, E, F = range(1, 7)
    approvals = [{A, B, C}] * 3 + [{A, B, D}] * 4 + [{A, C, D}, {A, C, E}, {C, D, E}]
    receipts = [
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, chosen, against={F}))
        for user, chosen in zip(users[:9], approvals[:9])
    ]
    # The tenth present deputy votes on paper, in a counted batch (F left unmarked: an abstention).
    paper = marks_for(ballot, approvals[9])
    del paper[str(ballot.candidates.get(order=F).pk)]
    services.enter_paper_batch(ballot=ballot, label="第1批", deputy_ids=[deputies[9].pk], ballots=[paper], actor=staff_user)
    with pytest.raises(ValidationError) as exc:  # the paper voter cannot also vote on the phone
        services.cast_ballot(ballot=ballot, actor=users[9], marks=marks_for(ballot, {A}))
    assert exc.value.code == "conflict"
    with pytest.raises(ValidationError, match="尚未登记出席"):  # the absent deputy
        services.cast_ballot(ballot=ballot, actor=users[10], marks=marks_for(ballot, {A}))
    with pytest.raises(ValidationError, match="已达法定比例|投票结束|不能进行此操作"):
        services.tally_ballot(ballot=ballot, actor=staff_user)  # still open: no tally

    services.close_voting(ballot=ballot, actor=staff_user)
    tally = services.tally_ballot(ballot=ballot, actor=staff_user)
    assert (tally.present, tally.ballots_cast, tally.ballots_valid, tally.runoff_seats) == (10, 10, 10, 1)
    sheet = {r.candidate.order: (r.votes_for, r.votes_against, r.votes_abstain, r.rank, r.outcome) for r in selectors.result_sheet(ballot)}
    assert sheet == {
        A: (9, 0, 1, 1, Outcome.CHOSEN),
        B: (7, 0, 3, 2, Outcome.CHOSEN),
        C: (6, 0, 4, 3, Outcome.RUNOFF),
        D: (6, 0, 4, 3, Outcome.RUNOFF),
        E: (2, 0, 8, 5, Outcome.NO_MAJORITY),
        F: (0, 9, 1, 6, Outcome.NO_MAJORITY),
    }
    # Recounting the stored ballots gives the same numbers.
    fresh, differences = services.recount(ballot)
    assert differences == [] and fresh.as_comparable() == tally.as_comparable()
    # A deputy's receipt finds their ballot, counted, without showing how it was marked.
    check = selectors.check_receipt(receipts[0].lower())
    assert (check.found, check.counted, check.valid) == (True, True, True)
    assert not selectors.check_receipt("0000-0000-0000").found

    services.publish_results(ballot=ballot, actor=staff_user)
    statuses = dict(ballot.candidates.values_list("order", "project__status"))
    assert statuses == {
        A: ProjectStatus.CHOSEN, B: ProjectStatus.CHOSEN, C: ProjectStatus.SHORTLISTED, D: ProjectStatus.SHORTLISTED,
        E: ProjectStatus.NOT_CHOSEN, F: ProjectStatus.NOT_CHOSEN,
    }
    book = openpyxl.load_workbook(io.BytesIO(result_workbook(ballot)))
    rows = list(book.active.iter_rows(values_only=True))
    assert ("候选项目1", 9, 0, 1, 1, "当选") in [tuple(r[1:7]) for r in rows]
    assert any(r[0] == "需再次投票的名额" and r[1] == 1 for r in rows)

    # The run-off for the third seat: C against D, one seat, the roll frozen afresh.
    runoff = services.start_runoff(ballot=ballot, actor=staff_user)
    assert (runoff.status, runoff.seats, runoff.candidates.count()) == (BallotStatus.READY, 1, 2)
    with pytest.raises(ValidationError):
        services.start_runoff(ballot=ballot, actor=staff_user)
    services.open_voting(ballot=runoff, actor=staff_user)
    services.record_attendance(ballot=runoff, present_deputy_ids=[d.pk for d in deputies[:7]], actor=staff_user)
    runoff.refresh_from_db()
    c, d = (runoff.candidates.get(order=1), runoff.candidates.get(order=2))

    def vote(for_c, for_d):
        return {str(c.pk): "for" if for_c else "abstain", str(d.pk): "for" if for_d else "against"}

    with pytest.raises(ValidationError, match="不能超过应选项目数"):
        services.cast_ballot(ballot=runoff, actor=users[0], marks=vote(True, True))
    for user in users[:4]:
        services.cast_ballot(ballot=runoff, actor=user, marks=vote(True, False))
    services.cast_ballot(ballot=runoff, actor=users[4], marks=vote(False, True))
    # On paper, one ballot approves both for one seat: kept, but invalid (废票).
    services.enter_paper_batch(
        ballot=runoff, label="第1批", deputy_ids=[deputies[5].pk, deputies[6].pk], ballots=[vote(True, True), vote(True, False)], actor=staff_user
    )
    services.close_voting(ballot=runoff, actor=staff_user)
    runoff_tally = services.tally_ballot(ballot=runoff, actor=staff_user)
    assert (runoff_tally.ballots_cast, runoff_tally.ballots_valid, runoff_tally.ballots_invalid) == (7, 6, 1)
    # C ranks first, within N = 1, and 5 of the 7 present approve it: still not chosen,
    # because 5 is not more than half of all 11 deputies.
    result = {r.candidate.order: (r.votes_for, r.rank, r.outcome) for r in selectors.result_sheet(runoff)}
    assert result == {1: (5, 1, Outcome.NO_MAJORITY), 2: (1, 2, Outcome.NO_MAJORITY)}
    assert services.recount(runoff)[1] == []
    services.publish_results(ballot=runoff, actor=staff_user)

    # Implementation of a chosen project: milestones, progress with a photo, an inspection, reminders.
    project = ballot.candidates.get(order=A).project
    unit_member = df.unit_user(unit=project.responsible_unit)
    services.add_milestone(project=project, title="完成招标", due_on=datetime.date(2026, 4, 30), actor=staff_user)
    published_on = timezone_date(ballot)
    due = {d.project.pk: d for d in selectors.progress_reports_due(today=published_on + datetime.timedelta(days=26))}
    assert project.pk in due and not due[project.pk].overdue
    with pytest.raises(PermissionDenied):
        services.submit_progress_report(project=project, actor=df.unit_user(), reported_on=published_on, percent_done=10, narrative="x")
    report = services.submit_progress_report(
        project=project, actor=unit_member, reported_on=published_on + datetime.timedelta(days=20), percent_done=35,
        narrative="已完成招标，开始施工。", photos=[(SimpleUploadedFile("site.png", _png(), content_type="image/png"), "施工现场")],
    )
    project.refresh_from_db()
    assert (project.percent_done, report.photos.count()) == (35, 1)
    assert project.pk not in {d.project.pk for d in selectors.progress_reports_due(today=published_on + datetime.timedelta(days=26))}
    inspection = services.record_inspection(
        project=project, inspected_on=published_on + datetime.timedelta(days=40), deputies=deputies[:3], findings="进度符合计划。", actor=staff_user
    )
    assert inspection.deputies.count() == 3
    services.submit_progress_report(project=project, actor=unit_member, reported_on=published_on + datetime.timedelta(days=200), percent_done=100, narrative="竣工。")
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED

    # Year-end rating by the congress's deputies, published as totals.
    call = ballot.call
    with pytest.raises(ValidationError):
        services.rate_project(project=project, actor=users[0], rating=Satisfaction.SATISFIED)
    services.open_rating(call=call, actor=staff_user)
    for user, rating in zip(users, [Satisfaction.SATISFIED] * 6 + [Satisfaction.MOSTLY] * 3 + [Satisfaction.NOT] * 2):
        services.rate_project(project=project, actor=user, rating=rating)
    services.rate_project(project=project, actor=users[10], rating=Satisfaction.MOSTLY)  # a deputy changes their mind
    with pytest.raises(PermissionDenied):
        services.rate_project(project=project, actor=df.deputy_user(), rating=Satisfaction.NOT)
    services.publish_ratings(call=call, actor=staff_user)
    call.refresh_from_db()
    assert call.rating_status == ProjectCall.RatingStatus.PUBLISHED
    line = {p.pk: p for p in selectors.rating_results(call)}[project.pk]
    assert (line.satisfied, line.mostly, line.not_satisfied, line.rated) == (6, 4, 1, 11)


def timezone_date(ballot):
    from django.utils import timezone

    ballot.refresh_from_db()
    return timezone.localtime(ballot.published_at).date()
