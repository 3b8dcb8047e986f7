import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_no_missing_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_home_page_renders_in_chinese(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "代表工作门户" in response.content.decode()


def test_sign_in_by_phone_number(client):
    from tests.deputies.factories import UserFactory

    UserFactory(username="zhang", phone="13912345678")
    response = client.post(reverse("login"), {"username": "13912345678", "password": "pass-1234-word"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
