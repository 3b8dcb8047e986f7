"""The tracking code (查询码): every issue has one, the person who left a
message gets it, and the public status page shows by it what the station has
released and nothing personal."""
import datetime
from unittest import mock

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import Issue, StationPolicy, normalise_tracking_code
from liaison_stations.models.issues import TRACKING_ALPHABET
from suggestions.models import Suggestion, SuggestionCategory
from tests.deputies import factories as df

from . import factories as f
from .test_flow import message_data

pytestmark = pytest.mark.django_db


def status_url(issue_or_code):
    code = issue_or_code if isinstance(issue_or_code, str) else issue_or_code.tracking_code
    return reverse("liaison_stations:track_status", args=[code])


def leave_message(client, station, **overrides):
    response = client.post(reverse("liaison_stations:station", args=[station.pk]), message_data(**overrides))
    assert response.status_code == 302, response.content.decode()
    return Issue.objects.latest("pk")


# ---------------------------------------------------------------- the code

def test_every_issue_gets_its_own_readable_code():
    station = f.StationFactory()
    issues = [
        services.submit_public_message(station=station, content=f"留言{i}", client_ip=f"10.0.0.{i}")
        for i in range(3)
    ]
    codes = [issue.tracking_code for issue in issues]
    assert len(set(codes)) == 3
    for code in codes:
        assert len(code) == 8 and set(code) <= set(TRACKING_ALPHABET)
        assert not set(code) & set("ILOU")


def test_a_visit_register_gives_codes_too(keeper_user):
    station = f.station_with_keeper(keeper_user)
    visit = services.record_visit(station=station, received_on=timezone.localdate(), actor=keeper_user,
                                  issues=[{"content": "甲"}, {"content": "乙"}])
    codes = {issue.tracking_code for issue in visit.issues.all()}
    assert len(codes) == 2 and all(len(c) == 8 for c in codes)


def test_the_database_refuses_a_duplicate_code():
    issue = f.IssueFactory()
    with pytest.raises(IntegrityError):
        f.IssueFactory(tracking_code=issue.tracking_code)


def test_a_clashing_code_is_drawn_again():
    taken = f.IssueFactory().tracking_code
    fresh = "23456789"
    with mock.patch.object(services, "new_tracking_code", side_effect=[taken, fresh]):
        issue = services.submit_public_message(station=f.StationFactory(), content="留言", client_ip="10.0.0.1")
    assert issue.tracking_code == fresh


@pytest.mark.parametrize(("typed", "stored"), [
    ("abcd-efgh", "ABCDEFGH"),
    (" ABCD EFGH ", "ABCDEFGH"),
    ("0OIL1234", "00111234"),   # O reads as 0, I and L as 1
    ("ABCDEFG", ""),            # too short
    ("ABCDEFGHJ", ""),          # too long
    ("ABCDEFGU", ""),           # U is not in the alphabet
    ("ABCD/EFG", ""),
])
def test_typed_codes_are_read_generously(typed, stored):
    assert normalise_tracking_code(typed) == stored


# ---------------------------------------------------------------- the confirmation page

def test_the_confirmation_page_shows_the_code(client):
    issue = leave_message(client, f.StationFactory())
    page = client.get(reverse("liaison_stations:message_received")).content.decode()
    assert issue.tracking_code_display in page
    assert status_url(issue) in page


def test_the_confirmation_page_shows_no_code_to_another_browser(client):
    issue = leave_message(client, f.StationFactory())
    client.cookies.clear()
    page = client.get(reverse("liaison_stations:message_received")).content.decode()
    assert issue.tracking_code_display not in page


# ---------------------------------------------------------------- the status page

def test_the_form_leads_to_the_status_page(client):
    issue = f.IssueFactory()
    typed = issue.tracking_code_display.lower()
    response = client.get(reverse("liaison_stations:track"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == status_url(issue)
    response = client.get(reverse("liaison_stations:track"), {"code": "ABC"})
    assert response.status_code == 400 and "8位" in response.content.decode()


def test_a_new_message_shows_received_and_station_and_nothing_personal(client):
    station = f.StationFactory(name="城关镇人大代表联络站")
    deputy = f.StationingFactory(station=station).deputy
    issue = leave_message(client, station)
    Issue.objects.filter(pk=issue.pk).update(addressed_to=deputy)
    page = client.get(status_url(issue))
    assert page.status_code == 200
    text = page.content.decode()
    assert "城关镇人大代表联络站" in text and "等待联络站处理" in text
    assert timezone.localdate(issue.created_at).strftime("%Y-%m-%d") in text
    # No name, contact, ID number or the message itself (it may name people).
    for private in ("李女士", "13912345678", "路灯坏了", deputy.name, deputy.phone, deputy.id_number):
        assert private not in text


def test_forwarded_shows_the_unit_and_the_due_date_but_not_the_unreleased_feedback(client, keeper_user):
    station = f.station_with_keeper(keeper_user)
    issue = f.IssueFactory(station=station)
    unit = df.HandlingUnitFactory(name="城关镇人民政府")
    due = timezone.localdate() + datetime.timedelta(days=10)
    services.forward_issue(issue=issue, unit=unit, due_on=due, actor=keeper_user)
    text = client.get(status_url(issue)).content.decode()
    assert "城关镇人民政府" in text and due.strftime("%Y-%m-%d") in text and "已转交承办单位" in text

    services.give_feedback(issue=issue, feedback="内部意见:下月安排维修。", actor=df.unit_user(unit=unit))
    text = client.get(status_url(issue)).content.decode()
    assert "联络站正在审核" in text
    assert "下月安排维修" not in text                       # the unit's raw feedback is not released
    assert due.strftime("%Y-%m-%d") not in text             # nor is the due date still relevant

    services.close_issue(issue=issue, outcome="路灯已于本周修复。", actor=keeper_user)
    text = client.get(status_url(issue)).content.decode()
    assert "已办结" in text and "路灯已于本周修复" in text and "下月安排维修" not in text
    assert "城关镇人民政府" in text


def test_an_answer_on_the_spot_is_shown(client, keeper_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    services.answer_issue(issue=issue, answer="已联系物业当天处理。", actor=keeper_user)
    text = client.get(status_url(issue)).content.decode()
    assert "联络站已当场答复" in text and "已联系物业当天处理" in text


def test_an_issue_turned_into_a_suggestion_shows_its_number_and_state(client, deputy_user):
    category = SuggestionCategory.objects.filter(is_active=True).first() or SuggestionCategory.objects.create(
        code="traffic", name="交通"
    )
    issue = f.IssueFactory(station=f.station_with_deputy(deputy_user))
    services.take_up_as_suggestion(issue=issue, deputy=deputy_user.deputy, actor=deputy_user,
                                   title="关于增加城乡公交班次的建议", category=category)
    suggestion = Suggestion.objects.get()
    text = client.get(status_url(issue)).content.decode()
    assert "转为代表建议" in text and "编号待定" in text and suggestion.get_status_display() in text
    assert deputy_user.deputy.name not in text
    Suggestion.objects.filter(pk=suggestion.pk).update(number=12)
    text = client.get(status_url(issue)).content.decode()
    assert "第0012号" in text


def test_a_wrong_code_answers_exactly_like_a_missing_one(client):
    issue = f.IssueFactory()
    wrong = "".join("2" if c != "2" else "3" for c in issue.tracking_code)
    responses = [client.get(status_url(code)) for code in (wrong, "ZZZZZZZZ", "nonsense", "ABCDEFGU")]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1


def test_lookups_are_rate_limited_per_client_address(client):
    policy = StationPolicy.current()
    policy.tracking_rate_limit = 3
    policy.save()
    issue = f.IssueFactory()
    for _ in range(2):
        assert client.get(status_url("ZZZZZZZZ")).status_code == 404
    assert client.get(status_url(issue)).status_code == 200
    # Over the limit even the right code is refused, so a guess learns nothing.
    refused = client.get(status_url(issue))
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    # Another address still gets through.
    assert client.get(status_url(issue), REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_limit_counts_the_address_behind_the_trusted_proxy(client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    policy = StationPolicy.current()
    policy.tracking_rate_limit = 1
    policy.save()
    issue = f.IssueFactory()
    assert client.get(status_url(issue), HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(status_url(issue), HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 429
    # Same proxy (REMOTE_ADDR), another client behind it.
    assert client.get(status_url(issue), HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200


def test_the_status_page_has_a_pinned_query_count(client, keeper_user, deputy_user):
    StationPolicy.current()
    station = f.station_with_keeper(keeper_user)
    plain = f.IssueFactory(station=station)
    forwarded = f.IssueFactory(station=station, category=f.IssueCategoryFactory())
    services.forward_issue(issue=forwarded, unit=df.HandlingUnitFactory(), actor=keeper_user)
    for issue in (plain, forwarded):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(status_url(issue)).status_code == 200
        # The policy row (rate limit) and the issue with its station, unit, suggestion and category.
        assert len(ctx) == 2, [q["sql"] for q in ctx]


def test_the_status_page_fits_a_phone(client):
    issue = f.IssueFactory()
    text = client.get(status_url(issue)).content.decode()
    assert 'name="viewport"' in text and "<table" not in text
