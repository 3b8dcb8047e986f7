"""The API: scoping (another role's item is a 404), one action per move,
error mapping, personal data never public, and list query counts pinned
independent of the number of rows."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from congress_portal.workdays import local_today
from suggestions import services
from suggestions.models import Disclosure, Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, category, in_status, result, submit

pytestmark = pytest.mark.django_db


def client_for(user):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_lifecycle_through_the_api():
    actors = Actors()
    lead, co = df.HandlingUnitFactory(), df.HandlingUnitFactory()
    deputy, staff = client_for(actors.deputy_user), client_for(actors.staff)
    r = deputy.post("/api/suggestions/", {"title": "关于建设城乡公交一体化的建议", "content": "……", "category": category("transport").pk, "year": 2025}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert staff.post(f"/api/suggestions/{pk}/register/", {}, format="json").status_code == 200
    r = staff.post(f"/api/suggestions/{pk}/assign/", {"lead_unit": lead.pk, "co_units": [co.pk]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Status.ASSIGNED
    # The same move again: the table refuses it (400, with the reason).
    r = staff.post(f"/api/suggestions/{pk}/assign/", {"lead_unit": lead.pk}, format="json")
    assert r.status_code == 400 and "办理中" in str(r.json())
    unit = client_for(actors.unit_user(lead))
    inbox = unit.get("/api/suggestions/assignments/").json()["results"]
    assert [row["suggestion"]["id"] for row in inbox] == [pk]
    a_id = inbox[0]["id"]
    assert unit.post(f"/api/suggestions/assignments/{a_id}/acknowledge/").status_code == 200
    r = unit.post(
        f"/api/suggestions/assignments/{a_id}/contact/",
        {"stage": "before", "method": "phone", "contacted_at": "2025-03-01T10:00:00+08:00", "note": "电话沟通"},
        format="json",
    )
    assert r.status_code == 200
    r = unit.post(
        f"/api/suggestions/assignments/{a_id}/reply/",
        {"letter": "已纳入计划。", "result_category": result("B").pk, "signed_off_by": "刘局长"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == Status.REPLIED
    reply_id = r.json()["replies"][0]["id"]
    # A unit cannot rate: 403 with the reason.
    assert unit.post(f"/api/suggestions/replies/{reply_id}/rate/", {"process_rating": "satisfied", "result_rating": "satisfied"}, format="json").status_code == 403
    r = deputy.post(f"/api/suggestions/replies/{reply_id}/rate/", {"process_rating": "satisfied", "result_rating": "mostly"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Status.CLOSED
    r = staff.post(f"/api/suggestions/{pk}/disclosure/", {"mode": "full"}, format="json")
    assert r.status_code == 200
    public = client_for(None).get("/api/suggestions/public/").json()["results"]
    assert [row["id"] for row in public] == [pk]
    timeline = deputy.get(f"/api/suggestions/{pk}/events/").json()
    assert [e["move"] for e in timeline][:3] == ["submit", "register", "assign"]
    r = staff.post(
        "/api/suggestions/followup-rounds/",
        {"title": "回头看", "due_date": str(local_today() + datetime.timedelta(days=30)), "suggestions": [pk]},
        format="json",
    )
    assert r.status_code == 201 and r.json()["number"] == 1 and r.json()["name"].startswith(f"{local_today().year}年度第1轮回头看（")
    item = unit.get("/api/suggestions/followup-items/").json()["results"][0]
    assert unit.post(f"/api/suggestions/followup-items/{item['id']}/second-reply/", {"content": "已完工。"}, format="json").status_code == 200
    r = deputy.post(f"/api/suggestions/{pk}/rate-second-reply/", {"rating": "satisfied"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Status.CLOSED


def test_another_roles_suggestion_answers_404_and_wrong_actor_403():
    s, actors, units = in_status(Status.ASSIGNED)
    outsider_unit = df.unit_user()
    other_deputy = df.deputy_user()
    for user in (outsider_unit, other_deputy, df.keeper_user()):
        c = client_for(user)
        assert c.get(f"/api/suggestions/{s.pk}/").status_code == 404
        assert c.post(f"/api/suggestions/{s.pk}/register/", {}, format="json").status_code == 404
    assert client_for(None).get(f"/api/suggestions/{s.pk}/").status_code in (401, 403)
    # The lead deputy sees it but may not assign: 403.
    r = client_for(actors.deputy_user).post(f"/api/suggestions/{s.pk}/key-supervision/", {"supervising_leader": "x"}, format="json")
    assert r.status_code == 403
    # Not published: the public does not see it either.
    assert client_for(None).get(f"/api/suggestions/public/{s.pk}/").status_code == 404


def test_concurrent_change_maps_to_409(monkeypatch):
    s, actors, units = in_status(Status.REGISTERED)
    stale = Suggestion.objects.get(pk=s.pk)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=units[0])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.assign_suggestion(suggestion=stale, actor=actors.staff, lead_unit=units[1])
    assert exc.value.code == "conflict"
    from congress_portal.api import exception_handler

    assert exception_handler(exc.value, {}).status_code == 409


def test_public_output_never_shows_personal_data():
    s, actors, units = in_status(Status.CLOSED)
    Suggestion.objects.filter(pk=s.pk).update(content="群众王某（身份证430102197506010012，电话13912345678）反映……")
    s.refresh_from_db()
    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)
    body = client_for(None).get(f"/api/suggestions/public/{s.pk}/").content.decode()
    assert "430102197506010012" not in body and "13912345678" not in body
    assert actors.deputy.id_number not in body and actors.deputy.phone not in body
    listing = client_for(None).get("/api/suggestions/public/").content.decode()
    assert actors.deputy.id_number not in listing and "13912345678" not in listing
    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.SUMMARY, summary="关于道路养护的建议摘要")
    detail = client_for(None).get(f"/api/suggestions/public/{s.pk}/").json()
    assert detail["content"] == "" and detail["replies"] == [] and detail["public_summary"] == "关于道路养护的建议摘要"
    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.NONE, reason="涉及个人隐私")
    assert client_for(None).get(f"/api/suggestions/public/{s.pk}/").status_code == 404


def test_filters_status_unit_overdue_keyword_and_level():
    a, actors, units = in_status(Status.ASSIGNED)
    b, _a2, _u2 = in_status(Status.SUBMITTED, actors)
    Suggestion.objects.filter(pk=a.pk).update(reply_due_at=a.reply_due_at - datetime.timedelta(days=200))
    staff = client_for(actors.staff)

    def ids(**params):
        r = staff.get("/api/suggestions/", params)
        assert r.status_code == 200, r.content
        return {row["id"] for row in r.json()["results"]}

    assert ids(status="assigned") == {a.pk}
    assert ids(unit=units[0].pk) == {a.pk}
    assert ids(overdue="true") == {a.pk}
    assert ids(overdue="false") == {b.pk}
    assert ids(keyword="农村公路") == {a.pk, b.pk}
    assert ids(deputy_level="provincial") == {a.pk, b.pk}
    assert ids(deputy_level="county") == set()
    assert ids(year=2025, category=category().pk) == {a.pk, b.pk}
    assert ids(key_supervision="true") == set()


def _make_rows(n, actors, units):
    for _ in range(n):
        in_status(Status.ASSIGNED, actors, units=units)
        in_status(Status.CLOSED, actors, units=units)
    past = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    Suggestion.objects.filter(status=Status.ASSIGNED).update(reply_due_at=past)  # overdue ones for the overdue list
    for s in Suggestion.objects.filter(status=Status.CLOSED, published_at__isnull=True):
        services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)


@pytest.mark.parametrize(
    "who,url",
    [
        ("staff", "/api/suggestions/?status=assigned&status=closed"),
        ("unit", "/api/suggestions/assignments/"),
        ("public", "/api/suggestions/public/"),
        ("deputy", "/api/suggestions/"),
        ("staff", "/api/suggestions/overdue/"),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(who, url, django_assert_num_queries):
    actors = Actors()
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    user = {"staff": actors.staff, "unit": actors.unit_user(units[0]), "public": None, "deputy": actors.deputy_user}[who]
    c = client_for(user)
    _make_rows(1, actors, units)
    c.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    _make_rows(3, actors, units)
    with django_assert_num_queries(len(small)):
        r = c.get(url)
    assert r.status_code == 200 and len(r.json()["results"]) >= 1
    # Pinned: a list page costs a fixed handful of queries.
    assert len(small) <= 6, [q["sql"] for q in small.captured_queries]


def test_api_export_is_the_page_export_with_formulas_escaped(client):
    """The API and the staff page write the same file (excel.export_suggestions):
    the same columns, and formula-like text kept as text."""
    actors = Actors()
    title = '=HYPERLINK("http://x","y")'
    submit(actors, title=title)
    r = client_for(actors.staff).get("/api/suggestions/export/")
    assert r.status_code == 200
    api_rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert [row[1] for row in api_rows[1:]] == ["'" + title]
    client.force_login(actors.staff)
    page_rows = list(load_workbook(io.BytesIO(client.get(reverse("suggestions:staff_export")).content)).active.values)
    assert page_rows == api_rows


def test_excel_export_of_a_filtered_list_and_import_all_or_nothing():
    actors = Actors()
    session = df.SessionFactory(term=actors.deputy.mandates.get().term)
    in_status(Status.ASSIGNED, actors)
    in_status(Status.SUBMITTED, actors)
    staff = client_for(actors.staff)
    r = staff.get("/api/suggestions/export/?status=assigned")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2 and rows[1][7] == "办理中"
    assert client_for(actors.deputy_user).get("/api/suggestions/export/").status_code == 403

    def book(lines):
        wb = Workbook()
        ws = wb.active
        ws.append(["领衔代表", "代表证号", "标题", "内容", "类别", "附议代表", "同意公开"])
        for line in lines:
            ws.append(line)
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        out.name = "paper.xlsx"
        return out

    name = actors.deputy.name
    before = Suggestion.objects.count()
    bad = book([
        [name, "", "关于A的建议", "内容", "交通建设", "", "是"],
        ["查无此人", "", "关于B的建议", "内容", "交通建设", "", "是"],
        [name, "", "", "内容", "不存在的类别", "", "否"],
    ])  # fmt: skip
    r = staff.post("/api/suggestions/import/", {"file": bad, "session": session.pk}, format="multipart")
    assert r.status_code == 400
    text = str(r.json())
    assert "第3行" in text and "第4行" in text and "第2行" not in text
    assert Suggestion.objects.count() == before
    good = book([[name, "", "关于A的建议", "内容", "交通建设", "", "是"], [name, "", "关于C的建议", "内容", "教育", "", "否"]])
    r = staff.post("/api/suggestions/import/", {"file": good, "session": session.pk}, format="multipart")
    assert r.status_code == 201 and r.json()["created"] == 2
    made = Suggestion.objects.filter(pk__in=r.json()["ids"])
    assert all(s.entered_by_staff and s.during_session and s.session_id == session.pk for s in made)
    assert {s.disclosure_consent for s in made} == {True, False}


def test_dashboard_figures():
    s, actors, units = in_status(Status.CLOSED)
    in_status(Status.REHANDLING, actors)
    r = client_for(actors.staff).get("/api/suggestions/dashboard/")
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 2 and data["rated_replies"] == 2 and data["satisfied_replies"] == 1
    assert data["satisfaction_rate"] == 0.5
    assert {row["code"]: row["count"] for row in data["by_result_category"]} == {"B": 2}
    assert client_for(actors.deputy_user).get("/api/suggestions/dashboard/").status_code == 403
