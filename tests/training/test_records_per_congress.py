"""A deputy with several mandates has one duty record per congress and year: a
county congress's record counts the county's suggestions, trainings, station
duty and ballots; the provincial one the province's. The deputy reads each of
them (labelled by the mandate); a county's staff read the county's only."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from deputies.models import AreaKind, Level
from liaison_stations.models import CheckIn
from tests.deputies import factories as df
from tests.liaison_stations.factories import StationFactory
from tests.suggestions.factories import SuggestionFactory
from tests.training.factories import AttendedEnrolmentFactory, DutyActivityFactory, ScoringItemFactory, TrainingSessionFactory
from training import services
from training.duty.records import record_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_mandates():
    province = df.CongressFactory(area=df.AreaFactory(name="丙省"), level=Level.PROVINCIAL)
    county = df.CongressFactory(
        area=df.AreaFactory(name="丙县", kind=AreaKind.COUNTY, parent=province.area), level=Level.COUNTY)
    p_term, c_term = df.TermFactory(congress=province), df.TermFactory(congress=county)
    deputy = df.MandateFactory(term=p_term).deputy
    df.MandateFactory(term=c_term, deputy=deputy)
    user = df.deputy_user(deputy=deputy)
    staff = {"p": df.staff_user(congress=province), "c": df.staff_user(congress=county)}
    # Work for each congress: trainings of 6 and 3 hours, a suggestion each, duty at the county's station.
    AttendedEnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(plan__term=p_term, hours=Decimal("6")))
    AttendedEnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(plan__term=c_term, hours=Decimal("3")),
                             hours_credited=Decimal("3"))
    SuggestionFactory(lead_deputy=deputy, congress=province, title="丙省的建议")
    SuggestionFactory(lead_deputy=deputy, congress=county, title="丙县的建议一")
    SuggestionFactory(lead_deputy=deputy, congress=county, title="丙县的建议二")
    station = StationFactory(area=county.area)
    CheckIn.objects.create(station=station, deputy=deputy, user=user, on_date=datetime.date(2025, 5, 6))
    DutyActivityFactory(deputy=deputy, congress=county, title="丙县视察")
    return {"deputy": deputy, "user": user, "staff": staff, "province": province, "county": county}


def test_each_congress_counts_its_own_work(two_mandates):
    w = two_mandates
    of = lambda congress: record_for(user=w["user"], deputy=w["deputy"], year=2025, congress_id=congress.pk).metrics  # noqa: E731
    provincial, county = of(w["province"]), of(w["county"])
    assert (provincial["training_hours"], county["training_hours"]) == (6, 3)
    assert (provincial["suggestions_led"], county["suggestions_led"]) == (1, 2)
    assert (provincial["station_duty_days"], county["station_duty_days"]) == (0, 1)
    assert (provincial["activities_total"], county["activities_total"]) == (0, 1)


def test_the_deputy_reads_each_record_labelled_by_its_mandate(client, two_mandates):
    w = two_mandates
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("1"))
    client.force_login(w["user"])
    url = reverse("training:record", args=[w["deputy"].pk, 2025])
    first = client.get(url).content.decode()  # the highest congress first
    assert "丙省第十四届人民代表大会代表" in first and "丙县第十四届人民代表大会代表" in first
    assert "得分 <strong>6.00</strong>" in first
    county = client.get(url, {"congress": w["county"].pk}).content.decode()
    assert "得分 <strong>3.00</strong>" in county and "丙县视察" in county


def test_a_countys_staff_read_the_countys_record_only(client, two_mandates):
    w = two_mandates
    client.force_login(w["staff"]["c"])
    url = reverse("training:record", args=[w["deputy"].pk, 2025])
    page = client.get(url).content.decode()
    assert "丙县第十四届人民代表大会代表" in page and "丙省第十四届人民代表大会代表" not in page
    assert client.get(url, {"congress": w["province"].pk}).status_code == 404
    live = client.get("/api/training/duty-records/live/", {"year": 2025, "deputy": w["deputy"].pk}).json()
    assert live["congress"] == str(w["county"])


def test_an_activity_is_recorded_for_the_staffs_own_congress(two_mandates):
    w = two_mandates
    activity = services.record_activity(deputy=w["deputy"], kind="inspection", title="调研", date=datetime.date(2025, 7, 1),
                                        actor=w["staff"]["c"])
    assert activity.congress == w["county"]
    stranger = df.MandateFactory().deputy  # no mandate in the county
    with pytest.raises(Exception) as refused:
        services.record_activity(deputy=stranger, kind="inspection", title="调研", date=datetime.date(2025, 7, 1),
                                 actor=w["staff"]["c"])
    assert "不是" in str(refused.value)


def test_the_stored_snapshots_are_one_per_deputy_congress_and_year(two_mandates, django_capture_on_commit_callbacks):
    from training.models import DutyRecord

    w = two_mandates
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("1"))
    services.refresh_duty_records(year=2025)
    stored = {r.congress_id: r for r in DutyRecord.objects.filter(deputy=w["deputy"], year=2025)}
    assert {c: (r.score, r.metrics["suggestions_led"]) for c, r in stored.items()} == {
        w["province"].pk: (Decimal("6"), 1), w["county"].pk: (Decimal("3"), 2)}
    # A refresh of one congress leaves the other's snapshot as it was.
    DutyRecord.objects.filter(pk=stored[w["province"].pk].pk).update(score=Decimal("99"))
    services.refresh_duty_records(year=2025, congress_id=w["county"].pk)
    assert DutyRecord.objects.get(pk=stored[w["province"].pk].pk).score == Decimal("99")
    services.refresh_duty_records(year=2025, congress_id=w["province"].pk)
    assert DutyRecord.objects.get(pk=stored[w["province"].pk].pk).score == Decimal("6")
    # A snapshot over all work (stored before, no congress) is in no list, and the year's full refresh removes it.
    old = DutyRecord.objects.create(deputy=df.MandateFactory(term=stored[w["county"].pk].deputy.mandates.first().term).deputy,
                                    year=2025, computed_at=stored[w["county"].pk].computed_at)
    assert not services.selectors.duty_records_visible_to(df.staff_user()).filter(pk=old.pk).exists()
    services.refresh_duty_records(year=2025)
    assert not DutyRecord.objects.filter(pk=old.pk).exists()


def test_the_staffs_records_list_is_their_congress_and_those_below_read_only(client, two_mandates, django_capture_on_commit_callbacks):
    from unittest import mock

    w = two_mandates
    services.refresh_duty_records(year=2025)
    county, province = w["county"], w["province"]
    api = "/api/training/duty-records/"
    client.force_login(w["staff"]["c"])
    assert {r["congress"] for r in client.get(api, {"year": 2025}).json()["results"]} == {county.pk}
    page = client.get(reverse("training:records"), {"year": 2025})
    assert [r.congress_id for r in page.context["page_obj"]] == [county.pk] and page.context["may_refresh"]
    with mock.patch("training.tasks.refresh_duty_records.delay") as delay:
        client.post(reverse("training:records_refresh"), {"year": 2025})
    delay.assert_called_once_with(2025, county.pk)  # its own congress's records only
    # The province's staff: their own congress's list by default, the county's when chosen, read-only.
    client.force_login(w["staff"]["p"])
    assert {r["congress"] for r in client.get(api, {"year": 2025}).json()["results"]} == {county.pk, province.pk}
    own = client.get(reverse("training:records"), {"year": 2025})
    assert [r.congress_id for r in own.context["page_obj"]] == [province.pk]
    below = client.get(reverse("training:records"), {"year": 2025, "congress": county.pk})
    assert [r.congress_id for r in below.context["page_obj"]] == [county.pk] and not below.context["may_refresh"]
    assert reverse("training:records_refresh") not in below.content.decode()
    assert reverse("training:records_refresh") in own.content.decode()
    # The county's staff cannot pick the province.
    client.force_login(w["staff"]["c"])
    refused = client.get(reverse("training:records"), {"year": 2025, "congress": province.pk})
    assert [r.congress_id for r in refused.context["page_obj"]] == [county.pk]
    found = client.get(reverse("deputies:pick_seen_congresses")).json()["results"]
    assert [r["id"] for r in found] == [county.pk]
