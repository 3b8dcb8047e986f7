"""扫码进站: a stationed deputy scans the station's duty QR code (a signed
URL, distinct from the public one) and with one tap is recorded on reception
duty there that day, once per day; refused outside the reception window and
for a deputy not stationed there; counted in the duty record."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison_stations import duty
from liaison_stations.models import CheckIn, StationPolicy, Weekday
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def station(deputy_user):
    """A station with a reception every day of the week, 9:00–11:30, the deputy stationed there."""
    station = f.station_with_deputy(deputy_user)
    for weekday in Weekday.values:
        f.ReceptionRuleFactory(station=station, weekday=weekday)
    return station


def check_in_url(station):
    return reverse("liaison_stations:check_in", args=[duty.check_in_token(station)])


def test_the_duty_code_is_signed_and_distinct_from_the_public_one(station, settings):
    settings.PORTAL_BASE_URL = "https://rd.example.gov.cn"
    url = duty.check_in_url(station)
    assert url.startswith("https://rd.example.gov.cn/stations/check-in/") and url != f"/stations/{station.pk}/"
    assert duty.station_for_token(duty.check_in_token(station)) == station
    other = f.StationFactory()
    forged = duty.check_in_token(station).replace(f"{station.pk}.", f"{other.pk}.", 1)
    for token in (forged, str(station.pk), "", "x.y"):
        with pytest.raises(type(station).DoesNotExist):
            duty.station_for_token(token)


def test_one_tap_records_the_duty_once_a_day(client, station, deputy_user, monkeypatch):
    now = at(timezone.localdate(), 10)
    monkeypatch.setattr(timezone, "now", lambda: now)
    client.force_login(deputy_user)
    page = client.get(check_in_url(station))
    assert page.status_code == 200 and "确认进站" in page.content.decode()
    assert not CheckIn.objects.exists()  # looking at the page records nothing
    assert client.post(check_in_url(station)).status_code == 302
    assert client.post(check_in_url(station)).status_code == 302  # a second tap finds the first
    [check_in] = CheckIn.objects.all()
    assert (check_in.station, check_in.deputy, check_in.on_date, check_in.user) == (
        station, deputy_user.deputy, now.date(), deputy_user)
    page = client.get(check_in_url(station)).content.decode()
    assert "已于10:00扫码进站" in page and "确认进站" not in page
    # The next day is another duty.
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(days=1))
    assert duty.check_in(station=station, user=deputy_user)[1] is True
    assert CheckIn.objects.count() == 2


def test_the_unique_constraint_decides_two_scans_at_once(station, deputy_user):
    now = at(timezone.localdate(), 9, 30)
    CheckIn.objects.create(station=station, deputy=deputy_user.deputy, on_date=now.date(), at=now)
    check_in, created = duty.check_in(station=station, user=deputy_user, now=now)
    assert created is False and CheckIn.objects.count() == 1


def test_refused_outside_the_reception_window(client, station, deputy_user, monkeypatch):
    today = timezone.localdate()
    margin = StationPolicy.current().check_in_margin_minutes
    assert margin == 60
    assert duty.check_refusal(station=station, user=deputy_user, now=at(today, 8, 0)) is None  # an hour before 9:00
    assert duty.check_refusal(station=station, user=deputy_user, now=at(today, 12, 30)) is None  # an hour after 11:30
    for hour, minute in ((7, 59), (12, 31), (20, 0)):
        refusal = duty.check_refusal(station=station, user=deputy_user, now=at(today, hour, minute))
        assert refusal.code == "outside_window"
    monkeypatch.setattr(timezone, "now", lambda: at(today, 20))
    client.force_login(deputy_user)
    response = client.post(check_in_url(station))
    assert response.status_code == 400 and "不在本站的接待时段内" in response.content.decode()
    assert not CheckIn.objects.exists()
    # The window is policy: a province that lets deputies check in any time says so.
    policy = StationPolicy.current()
    policy.check_in_on_reception_days_only = False
    policy.save()
    assert client.post(check_in_url(station)).status_code == 302
    assert CheckIn.objects.count() == 1


def test_an_activity_opens_a_window_on_a_day_without_reception(deputy_user):
    station = f.station_with_deputy(deputy_user)  # no rota
    today = timezone.localdate()
    assert duty.check_refusal(station=station, user=deputy_user, now=at(today, 15)).code == "outside_window"
    station.activities.create(title="医保政策主题接待", starts_at=at(today, 14), ends_at=at(today, 16))
    assert duty.check_refusal(station=station, user=deputy_user, now=at(today, 15)) is None


def test_refused_for_a_deputy_not_stationed_there_and_for_others(client, station, keeper_user, monkeypatch):
    now = at(timezone.localdate(), 10)
    monkeypatch.setattr(timezone, "now", lambda: now)
    for user in (df.deputy_user(), keeper_user):
        client.force_login(user)
        response = client.post(check_in_url(station))
        assert response.status_code == 403 and "不是本站进站代表" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_signed_out_the_code_leads_to_sign_in(client, station):
    response = client.get(check_in_url(station))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_rota_shows_who_came_and_the_keeper_prints_the_duty_code(client, station, deputy_user, keeper_user):
    station.keepers.add(keeper_user)
    now = at(timezone.localdate(), 10)
    duty.check_in(station=station, user=deputy_user, now=now)
    client.force_login(keeper_user)
    page = client.get(reverse("liaison_stations:rota", args=[station.pk])).content.decode()
    assert "扫码进站记录" in page and deputy_user.deputy.name in page
    qr = client.get(reverse("liaison_stations:check_in_qr", args=[station.pk, "svg"]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    client.force_login(deputy_user)  # the duty code is the keepers' to print
    assert client.get(reverse("liaison_stations:check_in_qr", args=[station.pk, "svg"])).status_code == 404


def test_duty_days_count_in_the_duty_record(station, deputy_user):
    from training.duty.records import collect_metrics

    today = timezone.localdate()
    duty.check_in(station=station, user=deputy_user, now=at(today, 10))
    duty.check_in(station=station, user=deputy_user, now=at(today, 10, 30))
    figures = collect_metrics(year=today.year, deputy_ids=[deputy_user.deputy.pk])[deputy_user.deputy.pk]
    assert figures["station_duty_days"] == 1
