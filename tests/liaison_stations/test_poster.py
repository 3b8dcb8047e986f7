"""The station's printable A4 poster: 码上说·码上办, the station's name, address and
reception days, and a QR code that carries the site's configured address."""
import pytest
from django.test import override_settings
from django.urls import reverse

from tests.liaison_stations import factories as lf

pytestmark = pytest.mark.django_db


@override_settings(PORTAL_BASE_URL="https://portal.example.gov.cn")
def test_the_poster_names_the_station_and_points_to_the_sites_address(client):
    station = lf.StationFactory(name="岳麓街道人大代表联络站", address="岳麓大道1号")
    lf.ReceptionRuleFactory(station=station)
    html = client.get(reverse("liaison_stations:station_qr_print", args=[station.pk])).content.decode()
    poster = html[html.index('class="qr-poster"'):html.index('class="qr-deputies"')]
    assert "码上说·码上办" in poster and "岳麓街道人大代表联络站" in poster and "岳麓大道1号" in poster
    assert "<svg" in poster
    assert f"https://portal.example.gov.cn/stations/{station.pk}/" in poster
    assert "127.0.0.1" not in html
    # Downloads are for the screen, not the printed poster.
    assert 'class="no-print"' in html and "?download=1" not in poster
