"""Bad input to the public message form is refused or neutralised."""
import time

import pytest
from django.urls import reverse

from liaison_stations.forms import form_token
from liaison_stations.models import Issue, StationPolicy

from . import factories as f
from .test_flow import message_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return f.StationFactory()


def post(client, station, **overrides):
    return client.post(reverse("liaison_stations:station", args=[station.pk]), message_data(**overrides))


def test_empty_message_is_refused(client, station):
    response = post(client, station, content="   ")
    assert response.status_code == 400
    assert not Issue.objects.exists()


def test_too_long_message_is_refused(client, station):
    limit = StationPolicy.current().message_max_length
    assert post(client, station, content="长" * (limit + 1)).status_code == 400
    assert not Issue.objects.exists()
    assert post(client, station, content="长" * limit).status_code == 302


def test_the_size_limit_is_the_policy_row(client, station):
    policy = StationPolicy.current()
    policy.message_max_length = 20
    policy.save()
    assert post(client, station, content="长" * 21).status_code == 400
    assert post(client, station, content="长" * 20).status_code == 302


def test_too_fast_is_refused(client, station):
    # A robot posts the moment the form is served.
    form = client.get(reverse("liaison_stations:station", args=[station.pk]))
    started = form.context["form"].initial["started"]
    response = post(client, station, started=started)
    assert response.status_code == 400
    assert "提交过快" in response.content.decode()
    assert not Issue.objects.exists()


def test_forged_or_missing_start_token_is_refused(client, station):
    assert post(client, station, started="12345").status_code == 400
    assert post(client, station, started="").status_code == 400
    assert not Issue.objects.exists()


def test_expired_form_is_refused(client, station):
    assert post(client, station, started=form_token(time.time() - 2 * 24 * 3600)).status_code == 400
    assert not Issue.objects.exists()


def test_honeypot_filled_is_refused(client, station):
    assert post(client, station, website="http://spam.example").status_code == 400
    assert not Issue.objects.exists()


def test_consent_without_contact_is_refused(client, station):
    assert post(client, station, contact="").status_code == 400
    assert post(client, station, contact="", consents_to_contact="").status_code == 302


def test_script_tags_are_kept_as_text_and_escaped_wherever_shown(client, station, keeper_user):
    station.keepers.add(keeper_user)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert post(client, station, content=payload, name="<b>坏人</b>").status_code == 302
    issue = Issue.objects.get()
    assert issue.content == payload  # stored as typed...
    client.force_login(keeper_user)
    for url in (reverse("liaison_stations:issues"), reverse("liaison_stations:issue", args=[issue.pk])):
        html = client.get(url).content.decode()
        # ...and never rendered as markup.
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>坏人" not in html
        assert "&lt;script&gt;" in html


def test_rate_limit_per_ip(client, station):
    policy = StationPolicy.current()
    policy.message_rate_limit = 2
    policy.save()
    assert post(client, station).status_code == 302
    assert post(client, station).status_code == 302
    response = post(client, station)
    assert response.status_code == 429
    assert "留言过于频繁" in response.content.decode()
    assert Issue.objects.count() == 2
    # Another address is not held back.
    other = client.post(reverse("liaison_stations:station", args=[station.pk]), message_data(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_message_for_a_deputy_to_a_station_they_are_not_stationed_at_is_refused(client):
    stationing = f.StationingFactory()
    other_station = f.StationFactory()
    response = client.post(
        reverse("liaison_stations:deputy", args=[stationing.deputy.pk]), message_data(station=other_station.pk)
    )
    assert response.status_code == 400
    assert not Issue.objects.exists()
