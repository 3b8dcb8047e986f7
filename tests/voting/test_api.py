"""The REST API over the services: who sees what, status codes, query counts."""
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
    deputies = vf.serving_deputies(county, 6)
    return deputies, [df.deputy_user(deputy=d) for d in deputies]


def _finished(staff, term, deputies, users):
    ballot = open_ballot(staff=staff, term=term, deputies=deputies, candidates=3, seats=1)
    for user in users:
        services.cast_ballot(ballot=ballot, actor=user, marks=marks_for(ballot, {1}))
    services.close_voting(ballot=ballot, actor=staff)
    services.tally_ballot(ballot=ballot, actor=staff)
    return ballot


def test_deputy_votes_once_through_the_api(county, staff_user, voters, api_client):
    deputies, users = voters
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies)
    url = reverse("voting-ballot-vote", args=[ballot.pk])
    api_client.force_authenticate(users[0])
    response = api_client.post(url, {"marks": marks_for(ballot, {1, 2})}, format="json")
    assert response.status_code == 201, response.content
    receipt = response.json()["receipt"]
    again = api_client.post(url, {"marks": marks_for(ballot, {3})}, format="json")
    assert again.status_code == 409
    assert "不能重复提交" in again.json()["detail"]
    too_many = api_client.post(reverse("voting-ballot-vote", args=[ballot.pk]), {"marks": marks_for(ballot, {1, 2, 3})}, format="json")
    assert too_many.status_code in (400, 409)
    # The receipt check says stored (not yet counted), and nothing about the choices.
    check = api_client.post(reverse("voting-receipt-check"), {"code": receipt}, format="json").json()
    assert check == {"found": True, "ballot_title": ballot.title, "counted": False, "valid": True}


def test_staff_runs_the_ballot_and_others_get_404_on_staff_actions(county, staff_user, voters, api_client):
    deputies, users = voters
    ballot = ready_ballot(staff=staff_user, term=county)
    api_client.force_authenticate(users[0])
    assert api_client.post(reverse("voting-ballot-open-voting", args=[ballot.pk])).status_code == 404  # not on a roll yet
    api_client.force_authenticate(staff_user)
    opened = api_client.post(reverse("voting-ballot-open-voting", args=[ballot.pk]))
    assert opened.status_code == 200 and opened.json()["status"] == BallotStatus.OPEN
    present = api_client.post(reverse("voting-ballot-attendance", args=[ballot.pk]), {"present": [d.pk for d in deputies]}, format="json")
    assert present.json()["present_count"] == 6
    # A deputy on the roll sees the ballot but not its roll call.
    api_client.force_authenticate(users[0])
    assert api_client.get(reverse("voting-ballot-detail", args=[ballot.pk])).status_code == 200
    assert api_client.get(reverse("voting-ballot-roll", args=[ballot.pk])).status_code == 404
    assert api_client.post(reverse("voting-ballot-close", args=[ballot.pk])).status_code == 404
    # A deputy of another congress does not see it at all.
    api_client.force_authenticate(df.deputy_user())
    assert api_client.get(reverse("voting-ballot-detail", args=[ballot.pk])).status_code == 404
    api_client.force_authenticate(staff_user)
    closed = api_client.post(reverse("voting-ballot-close", args=[ballot.pk]))
    assert closed.json()["status"] == BallotStatus.CLOSED
    tallied = api_client.post(reverse("voting-ballot-tally", args=[ballot.pk]))
    assert tallied.status_code == 200 and tallied.json()["summary"]["present"] == 6
    assert api_client.get(reverse("voting-ballot-recount", args=[ballot.pk])).json() == {"same": True, "differences": []}


def test_no_tally_without_quorum_is_a_400(county, staff_user, voters, api_client):
    deputies, _users = voters
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies, present=deputies[:3])
    services.close_voting(ballot=ballot, actor=staff_user)
    api_client.force_authenticate(staff_user)
    response = api_client.post(reverse("voting-ballot-tally", args=[ballot.pk]))
    assert response.status_code == 400 and "不能计票" in str(response.json())


def test_results_are_public_only_once_published(county, staff_user, voters, api_client):
    deputies, users = voters
    ballot = _finished(staff_user, county, deputies, users)
    results = reverse("voting-ballot-results", args=[ballot.pk])
    assert api_client.get(results).status_code == 404
    api_client.force_authenticate(staff_user)
    assert api_client.get(results).status_code == 200
    api_client.post(reverse("voting-ballot-publish", args=[ballot.pk]))
    api_client.force_authenticate(None)
    sheet = api_client.get(results).json()
    assert [line["votes_for"] for line in sheet["lines"]] == [6, 0, 0]
    assert sheet["lines"][0]["outcome"] == "chosen"
    export = api_client.get(reverse("voting-ballot-export", args=[ballot.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_public_proposal_form_is_rate_limited(county, api_client):
    today = datetime.date.today()
    call = vf.ProjectCallFactory(congress=county.congress, opens_on=today, closes_on=today + datetime.timedelta(days=30))
    url = reverse("voting-public-proposal")
    body = {"call": call.pk, "title": "修建村道", "description": "雨天泥泞。", "proposer_name": "王", "proposer_contact": "13800000000"}
    codes = [api_client.post(url, body, format="json", REMOTE_ADDR="192.0.2.7").status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    created = api_client.post(url, body, format="json", REMOTE_ADDR="192.0.2.8")
    assert created.status_code == 201 and "proposer_contact" not in created.json()
    assert Proposal.objects.filter(call=call).count() == 6


def test_ballot_list_query_count_does_not_grow(county, staff_user, voters, api_client, django_assert_num_queries):
    deputies, users = voters
    api_client.force_authenticate(staff_user)
    url = reverse("voting-ballot-list")
    _finished(staff_user, county, deputies, users)
    with django_assert_num_queries(2) as few:
        assert api_client.get(url).json()["count"] == 1
    for name in ("乙县", "丙县"):
        term = vf.county_term(name)
        more = vf.serving_deputies(term, 3)
        open_ballot(staff=staff_user, term=term, deputies=more)
    with django_assert_num_queries(len(few.captured_queries)):
        assert api_client.get(url).json()["count"] == 3


def test_project_and_proposal_lists_query_counts(county, staff_user, api_client, django_assert_num_queries):
    call = vf.ProjectCallFactory(congress=county.congress)
    api_client.force_authenticate(staff_user)
    vf.ProjectFactory(call=call)
    Proposal.objects.create(call=call, source="public", title="一", description="内容")
    with django_assert_num_queries(2):  # count + page, joins chosen by the selector
        api_client.get(reverse("voting-project-list"))
    with django_assert_num_queries(2):  # count + page, joins chosen by the selector
        api_client.get(reverse("voting-proposal-list"))
    for i in range(5):
        vf.ProjectFactory(call=call)
        Proposal.objects.create(call=call, source="deputy", title=f"建议{i}", description="内容", deputy=df.DeputyFactory())
    with django_assert_num_queries(2):  # count + page, joins chosen by the selector
        assert api_client.get(reverse("voting-project-list")).json()["count"] == 6
    with django_assert_num_queries(2):  # count + page, joins chosen by the selector
        assert api_client.get(reverse("voting-proposal-list")).json()["count"] == 6


def test_roll_call_query_count(county, staff_user, voters, api_client, django_assert_num_queries):
    deputies, users = voters
    ballot = open_ballot(staff=staff_user, term=county, deputies=deputies)
    api_client.force_authenticate(staff_user)
    url = reverse("voting-ballot-roll", args=[ballot.pk])
    with django_assert_num_queries(3):  # ballot, count, page
        rows = api_client.get(url).json()["results"]
    assert len(rows) == 6 and set(rows[0]) == {"deputy", "deputy_name", "electoral_unit", "present", "has_voted"}


def test_calls_and_reports_due_query_counts(county, staff_user, api_client, django_assert_num_queries):
    from voting.models import Project, ProjectStatus, VotingPolicy

    api_client.force_authenticate(staff_user)

    def chosen_project(term):
        project = vf.ProjectFactory(call=vf.ProjectCallFactory(congress=term.congress, year=2026 + Project.objects.count()))
        project.status = ProjectStatus.CHOSEN
        project.save()
        unit_user = df.unit_user(unit=project.responsible_unit)
        services.submit_progress_report(project=project, actor=unit_user, reported_on=datetime.date(2026, 1, 1), percent_done=10, narrative="开工")
        return project

    chosen_project(county)
    with django_assert_num_queries(2):
        assert api_client.get(reverse("voting-call-list")).json()["count"] == 1
    with django_assert_num_queries(2):  # projects with their last report, then every policy row at once
        assert len(api_client.get(reverse("voting-reports-due")).json()) == 1
    for name in ("乙县", "丙县"):
        term = vf.county_term(name)
        VotingPolicy.objects.create(congress=term.congress, report_interval_days=15)
        chosen_project(term)
    with django_assert_num_queries(2):
        assert api_client.get(reverse("voting-call-list")).json()["count"] == 3
    with django_assert_num_queries(2):
        assert len(api_client.get(reverse("voting-reports-due")).json()) == 3
