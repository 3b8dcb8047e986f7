"""Lock-out counts per account, whichever identifier was typed (issue 13, finding 3).

Each identifier is tried from its own address, so the address lock-out cannot
be what refuses the sign-in: only the account's count can."""
import base64

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.deputies.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"
API_URL = "/api/deputies/areas/"


@pytest.fixture
def account():
    return UserFactory(username="qian", phone="13912345678", role="staff")


def sign_in(client, identifier, password, address):
    return client.post(reverse("login"), {"username": identifier, "password": password}, REMOTE_ADDR=address)


def basic(client, identifier, password, address):
    token = base64.b64encode(f"{identifier}:{password}".encode()).decode()
    return client.get(API_URL, HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR=address)


@pytest.mark.parametrize("failing,then", [("qian", "13912345678"), ("13912345678", "qian")])
def test_failures_by_one_identifier_lock_the_other_on_the_sign_in_page(client, account, failing, then):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, failing, "bad", "10.0.0.1")
    response = sign_in(client, then, PASSWORD, "10.0.0.2")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_by_both_identifiers_add_up(client, account):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, ["qian", "13912345678"][n % 2], "bad", f"10.0.0.{n + 1}").status_code == 200
    assert sign_in(client, "13912345678", "bad", "10.0.0.100").status_code == 429
    assert sign_in(client, "qian", PASSWORD, "10.0.0.101").status_code == 429
    # One record per account, under its username, never under the phone number.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"qian"}


@pytest.mark.parametrize("failing,then", [("qian", "13912345678"), ("13912345678", "qian")])
def test_failures_by_one_identifier_lock_the_other_through_basic_auth(client, account, failing, then):
    assert basic(client, then, PASSWORD, "10.0.1.9").status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert basic(client, failing, "bad", "10.0.1.1").status_code in (401, 403)
    response = basic(client, then, PASSWORD, "10.0.1.2")
    assert response.status_code in (401, 403, 429)


def test_sign_in_page_failures_lock_basic_auth_and_back(client, account):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "13912345678", "bad", "10.0.2.1")
    assert basic(client, "qian", PASSWORD, "10.0.2.2").status_code in (401, 403, 429)


def test_an_account_with_no_failures_is_not_locked_by_another(client, account):
    UserFactory(username="zhou", phone="13700000000")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "zhou", "bad", "10.0.3.1")
    assert sign_in(client, "13912345678", PASSWORD, "10.0.3.2").status_code == 302


def test_unknown_identifiers_are_still_counted_as_typed(client, account):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nobody", "bad", "10.0.4.1")
    assert sign_in(client, "nobody", "bad", "10.0.4.2").status_code == 429
    assert sign_in(client, "qian", PASSWORD, "10.0.4.3").status_code == 302


def test_success_by_phone_clears_the_account_count(client, account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "qian", "bad", "10.0.5.1")
    assert sign_in(client, "13912345678", PASSWORD, "10.0.5.2").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "13912345678", "bad", "10.0.5.3")
    assert sign_in(client, "qian", PASSWORD, "10.0.5.4").status_code == 302
