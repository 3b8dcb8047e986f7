"""The shared layout, sign-in (username or phone), lock-out, password change
and the landing page of each role."""
import pytest
from django.test import override_settings
from django.urls import reverse

from tests.deputies.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_layout_has_skip_link_language_switch_and_public_nav(client):
    html = client.get(reverse("home")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert reverse("set_language") in html
    assert 'name="language"' in html
    assert 'name="viewport"' in html
    assert "css/portal.css" in html
    assert "vendor/htmx/htmx.min.js" in html
    # No asset from another host: everything is served by the portal itself.
    assert "https://" not in html and "http://" not in html.replace('xmlns="http://', "")


def test_navigation_follows_the_role(client, staff_user, deputy_user):
    client.force_login(deputy_user)
    html = client.get(reverse("home")).content.decode()
    assert "我的建议" in html and "管理后台" not in html
    client.force_login(staff_user)
    html = client.get(reverse("home")).content.decode()
    assert "管理后台" in html and "我的建议" not in html


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html


def test_sign_in_with_username_lands_on_the_role_page(client):
    UserFactory(username="wang", role="staff")
    response = client.post(reverse("login"), {"username": "wang", "password": "pass-1234-word"})
    assert response.status_code == 302
    assert response["Location"] == reverse("landing")


def test_sign_in_by_phone(client):
    UserFactory(username="li", phone="13812345678", role="keeper")
    response = client.post(reverse("login"), {"username": "13812345678", "password": "pass-1234-word"})
    assert response.status_code == 302


def test_wrong_password_keeps_the_username_and_explains_in_chinese(client):
    UserFactory(username="zhao")
    response = client.post(reverse("login"), {"username": "zhao", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码不正确" in html
    assert 'value="zhao"' in html
    assert "csrfmiddlewaretoken" in html


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lock_out_after_repeated_failures_with_a_clear_message(client):
    UserFactory(username="sun")
    for _ in range(2):
        assert client.post(reverse("login"), {"username": "sun", "password": "bad"}).status_code == 200
    response = client.post(reverse("login"), {"username": "sun", "password": "bad"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多" in html and "分钟后再试" in html
    # Even the right password is refused while locked out.
    response = client.post(reverse("login"), {"username": "sun", "password": "pass-1234-word"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_with_csrf(client, deputy_user):
    client.force_login(deputy_user)
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}"' in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_shows_errors_beside_the_field(client, deputy_user):
    client.force_login(deputy_user)
    url = reverse("password_change")
    response = client.post(url, {"old_password": "wrong", "new_password1": "Xin-Mima-2026", "new_password2": "Xin-Mima-2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_old_password_error"' in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        url, {"old_password": "pass-1234-word", "new_password1": "Xin-Mima-2026", "new_password2": "Xin-Mima-2026"}
    )
    assert response.status_code == 302
    deputy_user.refresh_from_db()
    assert deputy_user.check_password("Xin-Mima-2026")


@pytest.mark.parametrize(
    "fixture,target",
    [("staff_user", "suggestions:staff_dashboard"), ("unit_user", "suggestions:unit_inbox"), ("deputy_user", "suggestions:my_list"),
     ("keeper_user", "liaison_stations:workspace")],
)
def test_each_role_lands_on_its_own_page(client, request, fixture, target):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_landing_needs_sign_in(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
