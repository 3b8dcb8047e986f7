"""The path from a QR scan to a message, to an issue forwarded to a unit, to
the unit's feedback, to the outcome shown to the keeper; and visit records."""
import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison_stations import qr, services
from liaison_stations.forms import form_token
from liaison_stations.models import Issue, IssueEvent, IssueSource, IssueStatus, Visit
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


def message_data(**overrides):
    data = {
        "content": "小区门口路灯坏了三个月,晚上出行不安全。",
        "name": "李女士",
        "contact": "13912345678",
        "consents_to_contact": "on",
        "website": "",
        "started": form_token(time.time() - 30),
    }
    data.update(overrides)
    return data


def test_qr_scan_to_message_to_unit_feedback_to_outcome(client, keeper_user, settings):
    settings.PORTAL_BASE_URL = "https://rd.example.gov.cn"
    station = f.station_with_keeper(keeper_user, name="城关镇人大代表联络站")
    deputy = f.StationingFactory(station=station).deputy

    # The printed QR code points at the public station page.
    png = client.get(reverse("liaison_stations:station_qr", args=[station.pk, "png"]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(reverse("liaison_stations:station_qr", args=[station.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert qr.station_public_url(station) == f"https://rd.example.gov.cn/stations/{station.pk}/"

    # The scan opens the page: who is stationed, and the message form.
    page = client.get(f"/stations/{station.pk}/")
    assert page.status_code == 200
    assert deputy.name in page.content.decode()
    assert deputy.phone not in page.content.decode()
    assert deputy.id_number not in page.content.decode()

    response = client.post(f"/stations/{station.pk}/", message_data())
    assert response.status_code == 302 and response["Location"] == reverse("liaison_stations:message_received")
    issue = Issue.objects.get()
    assert (issue.station, issue.source, issue.status) == (station, IssueSource.MESSAGE, IssueStatus.OPEN)
    assert issue.raised_by_contact == "13912345678" and issue.consents_to_contact

    # It lands in the keeper's queue.
    client.force_login(keeper_user)
    queue = client.get(reverse("liaison_stations:issues")).content.decode()
    assert "路灯坏了" in queue

    # The keeper forwards it to a unit with a feedback due date.
    unit = df.HandlingUnitFactory(name="城关镇人民政府")
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(reverse("liaison_stations:issue", args=[issue.pk]), {
        "action": "forward", "forward-unit": unit.pk, "forward-due_on": due.isoformat(), "forward-note": "请核实维修",
    })
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.forwarded_unit, issue.feedback_due_on) == (IssueStatus.FORWARDED, unit, due)

    # The unit sees it on its own page, without the constituent's contact details, and replies.
    unit_member = df.unit_user(unit=unit)
    client.force_login(unit_member)
    listing = client.get(reverse("liaison_stations:unit_issues")).content.decode()
    assert "路灯坏了" in listing
    detail = client.get(reverse("liaison_stations:unit_issue", args=[issue.pk])).content.decode()
    assert "13912345678" not in detail and "李女士" not in detail
    response = client.post(reverse("liaison_stations:unit_issue", args=[issue.pk]), {"feedback": "已更换路灯三盏,恢复照明。"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FEEDBACK and issue.feedback_at is not None and issue.feedback_on_time

    # The keeper sees the outcome, and closes the issue telling the constituent.
    client.force_login(keeper_user)
    detail = client.get(reverse("liaison_stations:issue", args=[issue.pk])).content.decode()
    assert "已更换路灯三盏" in detail and "13912345678" in detail
    response = client.post(reverse("liaison_stations:issue", args=[issue.pk]), {
        "action": "close", "close-outcome": "已电话告知李女士:路灯已修复。",
    })
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED and "路灯已修复" in issue.outcome
    assert list(IssueEvent.objects.filter(issue=issue).values_list("new_status", flat=True)) == [
        IssueStatus.OPEN, IssueStatus.FORWARDED, IssueStatus.FEEDBACK, IssueStatus.CLOSED,
    ]


def test_deputy_qr_code_leaves_a_message_for_that_deputy(client):
    stationing = f.StationingFactory()
    deputy, station = stationing.deputy, stationing.station
    url = reverse("liaison_stations:deputy", args=[deputy.pk])
    assert qr.deputy_public_url(deputy).endswith(url)
    assert client.get(reverse("liaison_stations:deputy_qr", args=[deputy.pk, "png"])).status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and station.name in page.content.decode()
    response = client.post(url, message_data(station=station.pk))
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.addressed_to == deputy and issue.station == station


def test_deputy_stationed_nowhere_and_inactive_station_have_no_public_page(client):
    deputy = df.DeputyFactory()
    assert client.get(reverse("liaison_stations:deputy", args=[deputy.pk])).status_code == 404
    station = f.StationFactory(is_active=False)
    assert client.get(reverse("liaison_stations:station", args=[station.pk])).status_code == 404
    assert client.get(reverse("liaison_stations:station_qr", args=[station.pk, "gif"])).status_code == 404


def test_keeper_records_a_visit_with_people_and_issues(client, keeper_user):
    station = f.station_with_keeper(keeper_user)
    deputy = f.StationingFactory(station=station).deputy
    category = f.IssueCategoryFactory(name="城乡建设")
    client.force_login(keeper_user)
    form = client.get(reverse("liaison_stations:visit_new", args=[station.pk]))
    assert form.status_code == 200
    data = {
        "received_on": timezone.localdate().isoformat(), "people_count": "3", "deputies": [deputy.pk],
        "summary": "接待群众三人",
        "visitors-TOTAL_FORMS": "2", "visitors-INITIAL_FORMS": "0",
        "visitors-0-name": "张三", "visitors-0-contact": "13700000000", "visitors-1-name": "",
        "issues-TOTAL_FORMS": "2", "issues-INITIAL_FORMS": "0",
        "issues-0-category": category.pk, "issues-0-content": "农村饮水管道老化", "issues-0-raised_by_name": "张三",
        "issues-1-content": "",
    }
    response = client.post(reverse("liaison_stations:visit_new", args=[station.pk]), data)
    assert response.status_code == 302, response.content.decode()
    visit = Visit.objects.get()
    assert list(visit.deputies.all()) == [deputy] and visit.people_count == 3
    assert [v.name for v in visit.visitors.all()] == ["张三"]
    issue = visit.issues.get()
    assert (issue.category, issue.status, issue.created_by) == (category, IssueStatus.OPEN, keeper_user)
    # The visit list shows it.
    assert "农村饮水" not in client.get(reverse("liaison_stations:visits", args=[station.pk])).content.decode()
    assert "接待群众三人" in client.get(reverse("liaison_stations:visits", args=[station.pk])).content.decode()


def test_visit_with_a_deputy_not_stationed_there_is_refused(keeper_user):
    station = f.station_with_keeper(keeper_user)
    stranger = df.DeputyFactory()
    with pytest.raises(services.ValidationError) as error:
        services.record_visit(station=station, received_on=timezone.localdate(), actor=keeper_user, deputies=[stranger])
    assert "deputies" in error.value.error_dict
    assert not Visit.objects.exists()


def test_answer_on_the_spot_then_close(keeper_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    services.answer_issue(issue=issue, answer="已当场解释政策", actor=keeper_user)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ANSWERED and issue.outcome == "已当场解释政策"
    services.close_issue(issue=issue, actor=keeper_user)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED and issue.outcome == "已当场解释政策"


def test_forward_uses_the_policy_default_due_date_and_overdue_scan_finds_it(keeper_user):
    from liaison_stations.models import StationPolicy

    policy = StationPolicy.current()
    policy.feedback_days = 7
    policy.save()
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    unit = df.HandlingUnitFactory()
    issue = services.forward_issue(issue=issue, unit=unit, actor=keeper_user)
    today = timezone.localdate()
    assert issue.feedback_due_on == today + datetime.timedelta(days=7)
    assert not Issue.objects.feedback_overdue(today).exists()
    assert list(Issue.objects.feedback_overdue(today + datetime.timedelta(days=8))) == [issue]
    assert list(Issue.objects.feedback_due_soon(days=7, today=today)) == [issue]


def test_moves_outside_the_table_are_refused(keeper_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    with pytest.raises(services.ValidationError):
        services.give_feedback(issue=issue, feedback="x", actor=keeper_user)
    services.answer_issue(issue=issue, answer="好", actor=keeper_user)
    with pytest.raises(services.ValidationError):
        services.forward_issue(issue=Issue.objects.get(pk=issue.pk), unit=df.HandlingUnitFactory(), actor=keeper_user)


def test_stale_copy_gets_a_conflict(keeper_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    stale = Issue.objects.get(pk=issue.pk)
    services.answer_issue(issue=issue, answer="好", actor=keeper_user)
    with pytest.raises(services.ValidationError) as error:
        services.answer_issue(issue=stale, answer="再答复", actor=keeper_user)
    assert error.value.code == "conflict"


def test_rota_page_adds_a_rule_and_the_public_page_shows_its_dates(client, keeper_user):
    station = f.station_with_keeper(keeper_user)
    deputy = f.StationingFactory(station=station).deputy
    client.force_login(keeper_user)
    today = timezone.localdate()
    response = client.post(reverse("liaison_stations:rota", args=[station.pk]), {
        "kind": "rule", "rule-title": "代表接待日", "rule-frequency": "weekly", "rule-interval": "1",
        "rule-weekday": str(today.weekday()), "rule-start_time": "09:00", "rule-end_time": "11:30",
        "rule-starts_on": today.isoformat(), "rule-deputies": [deputy.pk], "rule-is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()
    rule = station.reception_rules.get()
    assert list(rule.deputies.all()) == [deputy]
    client.logout()
    page = client.get(reverse("liaison_stations:station", args=[station.pk])).content.decode()
    assert today.strftime("%Y-%m-%d") in page
    assert (today + datetime.timedelta(days=7)).strftime("%Y-%m-%d") in page
    assert re.search(r"每周星期.", page)


def test_relations_can_be_changed_from_either_side(keeper_user):
    # simple_history's m2m history breaks on reverse-side changes; these relations carry none.
    station = f.StationFactory()
    keeper_user.kept_stations.add(station)
    visit = f.VisitFactory(station=station)
    deputy = df.DeputyFactory()
    deputy.station_visits.add(visit)
    assert list(station.keepers.all()) == [keeper_user] and list(visit.deputies.all()) == [deputy]
