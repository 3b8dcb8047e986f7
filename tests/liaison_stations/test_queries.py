"""Every list costs a pinned number of queries, whatever the number of rows."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import Booking, CheckIn, StationPolicy
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


def populate(station, n, *, keeper, unit):
    """n stationed deputies (each with a mandate), n rules, n visits with visitors, n issues (half forwarded),
    n check-ins and n bookings."""
    for i in range(n):
        deputy = df.MandateFactory().deputy
        f.StationingFactory(station=station, deputy=deputy)
        rule = f.ReceptionRuleFactory(station=station, weekday=i % 7)
        rule.deputies.add(deputy)
        visit = services.record_visit(
            station=station, received_on=timezone.localdate() - datetime.timedelta(days=i), actor=keeper,
            deputies=[deputy], visitors=[{"name": f"群众{i}", "contact": "1"}],
            issues=[{"content": f"问题{i}", "category": f.IssueCategoryFactory()}],
        )
        if i % 2:
            services.forward_issue(issue=visit.issues.get(), unit=unit, actor=keeper)
        CheckIn.objects.create(station=station, deputy=deputy, on_date=timezone.localdate() - datetime.timedelta(days=i))
        Booking.objects.create(station=station, deputy=deputy, on_date=timezone.localdate() + datetime.timedelta(days=i),
                               name=f"群众{i}", mobile="13912345678", topic=f"事项{i}")


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.fixture
def stations(keeper_user, unit_user, staff_user):
    StationPolicy.current()
    small = f.station_with_keeper(keeper_user)
    big = f.station_with_keeper(keeper_user)
    populate(small, 1, keeper=keeper_user, unit=unit_user.handling_unit)
    populate(big, 6, keeper=keeper_user, unit=unit_user.handling_unit)
    for _ in range(5):
        f.StationFactory()
    return small, big


# (url name, args, who, pinned count). Pinned counts include the session and user lookups.
PAGES = [
    ("directory", None, None, 2),
    ("station", "station", None, 8),
    ("deputy", "deputy", None, 6),
    # Signed-in pages include the menu's badge count (one query, congress_portal/notifications/badges.py).
    ("workspace", None, "keeper", 5),
    ("issues", None, "keeper", 5),
    ("issues", None, "deputy", 6),
    ("issues", None, "staff", 5),
    ("unit_issues", None, "unit", 5),
    ("visits", "station", "keeper", 9),
    ("rota", "station", "keeper", 12),
    ("bookings", "station", "keeper", 6),
    ("book", "station", None, 6),
    ("figures", None, "staff", 5),
    ("rating", None, "staff", 7),
]


@pytest.mark.parametrize("name, arg, who, pinned", PAGES)
def test_list_pages_have_a_pinned_query_count(client, stations, name, arg, who, pinned, keeper_user, unit_user,
                                              staff_user):
    small, big = stations
    users = {"keeper": keeper_user, "unit": unit_user, "staff": staff_user}
    if who == "deputy":
        deputy_user = df.deputy_user(deputy=big.stationings.first().deputy)
        small.stationings.create(deputy=deputy_user.deputy)
        users["deputy"] = deputy_user
    if who:
        client.force_login(users[who])

    def url(station):
        if arg == "station":
            return reverse(f"liaison_stations:{name}", args=[station.pk])
        if arg == "deputy":
            return reverse(f"liaison_stations:{name}", args=[station.stationings.first().deputy_id])
        return reverse(f"liaison_stations:{name}")

    few, many = count(client, url(small)), count(client, url(big))
    assert few == many == pinned, (few, many)


@pytest.mark.parametrize("kind, pinned", [("roster", 6), ("visits", 8), ("issues", 5), ("activities", 5)])
def test_ledgers_have_a_pinned_query_count(client, stations, keeper_user, kind, pinned):
    small, big = stations
    client.force_login(keeper_user)
    few = count(client, reverse("liaison_stations:ledger", args=[small.pk, kind]))
    many = count(client, reverse("liaison_stations:ledger", args=[big.pk, kind]))
    assert few == many == pinned, (few, many)
