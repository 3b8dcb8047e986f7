"""码上说·码上办 on a phone (390×844), in Chromium: a person opens the station
page from its QR link, leaves a message with a mobile number, gets the
tracking code on screen and by SMS; the keeper answers; the status page shows
the answer (and nothing personal) and an SMS went out; the person rates it.
A stationed deputy checks in for reception duty from the station's duty QR
code on their phone with one tap."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications.models import Delivery, Kind, Notification
from liaison_stations import duty, services
from liaison_stations.models import CheckIn, Issue, StationPolicy, Weekday
from tests.browser.conftest import PHONE
from tests.deputies import factories as df
from tests.liaison_stations import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from congress_portal.notifications import tasks

    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: None)


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("device", [PHONE], ids=["phone"])
def test_a_message_comes_back_with_its_answer_and_is_rated_on_the_phone(open_browser, device):
    policy = StationPolicy.current()
    policy.message_min_fill_seconds = 0
    policy.save()
    keeper = df.keeper_user(username="keeper1")
    station = f.station_with_keeper(keeper, name="城关镇人大代表联络站")

    person = open_browser("public")
    page = person.page
    page.goto(f"/stations/{station.pk}/")
    assert fits_the_phone(page)
    page.get_by_label("留言内容").fill("菜市场周边占道经营，早晚高峰堵车。")
    page.get_by_label("联系方式（选填）").fill(MOBILE)
    page.get_by_label("同意工作人员联系我并告知办理结果").check()
    page.get_by_role("button", name="提交留言").click()
    page.get_by_role("heading", name="您的查询码").wait_for()
    code = page.locator(".tracking-code").inner_text().strip()
    issue = Issue.objects.get()
    assert code == issue.tracking_code_display and fits_the_phone(page)
    person.shot("code")
    received = Notification.objects.get(kind=Kind.STATION_CONSTITUENT)
    assert code in received.sms_text and Delivery.objects.get(notification=received).address == MOBILE

    services.answer_issue(issue=issue, answer="已请城管中队设置临时疏导点。", actor=keeper)
    page.get_by_role("link", name="查看办理进展").click()
    page.get_by_role("heading", name="答复意见").wait_for()
    assert "已请城管中队设置临时疏导点。" in page.content()
    assert MOBILE not in page.content() and MOBILE[-4:] not in page.content()
    assert fits_the_phone(page)
    assert Notification.objects.filter(kind=Kind.STATION_CONSTITUENT).count() == 2
    person.shot("answer")

    page.get_by_label("基本满意").check()
    page.get_by_label("意见（不满意的请说明原因）").fill("处理及时")
    page.get_by_label("手机号后4位").fill(MOBILE[-4:])
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("您的评价：基本满意").wait_for()
    assert fits_the_phone(page)
    person.shot("rated")
    issue.refresh_from_db()
    assert (issue.rating, issue.rating_comment) == ("mostly", "处理及时")


@pytest.mark.parametrize("device", [PHONE], ids=["phone"])
def test_a_deputy_checks_in_with_one_tap(open_browser, device):
    deputy_user = df.deputy_user(username="deputy1")
    station = f.station_with_deputy(deputy_user, name="城关镇人大代表联络站")
    policy = StationPolicy.current()
    policy.check_in_on_reception_days_only = False  # the test runs at any hour
    policy.save()
    f.ReceptionRuleFactory(station=station, weekday=Weekday.WEDNESDAY, starts_on=datetime.date(2024, 1, 3))

    deputy = open_browser("deputy")
    deputy.sign_in("deputy1")
    page = deputy.page
    page.goto(reverse("liaison_stations:check_in", args=[duty.check_in_token(station)]))
    page.get_by_role("button", name="确认进站").click()
    page.get_by_text("已扫码进站").first.wait_for()
    assert fits_the_phone(page)
    deputy.shot("checked-in")
    [check_in] = CheckIn.objects.all()
    assert (check_in.station, check_in.deputy, check_in.on_date) == (station, deputy_user.deputy, timezone.localdate())
