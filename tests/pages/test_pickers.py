"""Searchable pickers (congress_portal/pickers.py): the forms draw only the
chosen options, the JSON endpoints answer at most 20 rows scoped by the work
(a suggestion's congress, a station's area and the areas above it) and by who
may see it, and a posted value outside the scope is refused."""
import pytest
from django.urls import reverse

from deputies.models import AreaKind, MandateStatus
from liaison_stations.models import IssueStatus
from suggestions.models import Assignment, Status
from tests.deputies import factories as df
from tests.liaison_stations import factories as lf
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db


def units_in(area, n, prefix):
    return [df.HandlingUnitFactory(name=f"{prefix}{i:02d}局", area=area) for i in range(n)]


@pytest.fixture
def province_work(actors):
    """A registered suggestion of a provincial deputy, 25 provincial units and
    5 units of a district below the province."""
    suggestion, actors, _units = in_status(Status.REGISTERED, actors)
    province = actors.deputy.mandates.get().congress.area
    district = df.AreaFactory(kind=AreaKind.COUNTY, parent=province)
    return suggestion, units_in(province, 25, "省交通"), units_in(district, 5, "区交通")


def test_assignment_form_draws_only_chosen_units_and_names_its_search(client, actors, province_work):
    suggestion, provincial, _district = province_work
    client.force_login(actors.staff)
    html = client.get(reverse("suggestions:staff_detail", args=[suggestion.pk])).content.decode()
    search = reverse("suggestions:pick_staff_units", args=[suggestion.pk])
    assert html.count(f'data-search-url="{search}"') == 3  # lead, co and split units
    assert provincial[0].name not in html
    # Sent back with an error, the chosen unit is kept (the page works without JavaScript).
    response = client.post(
        reverse("suggestions:staff_detail", args=[suggestion.pk]),
        {"action": "assign", "mode": "lead", "lead_unit": provincial[3].pk, "co_units": [provincial[3].pk, 999999]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{provincial[3].pk}" selected>{provincial[3].name}</option>' in html
    assert provincial[4].name not in html


def test_staff_unit_search_is_scoped_to_the_suggestions_congress_and_capped(client, actors, province_work):
    suggestion, provincial, district = province_work
    client.force_login(actors.staff)
    url = reverse("suggestions:pick_staff_units", args=[suggestion.pk])
    everything = client.get(url).json()["results"]
    assert len(everything) == 20
    found = client.get(url, {"q": "交通"}).json()["results"]
    names = {row["text"] for row in found}
    assert len(found) == 20 and names <= {u.name for u in provincial}
    assert client.get(url, {"q": "区交通"}).json() == {"results": []}
    assert [r["text"] for r in client.get(url, {"q": "省交通07"}).json()["results"]] == [provincial[7].name]


def test_a_unit_outside_the_suggestions_congress_is_refused(client, actors, province_work):
    suggestion, provincial, district = province_work
    client.force_login(actors.staff)
    response = client.post(
        reverse("suggestions:staff_detail", args=[suggestion.pk]), {"action": "assign", "mode": "lead", "lead_unit": district[0].pk}
    )
    assert response.status_code == 200 and not Assignment.objects.filter(suggestion=suggestion).exists()
    response = client.post(
        reverse("suggestions:staff_detail", args=[suggestion.pk]), {"action": "assign", "mode": "lead", "lead_unit": provincial[0].pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(suggestion=suggestion, is_active=True).unit == provincial[0]


def test_unit_search_answers_only_those_who_may_see_the_work(client, actors, province_work):
    suggestion, _provincial, _district = province_work
    url = reverse("suggestions:pick_staff_units", args=[suggestion.pk])
    for user in (actors.deputy_user, df.unit_user(), df.keeper_user()):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_a_unit_asking_for_reassignment_searches_the_other_units_of_the_congress(client, actors):
    suggestion, actors, units = in_status(Status.ASSIGNED, actors)
    province = actors.deputy.mandates.get().congress.area
    for unit in units:
        unit.area = province
        unit.save()
    others = units_in(province, 3, "省水利")
    assignment = suggestion.assignments.get(unit=units[0], is_active=True)
    client.force_login(actors.unit_user(units[0]))
    url = reverse("suggestions:pick_unit_units", args=[assignment.pk])
    html = client.get(reverse("suggestions:unit_detail", args=[assignment.pk])).content.decode()
    assert f'data-search-url="{url}"' in html and others[0].name not in html
    found = {row["text"] for row in client.get(url).json()["results"]}
    assert units[0].name not in found and {u.name for u in others} | {units[1].name} <= found
    # Another unit's assignment: 404.
    client.force_login(actors.unit_user(units[1]))
    assert client.get(url).status_code == 404


def test_cosigner_search_finds_serving_deputies_of_the_lead_deputys_terms_by_name_or_work_unit(client, actors):
    term = actors.deputy.mandates.get().term
    same = [df.MandateFactory(term=term, deputy__name="李明", deputy__work_unit=f"第{i}中学").deputy for i in range(2)]
    many = [df.MandateFactory(term=term).deputy for _ in range(25)]
    df.MandateFactory(term=term, deputy__name="李明远", status=MandateStatus.RESIGNED)
    df.MandateFactory(deputy__name="李明辉")  # another congress
    client.force_login(actors.deputy_user)
    url = reverse("suggestions:pick_cosigners")
    found = client.get(url, {"q": "李明"}).json()["results"]
    assert sorted(row["text"] for row in found) == ["李明（第0中学）", "李明（第1中学）"]
    assert {row["id"] for row in found} == {d.pk for d in same}
    assert [r["id"] for r in client.get(url, {"q": "第1中学"}).json()["results"]] == [same[1].pk]
    assert len(client.get(url).json()["results"]) == 20
    assert actors.deputy.pk not in {r["id"] for r in client.get(url, {"q": actors.deputy.name}).json()["results"]}
    html = client.get(reverse("suggestions:create")).content.decode()
    assert f'data-search-url="{url}"' in html and many[0].name not in html
    client.force_login(actors.staff)
    assert client.get(url).status_code == 404


def test_station_forward_offers_units_of_its_area_and_the_areas_above(client):
    province = df.AreaFactory(kind=AreaKind.PROVINCE)
    prefecture = df.AreaFactory(kind=AreaKind.PREFECTURE, parent=province)
    county = df.AreaFactory(kind=AreaKind.COUNTY, parent=prefecture)
    township = df.AreaFactory(kind=AreaKind.TOWNSHIP, parent=county)
    other_county = df.AreaFactory(kind=AreaKind.COUNTY, parent=prefecture)
    provincial = df.HandlingUnitFactory(name="省住房和城乡建设厅", area=province)
    city = df.HandlingUnitFactory(name="市住房和城乡建设局", area=prefecture)
    own = df.HandlingUnitFactory(name="县住房和城乡建设局", area=county)
    elsewhere = df.HandlingUnitFactory(name="邻县住房和城乡建设局", area=other_county)
    keeper = df.keeper_user()
    issue = lf.IssueFactory(station=lf.station_with_keeper(keeper, area=township))
    client.force_login(keeper)
    url = reverse("liaison_stations:pick_units", args=[issue.pk])
    found = {row["text"] for row in client.get(url, {"q": "住房"}).json()["results"]}
    assert found == {provincial.name, city.name, own.name}
    html = client.get(reverse("liaison_stations:issue", args=[issue.pk])).content.decode()
    assert f'data-search-url="{url}"' in html and own.name not in html
    page = reverse("liaison_stations:issue", args=[issue.pk])
    refused = client.post(page, {"action": "forward", "forward-unit": elsewhere.pk})
    assert refused.status_code == 200
    issue.refresh_from_db()
    assert issue.forwarded_unit is None
    assert client.post(page, {"action": "forward", "forward-unit": own.pk}).status_code == 302
    issue.refresh_from_db()
    assert issue.forwarded_unit == own and issue.status == IssueStatus.FORWARDED
    # A keeper of another station: 404.
    client.force_login(df.keeper_user())
    assert client.get(url).status_code in (403, 404)


def test_the_unit_filters_of_the_lists_search_active_units(client, actors):
    units = units_in(None, 25, "省财政")
    df.HandlingUnitFactory(name="省财政旧局", is_active=False)
    url = reverse("suggestions:pick_units")
    found = client.get(url, {"q": "财政"}).json()["results"]
    assert len(found) == 20 and "省财政旧局" not in {row["text"] for row in found}
    html = client.get(reverse("suggestions:public_list")).content.decode()
    assert f'data-search-url="{url}"' in html and units[0].name not in html
    # A chosen unit stays chosen in the filter.
    html = client.get(reverse("suggestions:public_list"), {"unit": units[5].pk}).content.decode()
    assert f'<option value="{units[5].pk}" selected>{units[5].name}</option>' in html


def test_ballot_overview_searches_prefectures_and_counties_by_name(client):
    province = df.AreaFactory(kind=AreaKind.PROVINCE)
    counties = [df.AreaFactory(kind=AreaKind.COUNTY, parent=province, name=f"测试{i:02d}县") for i in range(25)]
    df.AreaFactory(kind=AreaKind.TOWNSHIP, parent=counties[0], name="测试镇")
    staff = df.staff_user()
    client.force_login(staff)
    url = reverse("voting:pick_areas")
    found = client.get(url, {"q": "测试"}).json()["results"]
    assert len(found) == 20 and all(row["text"].endswith("县") for row in found)
    assert client.get(url, {"q": "测试07"}).json()["results"] == [{"id": counties[7].code, "text": "测试07县"}]
    html = client.get(reverse("voting:staff_overview")).content.decode()
    assert f'data-search-url="{url}"' in html and counties[3].name not in html
    html = client.get(reverse("voting:staff_overview"), {"area": counties[3].code}).content.decode()
    assert f'<option value="{counties[3].code}" selected>{counties[3].name}</option>' in html
    client.force_login(df.deputy_user())
    assert client.get(url).status_code == 404
