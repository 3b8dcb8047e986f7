"""预约见面: the public books a meeting with a deputy on duty on one of the
station's next reception days; the keeper confirms or declines; the person is
told by SMS each time, the keepers and the deputy when it is made."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications import registry
from congress_portal.notifications.models import Delivery, Kind, Notification
from liaison_stations import bookings
from liaison_stations.models import Booking, BookingStatus
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from congress_portal.notifications import tasks

    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: None)


@pytest.fixture
def station(keeper_user, deputy_user):
    """A station with a reception every day, the deputy on duty."""
    station = f.station_with_deputy(deputy_user, name="城关镇人大代表联络站")
    station.keepers.add(keeper_user)
    rule = f.ReceptionRuleFactory(station=station, weekday=(timezone.localdate().weekday() + 1) % 7,
                                  starts_on=timezone.localdate())
    rule.deputies.add(deputy_user.deputy)
    return station


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def booked(client, station, deputy, **overrides):
    data = {"slot": f"{tomorrow().isoformat()}:{deputy.pk}", "name": "张先生", "mobile": MOBILE,
            "topic": "小区加装电梯的补贴政策", **overrides}
    return client.post(reverse("liaison_stations:book", args=[station.pk]), data)


def test_the_public_books_a_slot_from_the_rota(client, station, deputy_user, keeper_user,
                                               django_capture_on_commit_callbacks):
    page = client.get(reverse("liaison_stations:station", args=[station.pk])).content.decode()
    assert reverse("liaison_stations:book", args=[station.pk]) in page
    form = client.get(reverse("liaison_stations:book", args=[station.pk])).content.decode()
    assert f"{tomorrow():%Y-%m-%d} · {deputy_user.deputy.name}" in form
    with django_capture_on_commit_callbacks(execute=True):
        assert booked(client, station, deputy_user.deputy).status_code == 302
    booking = Booking.objects.get()
    assert (booking.deputy, booking.on_date, booking.mobile, booking.status) == (
        deputy_user.deputy, tomorrow(), MOBILE, BookingStatus.REQUESTED)
    said = Notification.objects.filter(kind=Kind.STATION_BOOKING)
    assert {n.recipient_key for n in said} == {f"booker:{booking.pk}", f"deputy:{deputy_user.deputy.pk}",
                                               f"user:{keeper_user.pk}"}
    to_person = said.get(recipient_key=f"booker:{booking.pk}")
    assert Delivery.objects.get(notification=to_person).address == MOBILE
    assert all(MOBILE not in n.body and "张先生" not in n.body for n in said)
    registry.scan()
    assert Notification.objects.filter(kind=Kind.STATION_BOOKING).count() == 3


def test_a_slot_not_on_the_rota_or_a_deputy_not_on_duty_is_refused(client, station, deputy_user):
    other = df.DeputyFactory()
    assert booked(client, station, other).status_code == 400
    assert booked(client, station, deputy_user.deputy,
                  slot=f"{timezone.localdate().isoformat()}:{deputy_user.deputy.pk}").status_code == 400  # today
    assert booked(client, station, deputy_user.deputy, mobile="0731-1234567").status_code == 400
    assert not Booking.objects.exists()


def test_the_keeper_confirms_or_declines_and_the_person_is_told(client, station, deputy_user, keeper_user,
                                                                django_capture_on_commit_callbacks):
    booked(client, station, deputy_user.deputy)
    booked(client, station, deputy_user.deputy, name="李女士")
    first, second = Booking.objects.order_by("pk")
    client.force_login(keeper_user)
    page = client.get(reverse("liaison_stations:bookings", args=[station.pk])).content.decode()
    assert "张先生" in page and "李女士" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("liaison_stations:decide_booking", args=[station.pk, first.pk]),
                               {"action": "confirm", "reply": "请上午9点到。"})
        assert response.status_code == 302
        # Declining needs a reason for the person.
        client.post(reverse("liaison_stations:decide_booking", args=[station.pk, second.pk]), {"action": "decline"})
        assert Booking.objects.get(pk=second.pk).status == BookingStatus.REQUESTED
        client.post(reverse("liaison_stations:decide_booking", args=[station.pk, second.pk]),
                    {"action": "decline", "reply": "当天代表外出，请改约下周。"})
    assert Booking.objects.get(pk=first.pk).status == BookingStatus.CONFIRMED
    assert Booking.objects.get(pk=second.pk).status == BookingStatus.DECLINED
    confirm = Notification.objects.get(recipient_key=f"booker:{first.pk}", stage__startswith="e",
                                       stage=f"e{first.events.get(move='confirm').pk}")
    assert "预约已确认" in confirm.sms_text and "请上午9点到。" in confirm.sms_text
    decline = Notification.objects.get(recipient_key=f"booker:{second.pk}",
                                       stage=f"e{second.events.get(move='decline').pk}")
    assert "当天代表外出，请改约下周。" in decline.sms_text


def test_another_stations_keeper_and_the_deputy_cannot_decide(client, station, deputy_user):
    booked(client, station, deputy_user.deputy)
    booking = Booking.objects.get()
    other_keeper = df.keeper_user()
    f.station_with_keeper(other_keeper)
    client.force_login(other_keeper)
    assert client.post(reverse("liaison_stations:decide_booking", args=[station.pk, booking.pk]),
                       {"action": "confirm"}).status_code == 404
    client.force_login(deputy_user)  # the deputy sees the booking made with them, the keeper decides
    assert "张先生" in client.get(reverse("liaison_stations:bookings", args=[station.pk])).content.decode()
    client.post(reverse("liaison_stations:decide_booking", args=[station.pk, booking.pk]), {"action": "confirm"})
    assert Booking.objects.get().status == BookingStatus.REQUESTED


def test_the_slots_are_the_next_reception_days_with_their_deputies(station, deputy_user):
    slots = bookings.slots(station=station)
    assert slots and all(day > timezone.localdate() for day, _deputy in slots)
    assert {deputy for _day, deputy in slots} == {deputy_user.deputy}


def test_the_day_before_a_confirmed_meeting_the_person_and_the_deputy_are_reminded_once(
        client, station, deputy_user, keeper_user):
    booked(client, station, deputy_user.deputy)
    booked(client, station, deputy_user.deputy, name="李女士")
    confirmed, waiting = Booking.objects.order_by("pk")
    bookings.confirm_booking(booking=confirmed, actor=keeper_user)
    registry.scan(today=timezone.localdate())
    registry.scan(today=timezone.localdate())
    reminders = Notification.objects.filter(kind=Kind.STATION_BOOKING, stage="d1")
    assert {n.recipient_key for n in reminders} == {f"booker:{confirmed.pk}", f"deputy:{deputy_user.deputy.pk}"}
    assert "见面提醒" in reminders.get(recipient_key=f"booker:{confirmed.pk}").sms_text
    assert not Notification.objects.filter(recipient_key=f"booker:{waiting.pk}", stage="d1").exists()
