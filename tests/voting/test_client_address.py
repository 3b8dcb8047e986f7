"""The public proposal limit counts per client as congress_portal.client_address
says: X-Forwarded-For is ignored when the portal is reached directly (so
varying it does not reset the limit), and read from the right behind trusted
proxies (so what the client writes in front of the proxy's entry does not
count). Through the API and the page alike."""
import datetime

import pytest
from django.urls import reverse

from tests.voting import factories as vf
from voting.models import Proposal, VotingPolicy

pytestmark = pytest.mark.django_db

BODY = {"title": "修建村道", "description": "雨天泥泞。", "proposer_name": "王", "proposer_contact": ""}


@pytest.fixture
def call(county):
    today = datetime.date.today()
    policy = VotingPolicy.for_congress(county.congress_id)
    policy.public_proposals_per_hour = 2
    policy.save()
    return vf.ProjectCallFactory(congress=county.congress, opens_on=today, closes_on=today + datetime.timedelta(days=30))


def _api(api_client, call, **meta):
    return api_client.post(reverse("voting-public-proposal"), {"call": call.pk, **BODY}, format="json", **meta).status_code


def _page(client, call, **meta):
    response = client.post(reverse("voting:propose", args=[call.pk]), BODY, **meta)
    return "提交过于频繁" not in response.content.decode() and Proposal.objects.filter(call=call).count()


def test_directly_reached_a_made_up_forwarded_header_does_not_reset_the_limit(api_client, call, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    sender = {"REMOTE_ADDR": "198.51.100.1"}
    assert _api(api_client, call, HTTP_X_FORWARDED_FOR="1.1.1.1", **sender) == 201
    assert _api(api_client, call, HTTP_X_FORWARDED_FOR="2.2.2.2", **sender) == 201
    assert _api(api_client, call, HTTP_X_FORWARDED_FOR="3.3.3.3", **sender) == 429
    assert _api(api_client, call, **sender) == 429
    # The page counts the same sender the same way.
    assert _page(api_client, call, HTTP_X_FORWARDED_FOR="4.4.4.4", **sender) is False
    # Another connection is another sender.
    assert _api(api_client, call, REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="1.1.1.1") == 201
    assert Proposal.objects.filter(call=call).count() == 3


def test_behind_a_trusted_proxy_each_client_is_counted_by_the_proxys_entry(api_client, client, call, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request comes through the one proxy
    assert _api(api_client, call, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy) == 201
    assert _page(client, call, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5", **proxy) == 2
    # The same client, with made-up entries in front of the proxy's: held back.
    assert _api(api_client, call, HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.5", **proxy) == 429
    assert _page(client, call, HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.5", **proxy) is False
    # Another client behind the same proxy is not.
    assert _api(api_client, call, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy) == 201
    assert Proposal.objects.filter(call=call).count() == 3


def test_the_lock_out_takes_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert get_client_ip_address(request) == "198.51.100.1"
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request) == "1.1.1.1"
