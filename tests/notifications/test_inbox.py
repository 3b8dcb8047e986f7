"""The inbox pages and API: each role sees its own, a unit's members share the
unit's messages, another's message answers 404, query counts do not grow."""
import pytest
from django.urls import reverse

from congress_portal.notifications.models import Kind, Notification
from tests.deputies import factories as f

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def unit_notification(unit, **kwargs):
    return NotificationFactory(recipient_user=None, recipient_unit=unit, recipient_key=f"unit:{unit.pk}", **kwargs)


def test_each_role_sees_its_own_messages(client, unit_user, deputy_user, staff_user):
    mine = unit_notification(unit_user.handling_unit)
    colleague = f.unit_user(unit=unit_user.handling_unit)
    deputy_message = NotificationFactory(
        recipient_user=None, recipient_deputy=deputy_user.deputy, recipient_key=f"deputy:{deputy_user.deputy.pk}",
        kind=Kind.RATING_PENDING, context={"deputy_name": "王芳", "number": "第0002号", "title": "关于养老服务的建议",
                                            "unit_name": "省民政厅", "replied_on": "2026年4月1日"},
    )
    staff_message = NotificationFactory(recipient_user=staff_user)
    other_unit = unit_notification(f.HandlingUnitFactory())

    client.force_login(colleague)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert mine.subject in page and "未读 1 条" in page
    for other in (deputy_message, staff_message, other_unit):
        assert client.get(reverse("notifications:detail", args=[other.pk])).status_code == 404

    client.force_login(deputy_user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "答复待测评：第0002号《关于养老服务的建议》" in page
    assert client.get(reverse("notifications:detail", args=[mine.pk])).status_code == 404


def test_opening_marks_read_for_the_unit_and_can_be_undone(client, unit_user):
    message = unit_notification(unit_user.handling_unit)
    client.force_login(unit_user)
    response = client.get(reverse("notifications:detail", args=[message.pk]))
    assert response.status_code == 200 and "应于2026年5月1日前答复代表" in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None
    client.post(reverse("notifications:mark_unread", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read_touches_only_my_messages(client, unit_user):
    mine = [unit_notification(unit_user.handling_unit) for _ in range(3)]
    others = unit_notification(f.HandlingUnitFactory())
    client.force_login(unit_user)
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[m.pk for m in mine], read_at__isnull=True).count() == 0
    others.refresh_from_db()
    assert others.read_at is None
    # Marking another unit's message is a 404 and changes nothing.
    assert client.post(reverse("notifications:mark_read", args=[others.pk])).status_code == 404


def test_unread_filter(client, staff_user):
    read = NotificationFactory(recipient_user=staff_user, context={"number": "第0100号", "title": "已读的建议",
                                                                  "unit_name": "甲", "due_date": "x", "days_left": 1})
    read.read_at = read.created_at
    read.save()
    NotificationFactory(recipient_user=staff_user, context={"number": "第0101号", "title": "未读的建议",
                                                          "unit_name": "乙", "due_date": "x", "days_left": 1})
    client.force_login(staff_user)
    page = client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "未读的建议" in page and "已读的建议" not in page


@pytest.mark.parametrize("rows", [2, 25])
def test_inbox_page_query_count_does_not_grow(client, unit_user, rows, django_assert_num_queries):
    for _ in range(rows):
        unit_notification(unit_user.handling_unit)
    client.force_login(unit_user)
    # session, user, page count, page rows, unread count, the menu's badges
    with django_assert_num_queries(6):
        assert client.get(reverse("notifications:inbox")).status_code == 200


@pytest.mark.parametrize("rows", [2, 25])
def test_inbox_api_query_count_does_not_grow(api_client, deputy_user, rows, django_assert_num_queries):
    deputy = deputy_user.deputy
    for _ in range(rows):
        NotificationFactory(recipient_user=None, recipient_deputy=deputy, recipient_key=f"deputy:{deputy.pk}")
    api_client.force_authenticate(type(deputy_user).objects.get(pk=deputy_user.pk))
    # the deputy of the user (for visible_to), count, rows
    with django_assert_num_queries(3):
        response = api_client.get("/notifications/api/inbox/")
    assert response.status_code == 200
    assert response.json()["count"] == rows
    item = response.json()["results"][0]
    assert set(item) == {"id", "kind", "kind_display", "subject", "body", "link", "created_at", "read_at", "is_read",
                         "attachment_url"}


def test_api_mark_read_and_unread_count(api_client, staff_user):
    messages = [NotificationFactory(recipient_user=staff_user) for _ in range(3)]
    stranger = NotificationFactory()
    api_client.force_authenticate(staff_user)
    assert api_client.get("/notifications/api/inbox/unread-count/").json() == {"unread": 3}
    response = api_client.post("/notifications/api/inbox/read-all/", {"ids": [messages[0].pk, stranger.pk]}, format="json")
    assert response.json() == {"marked": 1}
    assert api_client.get("/notifications/api/inbox/?unread=true").json()["count"] == 2
    assert api_client.post(f"/notifications/api/inbox/{stranger.pk}/read/").status_code == 404
    assert api_client.post(f"/notifications/api/inbox/{messages[1].pk}/read/").json()["is_read"] is True
    assert api_client.post("/notifications/api/inbox/read-all/", {}, format="json").json() == {"marked": 1}


def test_inbox_needs_sign_in(client, api_client):
    assert client.get(reverse("notifications:inbox")).status_code == 302
    assert api_client.get("/notifications/api/inbox/").status_code in (401, 403)


def test_attachment_download(client, unit_user):
    message = unit_notification(
        unit_user.handling_unit, kind=Kind.PROGRESS_NOTICE, stage="2026-05",
        context={"period_label": "2026年5月", "unit_name": "省水利厅", "as_of": "2026年5月5日", "figures": [],
                 "columns": ["编号"], "rows": [["第0001号"]], "filename": "通报.xlsx"},
    )
    client.force_login(unit_user)
    response = client.get(reverse("notifications:attachment", args=[message.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    plain = unit_notification(unit_user.handling_unit)
    assert client.get(reverse("notifications:attachment", args=[plain.pk])).status_code == 404
