"""The station message form's per-address limit takes the client address
from congress_portal.client_address: REMOTE_ADDR unless the portal is set to
be behind trusted proxies, and then X-Forwarded-For counted from the right."""
import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from congress_portal.client_address import client_address
from liaison_stations.forms import form_token
from liaison_stations.models import Issue, StationPolicy

from . import factories as f

pytestmark = pytest.mark.django_db


def _request(remote="10.0.0.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_directly_reached_the_forwarded_header_is_ignored(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(forwarded="203.0.113.5")) == "10.0.0.9"
    assert client_address(_request()) == "10.0.0.9"


def test_behind_proxies_the_entry_they_wrote_is_the_client(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(forwarded="203.0.113.5")) == "203.0.113.5"
    # What the client wrote itself (left of the proxy's entry) is not believed.
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    settings.PORTAL_TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    # A request that did not pass every proxy falls back to the connection.
    assert client_address(_request(forwarded="203.0.113.5")) == "10.0.0.9"
    assert client_address(_request()) == "10.0.0.9"


def _post(client, station, **extra):
    data = {"content": "路灯坏了", "name": "", "contact": "", "website": "", "started": form_token(time.time() - 30)}
    return client.post(reverse("liaison_stations:station", args=[station.pk]), data, **extra)


def _limit_to_one():
    policy = StationPolicy.current()
    policy.message_rate_limit = 1
    policy.save()


def test_message_limit_behind_a_proxy_is_per_client_and_not_fooled_by_the_header(client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    _limit_to_one()
    station = f.StationFactory()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request comes through the one proxy
    assert _post(client, station, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 302
    # The same client again, with a made-up entry in front: still held back.
    assert _post(client, station, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5", **proxy).status_code == 429
    # Another client behind the same proxy is not.
    assert _post(client, station, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 302
    assert Issue.objects.count() == 2


def test_message_limit_directly_reached_ignores_the_header(client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    _limit_to_one()
    station = f.StationFactory()
    assert _post(client, station, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 302
    assert _post(client, station, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    assert _post(client, station, REMOTE_ADDR="198.51.100.2").status_code == 302
