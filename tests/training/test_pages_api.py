"""Pages and API: who sees what (another role's object answers 404), check-in
through the page, exports that open, and every list's query count pinned and
independent of the number of rows."""
import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.deputies import factories as df
from tests.training.factories import (
    AttendedEnrolmentFactory,
    DutyActivityFactory,
    EnrolmentFactory,
    ScoringItemFactory,
    TrainingPlanFactory,
    TrainingSessionFactory,
)
from training import services
from training.models import EnrolmentStatus, LeaveRequest, TrainingMaterial
from training.tokens import make_checkin_token

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def assert_flat(client, url, grow, expected, django_assert_num_queries):
    """The page costs ``expected`` queries, and still does after ``grow()`` adds rows
    (one of them is the layout's badge count, congress_portal/notifications/badges.py)."""
    assert count_queries(client, url) == expected
    grow()
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.fixture
def serving_term():
    today = timezone.localdate()
    return df.TermFactory(start_date=today - datetime.timedelta(days=400), end_date=today + datetime.timedelta(days=1400))


def _sessions(n):
    now = timezone.now()
    return [
        TrainingSessionFactory(starts_at=now + datetime.timedelta(days=i - 2), ends_at=now + datetime.timedelta(days=i - 2, hours=3))
        for i in range(n)
    ]


# --- deputy pages --------------------------------------------------------------------


def test_my_training_page_query_count(deputy_client, deputy_user, django_assert_num_queries):
    deputy = deputy_user.deputy

    def enrol(n):
        for session in _sessions(n):
            AttendedEnrolmentFactory(session=session, deputy=deputy)
            EnrolmentFactory(session=session)  # someone else's, never shown

    enrol(2)
    assert_flat(deputy_client, reverse("training:my"), lambda: enrol(5), 6, django_assert_num_queries)


def test_my_training_shows_only_own(deputy_client, deputy_user):
    mine = EnrolmentFactory(deputy=deputy_user.deputy, session=_sessions(3)[2])
    other = EnrolmentFactory(session=TrainingSessionFactory(title="别人的培训", starts_at=mine.session.starts_at, ends_at=mine.session.ends_at))
    body = deputy_client.get(reverse("training:my")).content.decode()
    assert mine.session.title in body and other.session.title not in body


def test_check_in_through_the_page(deputy_client, deputy_user):
    now = timezone.now()
    session = TrainingSessionFactory(starts_at=now - datetime.timedelta(minutes=10), ends_at=now + datetime.timedelta(hours=2))
    enrolment = EnrolmentFactory(session=session, deputy=deputy_user.deputy)
    url = reverse("training:check-in")
    token = make_checkin_token(session)
    assert deputy_client.get(url, {"t": token}).status_code == 200
    forged = deputy_client.post(url, {"t": token[:-2] + "xx"})
    assert forged.status_code == 400 and "无效" in forged.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED
    response = deputy_client.post(url, {"t": token})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ATTENDED and enrolment.hours_credited == session.hours


def test_check_in_needs_sign_in(client):
    response = client.get(reverse("training:check-in"), {"t": "x"})
    assert response.status_code == 302 and "login" in response.url


def test_leave_from_the_page(deputy_client, deputy_user):
    enrolment = EnrolmentFactory(deputy=deputy_user.deputy, session=_sessions(4)[3])
    deputy_client.post(reverse("training:leave", args=[enrolment.pk]), {"reason": "出差"})
    assert LeaveRequest.objects.filter(enrolment=enrolment, reason="出差").exists()
    other = EnrolmentFactory(session=enrolment.session)
    assert deputy_client.post(reverse("training:leave", args=[other.pk]), {"reason": "x"}).status_code == 404


def test_materials_page_query_count(deputy_client, deputy_user, django_assert_num_queries):
    term = deputy_user.deputy.mandates.get().term  # the sessions of the deputy's own congress

    def add(n):
        for session in _sessions(n):
            session.plan.term = term
            session.plan.save(update_fields=["term"])
            TrainingMaterial.objects.create(session=session, title="代表法释义", url="https://example.org/a")
        TrainingMaterial.objects.create(title="未公开资料", url="https://example.org/b", is_published=False)

    add(2)
    assert_flat(deputy_client, reverse("training:materials"), lambda: add(4), 6, django_assert_num_queries)
    page = deputy_client.get(reverse("training:materials")).content.decode()
    assert "未公开资料" not in page and "代表法释义" in page


def test_materials_of_another_congress_are_not_listed_for_a_deputy(deputy_client):
    TrainingMaterial.objects.create(session=_sessions(1)[0], title="别处的资料", url="https://example.org/c")
    TrainingMaterial.objects.create(title="共享资料", url="https://example.org/d")
    page = deputy_client.get(reverse("training:materials")).content.decode()
    assert "共享资料" in page and "别处的资料" not in page


def test_own_record_page_and_export(deputy_client, deputy_user):
    deputy = deputy_user.deputy
    term = deputy.mandates.get().term  # a congress's record counts that congress's work
    AttendedEnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(plan__term=term))
    DutyActivityFactory(deputy=deputy, congress=term.congress)
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("2"))
    response = deputy_client.get(reverse("training:record", args=[deputy.pk, 2025]))
    body = response.content.decode()
    assert response.status_code == 200 and "12.00" in body and "training/print.css" in body
    xlsx = deputy_client.get(reverse("training:record_xlsx", args=[deputy.pk, 2025]))
    sheet = load_workbook(BytesIO(xlsx.content))["履职档案"]
    assert any(row[0] == "履职得分" and row[4] == 12.0 for row in sheet.iter_rows(values_only=True))


def test_someone_elses_record_is_404(deputy_client, unit_client):
    other = df.MandateFactory().deputy
    assert deputy_client.get(reverse("training:record", args=[other.pk, 2025])).status_code == 404
    assert unit_client.get(reverse("training:record", args=[other.pk, 2025])).status_code == 404


# --- staff pages ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["training:sessions", "training:coverage", "training:records", "training:coverage_xlsx"])
def test_staff_pages_hidden_from_other_roles(name, deputy_client, unit_client, keeper_client):
    for client in (deputy_client, unit_client, keeper_client):
        assert client.get(reverse(name)).status_code == 404


def test_sessions_page_query_count(staff_client, django_assert_num_queries):
    def add(n):
        for session in _sessions(n):
            EnrolmentFactory.create_batch(2, session=session)

    add(2)
    assert_flat(staff_client, reverse("training:sessions"), lambda: add(4), 5, django_assert_num_queries)


def test_session_roll_page_query_count_and_marking(staff_client, django_assert_num_queries):
    session = TrainingSessionFactory()
    EnrolmentFactory.create_batch(2, session=session)
    url = reverse("training:session", args=[session.pk])
    assert_flat(staff_client, url, lambda: EnrolmentFactory.create_batch(5, session=session), 7, django_assert_num_queries)
    enrolment = session.enrolments.first()
    staff_client.post(reverse("training:mark", args=[enrolment.pk]), {"attended": "on", "hours": "4"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ATTENDED and enrolment.hours_credited == Decimal("4")


def test_qr_page_carries_a_valid_token(staff_client):
    session = TrainingSessionFactory()
    response = staff_client.get(reverse("training:session_qr", args=[session.pk]))
    assert response.status_code == 200 and b"<svg" in response.content
    assert make_checkin_token(session).split(":")[0] in response.context["url"]


def test_coverage_page_query_count_and_export(staff_client, serving_term, django_assert_num_queries):
    duty = TrainingSessionFactory(starts_at=timezone.now() - datetime.timedelta(days=30), ends_at=timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(hours=3))

    def add(n):
        for _ in range(n):
            covered = df.MandateFactory(term=serving_term, first_term=False).deputy
            AttendedEnrolmentFactory(session=duty, deputy=covered)
            df.MandateFactory(term=serving_term, delegation=None)

    add(2)
    assert_flat(staff_client, reverse("training:coverage"), lambda: add(4), 9, django_assert_num_queries)
    response = staff_client.get(reverse("training:coverage_xlsx"))
    workbook = load_workbook(BytesIO(response.content))
    names = list(workbook["未覆盖代表名单"].iter_rows(values_only=True))
    assert len(names) == 1 + 6  # header + the six deputies without training


def test_records_page_query_count_and_export(staff_client, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            AttendedEnrolmentFactory(deputy=df.MandateFactory().deputy)
        services.refresh_duty_records(year=2025)

    add(2)
    assert_flat(staff_client, reverse("training:records") + "?year=2025", lambda: add(4), 6, django_assert_num_queries)
    response = staff_client.get(reverse("training:records_xlsx") + "?year=2025")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 6


# --- API ------------------------------------------------------------------------------------


API_LISTS = [
    "/api/training/sessions/",
    "/api/training/enrolments/",
    "/api/training/leave-requests/",
    "/api/training/materials/",
    "/api/training/not-covered/",
    "/api/training/duty-records/",
]


@pytest.mark.parametrize("url,expected", list(zip(API_LISTS, [2, 2, 2, 2, 3, 2])))
def test_api_list_query_counts(url, expected, api_client, staff_user, serving_term, django_assert_num_queries):
    api_client.force_authenticate(staff_user)

    def add(n):
        for session in _sessions(n):
            for enrolment in EnrolmentFactory.create_batch(2, session=session):
                df.MandateFactory(term=serving_term, deputy=enrolment.deputy)
                LeaveRequest.objects.create(enrolment=enrolment, reason="有事")
            TrainingMaterial.objects.create(session=session, title="资料", url="https://example.org/")
        services.refresh_duty_records(year=timezone.localdate().year)

    add(1)
    with CaptureQueriesContext(connection) as ctx:
        assert api_client.get(url).status_code == 200
    assert len(ctx.captured_queries) == expected
    add(3)
    with django_assert_num_queries(expected):
        response = api_client.get(url)
    assert response.json()["count"] > 2


def test_api_scoping_and_personal_fields(api_client, deputy_user, staff_user):
    mine = EnrolmentFactory(deputy=deputy_user.deputy)
    other = EnrolmentFactory(session=mine.session)
    api_client.force_authenticate(deputy_user)
    listed = api_client.get("/api/training/enrolments/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert api_client.get(f"/api/training/enrolments/{other.pk}/").status_code == 404
    assert api_client.get("/api/training/coverage/").status_code == 403
    assert api_client.post(f"/api/training/enrolments/{mine.pk}/mark/", {"attended": True}).status_code == 403
    api_client.force_authenticate(staff_user)
    body = api_client.get("/api/training/enrolments/").content.decode()
    assert mine.deputy.id_number not in body and mine.deputy.phone not in body


def test_api_check_in_refuses_forged_token(api_client, deputy_user):
    now = timezone.now()
    session = TrainingSessionFactory(starts_at=now, ends_at=now + datetime.timedelta(hours=1))
    EnrolmentFactory(session=session, deputy=deputy_user.deputy)
    api_client.force_authenticate(deputy_user)
    token = make_checkin_token(session)
    assert api_client.post("/api/training/checkin/", {"token": token + "0"}).status_code == 400
    response = api_client.post("/api/training/checkin/", {"token": token})
    assert response.status_code == 200 and response.json()["status"] == "attended"


def test_api_rule_and_live_record(api_client, staff_user, deputy_user):
    term = deputy_user.deputy.mandates.get().term
    session = TrainingSessionFactory(plan__term=term)
    api_client.force_authenticate(staff_user)
    response = api_client.post(f"/api/training/sessions/{session.pk}/rules/", {"kind": "new_of_term", "term": term.pk})
    assert response.status_code == 201 and response.json()["enrolled_count"] == 1
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("1"))
    services.mark_attendance(enrolment=session.enrolments.get(), attended=True, actor=staff_user)
    api_client.force_authenticate(deputy_user)
    live = api_client.get("/api/training/duty-records/live/", {"year": 2025}).json()
    assert live["score"] == "6.00" and live["lines"][0]["metric"] == "training_hours"
    # A deputy asking for someone else's record gets their own.
    other = df.MandateFactory().deputy
    assert api_client.get("/api/training/duty-records/live/", {"year": 2025, "deputy": other.pk}).json()["deputy"]["id"] == deputy_user.deputy.pk


def test_api_leave_conflict_is_409(api_client, deputy_user):
    enrolment = EnrolmentFactory(deputy=deputy_user.deputy, session=_sessions(4)[3])
    api_client.force_authenticate(deputy_user)
    assert api_client.post(f"/api/training/enrolments/{enrolment.pk}/leave/", {"reason": "出差"}).status_code == 201
    assert api_client.post(f"/api/training/enrolments/{enrolment.pk}/leave/", {"reason": "出差"}).status_code == 409


def test_record_page_query_count(deputy_client, deputy_user, django_assert_num_queries):
    """The yearly record lists every part's details; its cost does not grow with them."""
    deputy = deputy_user.deputy
    term = deputy.mandates.get().term
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("1"))

    def add(n):
        for _ in range(n):
            AttendedEnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(plan__term=term))
            DutyActivityFactory(deputy=deputy, congress=term.congress)

    add(1)
    url = reverse("training:record", args=[deputy.pk, 2025])
    # 30: station check-ins (扫码进站) counted, the menu's badge count, and the deputy's mandates (one record per congress)
    assert_flat(deputy_client, url, lambda: add(3), 30, django_assert_num_queries)


def test_deleting_a_plan_with_sessions_is_a_conflict_not_a_server_error(staff_user, api_client):
    """Issue 13, finding 10: this was a 500 (ProtectedError)."""
    session = TrainingSessionFactory()
    api_client.force_authenticate(staff_user)
    response = api_client.delete(f"/api/training/plans/{session.plan_id}/")
    assert response.status_code == 409 and "培训班次" in response.json()["detail"]
    empty = TrainingPlanFactory()
    assert api_client.delete(f"/api/training/plans/{empty.pk}/").status_code == 204
