"""The REST API: public stations, the scoped issue queue and its actions, the visit register."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import Issue, IssueStatus, Visit
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


def test_public_station_list_and_detail(api_client):
    stationing = f.StationingFactory()
    station = stationing.station
    f.ReceptionRuleFactory(station=station, starts_on=timezone.localdate()).deputies.add(stationing.deputy)
    f.IssueFactory(station=station)
    listing = api_client.get("/api/stations/stations/")
    assert listing.status_code == 200 and listing.json()["count"] == 1
    detail = api_client.get(f"/api/stations/stations/{station.pk}/").json()
    assert detail["deputies"][0]["name"] == stationing.deputy.name
    assert detail["upcoming_receptions"] and detail["upcoming_receptions"][0]["deputies"][0]["name"] == stationing.deputy.name
    text = str(detail)
    assert stationing.deputy.phone not in text and stationing.deputy.id_number not in text and "王大爷" not in text


def test_public_station_list_query_count_is_pinned(api_client, django_assert_num_queries):
    for n in (1, 8):
        for _ in range(n):
            f.StationingFactory()
        with django_assert_num_queries(2):
            assert api_client.get("/api/stations/stations/").status_code == 200


def test_issues_need_a_sign_in_and_are_scoped(api_client, keeper_user, unit_user):
    mine = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    f.IssueFactory()
    assert api_client.get("/api/stations/issues/").status_code == 403
    api_client.force_authenticate(keeper_user)
    assert [i["id"] for i in api_client.get("/api/stations/issues/").json()["results"]] == [mine.pk]
    api_client.force_authenticate(unit_user)
    assert api_client.get("/api/stations/issues/").json()["count"] == 0
    assert api_client.get(f"/api/stations/issues/{mine.pk}/").status_code == 404


def test_forward_feedback_close_over_the_api(api_client, keeper_user, unit_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    api_client.force_authenticate(keeper_user)
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = api_client.post(f"/api/stations/issues/{issue.pk}/forward/",
                               {"unit": unit_user.handling_unit_id, "due_on": due}, format="json")
    assert response.status_code == 200 and response.json()["status"] == IssueStatus.FORWARDED
    # The unit's view leaves out who raised it.
    api_client.force_authenticate(unit_user)
    seen = api_client.get(f"/api/stations/issues/{issue.pk}/").json()
    assert "raised_by_contact" not in seen and "raised_by_name" not in seen
    response = api_client.post(f"/api/stations/issues/{issue.pk}/feedback/", {"feedback": "已处理完毕"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == IssueStatus.FEEDBACK
    # A second feedback is a move the table does not allow.
    assert api_client.post(f"/api/stations/issues/{issue.pk}/feedback/", {"feedback": "再次"}, format="json").status_code == 400
    api_client.force_authenticate(keeper_user)
    response = api_client.post(f"/api/stations/issues/{issue.pk}/close/", {"outcome": "已告知群众"}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "已告知群众"


def test_the_unit_cannot_act_for_the_station_over_the_api(api_client, keeper_user, unit_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    services.forward_issue(issue=issue, unit=unit_user.handling_unit, actor=keeper_user)
    services.give_feedback(issue=issue, feedback="已处理", actor=unit_user)
    api_client.force_authenticate(unit_user)
    # Closing a fed-back issue is the station's move, not the unit's.
    assert api_client.post(f"/api/stations/issues/{issue.pk}/close/", {"outcome": "x"}, format="json").status_code == 403
    assert api_client.post(f"/api/stations/issues/{issue.pk}/forward/", {"unit": unit_user.handling_unit_id},
                           format="json").status_code == 403
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.FEEDBACK


def test_issue_list_query_count_is_pinned(api_client, keeper_user, django_assert_num_queries):
    station = f.station_with_keeper(keeper_user)
    api_client.force_authenticate(keeper_user)
    for n in (1, 10):
        for _ in range(n):
            f.IssueFactory(station=station)
        with django_assert_num_queries(2):
            assert api_client.get("/api/stations/issues/").status_code == 200


def test_keeper_records_a_visit_over_the_api(api_client, keeper_user):
    station = f.station_with_keeper(keeper_user)
    deputy = f.StationingFactory(station=station).deputy
    category = f.IssueCategoryFactory()
    api_client.force_authenticate(keeper_user)
    payload = {
        "station": station.pk, "received_on": timezone.localdate().isoformat(), "deputy_ids": [deputy.pk],
        "visitors": [{"name": "赵六"}, {"contact": "13600000000"}, {}], "issues": [{"content": "垃圾清运不及时", "category": category.pk}],
    }
    response = api_client.post("/api/stations/visits/", payload, format="json")
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    # Blank visitor rows are dropped; the people count defaults to the visitors registered.
    assert visit.people_count == 2 and visit.visitors.count() == 2 and Issue.objects.get().visit == visit
    # Another station's register: 404, nothing written.
    other = f.StationFactory()
    payload["station"] = other.pk
    payload["deputy_ids"] = []
    assert api_client.post("/api/stations/visits/", payload, format="json").status_code == 404
    assert Visit.objects.count() == 1


def test_visit_list_query_count_is_pinned(api_client, keeper_user, django_assert_num_queries):
    station = f.station_with_keeper(keeper_user)
    deputy = f.StationingFactory(station=station).deputy
    api_client.force_authenticate(keeper_user)
    for n in (1, 6):
        for _ in range(n):
            services.record_visit(station=station, received_on=timezone.localdate(), actor=keeper_user,
                                  deputies=[deputy], visitors=[{"name": "甲"}], issues=[{"content": "问题"}])
        with django_assert_num_queries(5):
            assert api_client.get("/api/stations/visits/").status_code == 200


def test_repeated_move_is_refused_and_a_stale_copy_is_a_conflict(api_client, keeper_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    api_client.force_authenticate(keeper_user)
    stale = Issue.objects.get(pk=issue.pk)
    services.answer_issue(issue=issue, answer="已答复", actor=keeper_user)
    # The API reloads the row, so a repeated move is a plain refusal, while a service call on a stale copy is 409.
    assert api_client.post(f"/api/stations/issues/{issue.pk}/answer/", {"answer": "再答"}, format="json").status_code == 400
    with pytest.raises(services.ValidationError) as error:
        services.answer_issue(issue=stale, answer="再答", actor=keeper_user)
    assert error.value.code == "conflict"
