"""规则设置: staff of the whole committee edit the policy rows in the portal,
each field with its Chinese label and help text, checked (reminder stages
strictly descending positive days), and every change shown with who made it
and when. A county's staff read the rules and change nothing."""
import pytest
from django.urls import reverse

from congress_portal import policies
from congress_portal.notifications.models import NotificationPolicy
from deputies.models import AreaKind, Level
from suggestions.models import SuggestionPolicy
from tests.deputies import factories as df
from voting.models import VotingPolicy

pytestmark = pytest.mark.django_db
URL = reverse("policies")
NOTICE = "notifications-notificationpolicy"
SUGGEST = "suggestions-suggestionpolicy"


@pytest.fixture
def provincial_staff():
    congress = df.CongressFactory(level=Level.PROVINCIAL)
    return df.staff_user(congress=congress, display_name="省委工作人员")


def _post(client, prefix, key, **values):
    data = {"policy": key}
    data.update({f"{prefix}-{name}": value for name, value in values.items()})
    return client.post(URL, data, follow=True)


def _notice_values(**changes):
    policy = NotificationPolicy.current()
    values = {name: getattr(policy, name) for name in policies.get("notifications.notificationpolicy").fields}
    return {**values, **changes}


def test_every_policy_is_on_the_page_with_its_labels_and_help(provincial_staff, client):
    client.force_login(provincial_staff)
    page = client.get(URL).content.decode()
    for title in ("建议办理期限设置", "提醒与通报设置", "联络站工作参数", "培训规则设置", "票决规则"):
        assert title in page
    assert "答复期限前提醒（天）" in page and "距答复期限的天数，以逗号分隔，例如 30，7，1。" in page
    assert "到会比例（须超过）" in page and f'name="{SUGGEST}-reply_months"' in page


def test_a_change_is_saved_and_shown_with_who_and_when(provincial_staff, client):
    client.force_login(provincial_staff)
    values = {name: getattr(SuggestionPolicy.current(), name) for name in policies.get("suggestions.suggestionpolicy").fields}
    response = _post(client, SUGGEST, "suggestions.suggestionpolicy", **{**values, "reply_months": 4})
    body = response.content.decode()
    assert "已修改建议办理期限设置：答复期限（月）。" in body
    assert SuggestionPolicy.current().reply_months == 4
    assert "答复期限（月）：3 → 4" in body and "省委工作人员" in body
    assert SuggestionPolicy.current().history.latest().history_user == provincial_staff


@pytest.mark.parametrize("stages, message", [
    ("7,30,1", "提醒天数须从大到小排列且不重复"),
    ("30,7,0", "天数须为正整数。"),
    ("30,7,7", "提醒天数须从大到小排列且不重复"),
])
def test_reminder_stages_must_count_down_in_positive_days(provincial_staff, client, stages, message):
    client.force_login(provincial_staff)
    body = _post(client, NOTICE, "notifications.notificationpolicy", **_notice_values(reply_due_days=stages)).content.decode()
    assert message in body
    assert NotificationPolicy.current().reply_due_days == "30,7,1"


def test_a_model_check_names_its_field_and_nothing_is_saved(provincial_staff, client):
    client.force_login(provincial_staff)
    body = _post(
        client, NOTICE, "notifications.notificationpolicy", **_notice_values(monthly_notice_day=30, overdue_every_days=3)
    ).content.decode()
    assert "通报日应在 1 到 28 之间。" in body
    assert NotificationPolicy.current().overdue_every_days == 7


def test_county_staff_read_the_rules_and_cannot_change_them(client):
    county = df.CongressFactory(level=Level.COUNTY, area=df.AreaFactory(kind=AreaKind.COUNTY))
    staff = df.staff_user(congress=county)
    client.force_login(staff)
    page = client.get(URL).content.decode()
    assert "这里只能查看" in page and "保存票决规则" not in page
    response = client.post(URL, {"policy": "voting.votingpolicy", "voting-votingpolicy-quorum_share": "0.1"})
    assert response.status_code == 403
    assert VotingPolicy.default_row().quorum_share != 0.1
    with pytest.raises(Exception, match="只有代表工作委员会"):
        policies.save_policy(key="voting.votingpolicy", values={"quorum_share": 0.1}, actor=staff)


def test_others_get_404_and_the_page_reads_in_constant_queries(provincial_staff, deputy_user, client, django_assert_num_queries):
    client.force_login(deputy_user)
    assert client.get(URL).status_code == 404
    client.force_login(provincial_staff)
    client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    policy = SuggestionPolicy.current()
    for months in range(4, 12):
        policies.save_policy(key="suggestions.suggestionpolicy", values={"reply_months": months}, actor=provincial_staff)
    with django_assert_num_queries(len(first.captured_queries)):
        assert "答复期限（月）：10 → 11" in client.get(URL).content.decode()
    assert policy.pk == SuggestionPolicy.current().pk
