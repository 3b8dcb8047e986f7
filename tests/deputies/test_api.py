"""The deputies API: a public directory with nothing personal, its filters and
query count; staff-only endpoints; masking for everyone else."""
import pytest

from deputies.models import Deputy, DeputyGroup, DeputyGroupMembership, Level, Mandate, MandateStatus
from tests.deputies import factories as f

pytestmark = pytest.mark.django_db

DIRECTORY = "/api/deputies/directory/"


def seat(province, deputy=None, where="prov", **kwargs):
    term = getattr(province, f"{where}_term")
    return f.MandateFactory(deputy=deputy or f.DeputyFactory(), term=term, congress=term.congress,
                            level=term.congress.level, **kwargs)


def grouped(province, n, group=None):
    """n deputies: a provincial and a township mandate each, in one group."""
    group = group or DeputyGroup.objects.create(name=f"岳麓区第{n}代表小组", area=province.county)
    for _ in range(n):
        mandate = seat(province, delegation=province.changsha, electoral_unit=province.prov_eu)
        seat(province, mandate.deputy, where="twn", electoral_unit=province.twn_eu)
        DeputyGroupMembership.objects.create(group=group, deputy=mandate.deputy)
    return group


def names(response):
    return sorted(item["name"] for item in response.json()["results"])


def test_directory_is_public_and_carries_nothing_personal(province, api_client):
    mandate = seat(province, delegation=province.changsha)
    deputy = mandate.deputy
    response = api_client.get(DIRECTORY)
    assert response.status_code == 200
    item = response.json()["results"][0]
    assert set(item) == {"id", "name", "gender", "gender_display", "mandates", "groups"}
    assert item["mandates"][0]["delegation"]["name"] == "长沙代表团"
    assert item["mandates"][0]["area"] == {"code": "430000000000", "name": "湖南省"}
    text = response.content.decode()
    for secret in (deputy.id_number, deputy.phone, str(deputy.birth_date)):
        assert secret not in text


def test_directory_lists_serving_deputies_only(province, api_client):
    seat(province, status=MandateStatus.SERVING, deputy=f.DeputyFactory(name="在任代表"))
    seat(province, status=MandateStatus.RESIGNED, deputy=f.DeputyFactory(name="辞职代表"))
    assert names(api_client.get(DIRECTORY)) == ["在任代表"]


def test_directory_filters(province, api_client):
    provincial = seat(province, deputy=f.DeputyFactory(name="省代表甲"), delegation=province.changsha, electoral_unit=province.prov_eu)
    seat(province, deputy=f.DeputyFactory(name="株洲省代表"), delegation=province.zhuzhou_delegation, electoral_unit=province.prov_eu2)
    township = seat(province, deputy=f.DeputyFactory(name="镇代表乙"), where="twn", electoral_unit=province.twn_eu)
    seat(province, deputy=f.DeputyFactory(name="区代表丙"), where="cty", electoral_unit=province.cty_eu)
    group = DeputyGroup.objects.create(name="岳麓区第一代表小组", area=province.county, leader=township.deputy)
    DeputyGroupMembership.objects.create(group=group, deputy=township.deputy)
    DeputyGroupMembership.objects.create(group=group, deputy=provincial.deputy)

    assert names(api_client.get(DIRECTORY, {"level": Level.TOWNSHIP})) == ["镇代表乙"]
    # An area includes the areas below it; a provincial deputy counts where elected.
    assert names(api_client.get(DIRECTORY, {"area": province.county.code})) == ["区代表丙", "镇代表乙"]
    assert names(api_client.get(DIRECTORY, {"area": province.prefecture.code})) == ["区代表丙", "省代表甲", "镇代表乙"]
    assert len(names(api_client.get(DIRECTORY, {"area": province.province.code}))) == 4
    assert names(api_client.get(DIRECTORY, {"area": "999999999999"})) == []
    assert names(api_client.get(DIRECTORY, {"delegation": province.changsha.pk})) == ["省代表甲"]
    assert names(api_client.get(DIRECTORY, {"group": group.pk})) == ["省代表甲", "镇代表乙"]
    assert names(api_client.get(DIRECTORY, {"search": "代表丙"})) == ["区代表丙"]
    assert api_client.get(DIRECTORY, {"level": "nope"}).status_code == 400


def test_directory_query_count_does_not_grow_with_rows(province, api_client, django_assert_num_queries):
    group = grouped(province, 2)
    # page (keyset, no count), serving mandates (with congress, area, term, delegation), groups
    with django_assert_num_queries(3):
        assert len(api_client.get(DIRECTORY).json()["results"]) == 2
    grouped(province, 18, group)
    with django_assert_num_queries(3):
        assert len(api_client.get(DIRECTORY).json()["results"]) == 20
    # Filtering by area adds the one lookup of the area by its code.
    with django_assert_num_queries(4):
        response = api_client.get(DIRECTORY, {"area": province.county.code, "group": group.pk, "level": "township"})
    assert len(response.json()["results"]) == 20
    assert len(response.json()["results"][0]["mandates"]) == 2


STAFF_LISTS = ["/api/deputies/deputies/", "/api/deputies/mandates/", "/api/deputies/contacts/"]


@pytest.mark.parametrize("url", STAFF_LISTS)
def test_staff_endpoints_refuse_everyone_else(url, province, client, unit_user, deputy_user, keeper_user, staff_user):
    assert client.get(url).status_code in (401, 403)
    for user in (unit_user, deputy_user, keeper_user):
        client.force_login(user)
        assert client.get(url).status_code == 403, user.role
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_staff_see_personal_data_and_nobody_can_sort_or_filter_by_it(province, staff_client):
    # By name 乙 comes before 甲; by phone it would be the other way round.
    a = seat(province, deputy=f.DeputyFactory(name="甲", phone="13900000001")).deputy
    b = seat(province, deputy=f.DeputyFactory(name="乙", phone="13900000002")).deputy
    data = staff_client.get("/api/deputies/deputies/").json()["results"]
    assert [d["id_number"] for d in data] == [b.id_number, a.id_number]
    for field in ("phone", "id_number"):
        ordered = staff_client.get("/api/deputies/deputies/", {"ordering": field}).json()["results"]
        assert [d["name"] for d in ordered] == ["乙", "甲"], field
    only = staff_client.get("/api/deputies/deputies/", {"id_number": a.id_number, "phone": a.phone}).json()["results"]
    assert len(only) == 2  # not filters


def test_non_staff_never_see_id_number_or_phone(province, client, deputy_user, unit_user):
    client.force_login(deputy_user)
    me = client.get("/api/deputies/me/").json()
    deputy = Deputy.objects.get(user=deputy_user)
    assert me["id_number"] == deputy.id_number[:3] + "*" * 11 + deputy.id_number[-4:]
    assert me["phone"] == deputy.phone[:3] + "****" + deputy.phone[-4:]
    assert deputy.id_number not in client.get("/api/deputies/me/").content.decode()
    client.force_login(unit_user)
    assert client.get("/api/deputies/me/").status_code == 404
    units = client.get("/api/deputies/units/").json()["results"]
    assert units and "contacts" not in units[0]
    assert client.get(f"/api/deputies/deputies/{deputy.pk}/").status_code == 403
    groups = client.get("/api/deputies/groups/").content.decode()
    assert deputy.id_number not in groups


def test_staff_create_and_change_through_services(province, staff_client):
    response = staff_client.post("/api/deputies/deputies/", {"name": "王五", "gender": "male", "id_number": "110105194912310021"},
                                 content_type="application/json")
    assert response.status_code == 400 and "id_number" in response.json()
    response = staff_client.post(
        "/api/deputies/deputies/",
        {"name": "王五", "gender": "male", "id_number": "11010519491231002X", "birth_date": "1949-12-30"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "birth_date" in response.json()
    response = staff_client.post("/api/deputies/deputies/", {"name": "王五", "gender": "male", "id_number": "11010519491231002X"},
                                 content_type="application/json")
    assert response.status_code == 201, response.json()
    deputy = Deputy.objects.get(pk=response.json()["id"])
    assert str(deputy.birth_date) == "1949-12-31"
    response = staff_client.post("/api/deputies/mandates/", {
        "deputy": deputy.pk, "congress": province.cty.pk, "term": province.prov_term.pk, "start_date": "2022-01-05"},
        content_type="application/json")
    assert response.status_code == 400 and "term" in response.json()
    response = staff_client.post("/api/deputies/mandates/", {
        "deputy": deputy.pk, "congress": province.cty.pk, "term": province.cty_term.pk, "start_date": "2022-01-05"},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["level"] == Level.COUNTY
    mandate = Mandate.objects.get(deputy=deputy)
    response = staff_client.patch(f"/api/deputies/mandates/{mandate.pk}/", {"status": "resigned", "end_date": "2024-01-01"},
                                  content_type="application/json")
    assert response.status_code == 200 and mandate.history.count() == 2


def test_groups_are_written_by_staff_only(province, client, staff_user, deputy_user):
    member = seat(province).deputy
    payload = {"name": "岳麓区第一代表小组", "area": province.county.pk, "leader": member.pk, "members": [member.pk]}
    client.force_login(deputy_user)
    assert client.post("/api/deputies/groups/", payload, content_type="application/json").status_code == 403
    client.force_login(staff_user)
    response = client.post("/api/deputies/groups/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert list(DeputyGroup.objects.get().members.all()) == [member]


@pytest.mark.parametrize("url", [
    "/api/deputies/deputies/", "/api/deputies/mandates/", "/api/deputies/groups/", "/api/deputies/units/",
    "/api/deputies/areas/", "/api/deputies/delegations/", "/api/deputies/contacts/",
])
def test_list_query_counts_do_not_grow_with_rows(url, province, staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        group = grouped(province, n)
        for _ in range(n):
            unit = f.HandlingUnitFactory()
            unit.contacts.create(name="联络员", phone="13900000000")

    build(2)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(url).status_code == 200
    build(12)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
