"""Deputies' logins in bulk from the roster: no password shown or sent, a
one-time first sign-in code per account, deputies with a login skipped and
reported, another congress's deputy refusing the whole batch, and a constant
number of queries whatever the number of deputies."""
import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_portal.accounts.models import FirstSignInCode, User
from deputies import models as m
from deputies.logins import create_deputy_logins
from tests.deputies import factories as df

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster():
    term, other = df.TermFactory(), df.TermFactory()
    delegation = m.Delegation.objects.create(term=term, name="长沙代表团")
    staff = df.staff_user(congress=term.congress)
    return term, other, delegation, staff


def _serving(term, count, **kwargs):
    return [df.MandateFactory(term=term, **kwargs).deputy for _ in range(count)]


def test_logins_are_made_without_a_password_and_deputies_with_one_are_skipped(roster):
    term, _other, _delegation, staff = roster
    with_phone, without_phone, has_login = _serving(term, 3)
    without_phone.phone = ""
    without_phone.save()
    df.deputy_user(deputy=has_login, username="old-login")
    batch = create_deputy_logins(deputy_ids=[with_phone.pk, without_phone.pk, has_login.pk], actor=staff)
    assert [(d.pk, name) for d, name in batch.skipped] == [(has_login.pk, "old-login")]
    made = {d.pk: (username, code) for d, username, code in batch.created}
    assert made[with_phone.pk][0] == with_phone.phone and made[without_phone.pk][0] == f"daibiao{without_phone.pk}"
    for deputy in (with_phone, without_phone):
        deputy.refresh_from_db()
        user = deputy.user
        assert user.role == "deputy" and not user.has_usable_password() and user.display_name == deputy.name
        assert deputy.history.latest().history_user == staff  # who linked the login, and when
        row = FirstSignInCode.objects.get(user=user)
        assert made[deputy.pk][1].replace("-", "") not in row.code_digest and row.used_at is None
    assert User.objects.get(username=with_phone.phone).phone == with_phone.phone


def test_a_mobile_number_another_account_uses_is_not_taken_again(roster):
    term, _other, _delegation, staff = roster
    (deputy,) = _serving(term, 1)
    df.UserFactory(username="someone", phone=deputy.phone)
    (_d, username, _code), = create_deputy_logins(deputy_ids=[deputy.pk], actor=staff).created
    assert username == f"daibiao{deputy.pk}" and User.objects.get(username=username).phone is None


def test_a_deputy_of_another_congress_refuses_the_whole_batch_naming_them(roster):
    term, other, _delegation, staff = roster
    own = _serving(term, 2)
    (outsider,) = _serving(other, 1)
    outsider.name = "外地代表"
    outsider.save()
    with pytest.raises(ValidationError, match="外地代表不是本级人大的在任代表，未开通任何账号"):
        create_deputy_logins(deputy_ids=[d.pk for d in own] + [outsider.pk], actor=staff)
    assert not User.objects.filter(role="deputy").exists() and not FirstSignInCode.objects.exists()


def test_queries_do_not_grow_with_the_number_of_deputies(roster, django_assert_num_queries):
    term, _other, _delegation, staff = roster
    few, many = _serving(term, 3), _serving(term, 30)
    with CaptureQueriesContext(connection) as small:
        create_deputy_logins(deputy_ids=[d.pk for d in few], actor=staff)
    with django_assert_num_queries(len(small.captured_queries)):
        batch = create_deputy_logins(deputy_ids=[d.pk for d in many], actor=staff)
    assert len(batch.created) == 30


def test_first_sign_in_sets_the_password_once(roster, client):
    term, _other, _delegation, staff = roster
    (deputy,) = _serving(term, 1)
    (_d, username, code), = create_deputy_logins(deputy_ids=[deputy.pk], actor=staff).created
    url = reverse("first_sign_in")
    wrong = {"username": deputy.phone, "code": "AAAAA-AAAAA", "new_password1": "Xiang-2026-jiang", "new_password2": "Xiang-2026-jiang"}
    page = client.post(url, wrong).content.decode()
    assert "账号或首次登录码不正确" in page
    attempt = AccessAttempt.objects.get(username=username)  # counted by the sign-in lock-out
    assert attempt.failures_since_start == 1 and "Xiang-2026-jiang" not in attempt.post_data and "AAAAA" not in attempt.post_data
    response = client.post(url, {**wrong, "code": code.lower()}, follow=True)
    assert "密码已设置。" in response.content.decode()
    assert response.context["user"].pk == User.objects.get(username=username).pk
    assert User.objects.get(username=username).check_password("Xiang-2026-jiang")
    client.logout()
    again = client.post(url, {**wrong, "code": code, "new_password1": "Other-2026-pass", "new_password2": "Other-2026-pass"})
    assert "账号或首次登录码不正确" in again.content.decode()
    assert User.objects.get(username=username).check_password("Xiang-2026-jiang")


def test_staff_page_lists_their_deputies_tells_namesakes_apart_and_prints_the_codes(roster, client):
    term, other, delegation, staff = roster
    first = df.MandateFactory(term=term, deputy=df.DeputyFactory(name="王芳"), delegation=delegation).deputy
    second = df.MandateFactory(term=term, deputy=df.DeputyFactory(name="王芳")).deputy
    df.MandateFactory(term=other, deputy=df.DeputyFactory(name="外地代表"))
    client.force_login(staff)
    url = reverse("deputies:logins")
    page = client.get(url).content.decode()
    assert page.count("王芳") >= 2 and "外地代表" not in page
    assert "长沙代表团" in page and str(first.birth_date.year) in page and str(second.birth_date.year) in page
    response = client.post(url, {"all": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and "已开通2名代表的账号。" in body and "首次登录码只显示这一次" in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert {row.user_id for row in FirstSignInCode.objects.all()} == {first.user_id, second.user_id} != {None}
    again = client.post(url, {"deputy": [first.pk]}).content.decode()
    assert "1名代表已有账号，已跳过。" in again


def test_another_congress_cannot_reach_its_deputies(roster, client):
    term, other, _delegation, staff = roster
    (outsider,) = _serving(other, 1)
    client.force_login(staff)
    page = client.post(reverse("deputies:logins"), {"deputy": [outsider.pk]}).content.decode()
    assert "不是本级人大的在任代表，未开通任何账号" in page
    assert not User.objects.filter(role="deputy").exists()
    assert client.get(reverse("deputies:pick_login_congresses")).json()["results"] == [
        {"id": term.congress.pk, "text": str(term.congress)}
    ]


def test_the_page_lists_in_constant_queries(roster, client, django_assert_num_queries):
    term, _other, delegation, staff = roster
    client.force_login(staff)
    url = reverse("deputies:logins")
    _serving(term, 2, delegation=delegation)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _serving(term, 30, delegation=delegation)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('name="deputy"') == 32


def test_a_lost_code_is_reissued_until_the_password_is_set(roster, client):
    term, other, _delegation, staff = roster
    waiting, signed_in = _serving(term, 2)
    made = {d.pk: code for d, _u, code in create_deputy_logins(deputy_ids=[waiting.pk, signed_in.pk], actor=staff).created}
    signed_in.refresh_from_db()
    signed_in.user.set_password("Xiang-2026-jiang")
    signed_in.user.save()
    client.force_login(staff)
    body = client.post(reverse("deputies:logins"), {"deputy": [waiting.pk, signed_in.pk], "reissue": "1"}).content.decode()
    assert "已为1名代表重新生成首次登录码，原登录码作废。" in body and "1名代表已设置密码，已跳过。" in body
    waiting.refresh_from_db()
    new = FirstSignInCode.objects.get(user=waiting.user)
    from congress_portal.accounts.first_sign_in import digest

    assert new.code_digest != digest(waiting.user_id, made[waiting.pk])  # the old code no longer works
    (outsider,) = _serving(other, 1)
    page = client.post(reverse("deputies:logins"), {"deputy": [outsider.pk], "reissue": "1"}).content.decode()
    assert "未重新生成任何登录码" in page
