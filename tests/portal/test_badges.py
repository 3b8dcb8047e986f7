"""The navigation's badges (congress_portal/notifications/badges.py): unread messages and
co-sign invitations waiting for an answer, counted in one query per page,
each count capped, and no query at all for the public."""
import pytest
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications import badges
from suggestions.models import CoSignState
from tests.notifications.factories import NotificationFactory
from tests.suggestions.factories import Actors, submit

pytestmark = pytest.mark.django_db


def deputy_message(deputy, **kwargs):
    return NotificationFactory(recipient_user=None, recipient_deputy=deputy, recipient_key=f"deputy:{deputy.pk}", **kwargs)


def badge_of(html, label):
    start = html.index(f">{label} <span class=\"nav-badge\">") + len(label) + len(' <span class="nav-badge">') + 1
    return html[start: html.index("<", start)]


def test_a_deputy_sees_unread_messages_and_open_invitations_on_the_menu(client):
    actors = Actors()
    invited = actors.cosigner_user
    submit(actors, co_signers=[invited.deputy])
    submit(actors, title="关于第二件事的建议", co_signers=[invited.deputy])
    before = badges.counts(invited, ["notifications:inbox"])["notifications:inbox"]
    for n in range(3):
        deputy_message(invited.deputy, item_id=1000 + n)
    deputy_message(invited.deputy, item_id=2000, read_at=timezone.now())
    client.force_login(invited)
    html = client.get(reverse("suggestions:my_list")).content.decode()
    assert badge_of(html, "附议邀请") == "2"
    assert badge_of(html, "消息") == str(before + 3)
    assert 'class="menu-dot"' in html
    # Answered invitations no longer count.
    invited.deputy.cosignatures.update(state=CoSignState.CONFIRMED)
    html = client.get(reverse("suggestions:my_list")).content.decode()
    assert "附议邀请</a>" in html


def test_every_badge_of_a_page_is_one_query_and_a_count_stops_at_the_cap(django_assert_num_queries):
    actors = Actors()
    deputy = actors.deputy_user
    for n in range(badges.CAP + 5):
        deputy_message(deputy.deputy, item_id=5000 + n)
    names = ["notifications:inbox", "suggestions:invitations", "suggestions:my_list"]
    assert deputy.deputy is not None  # the deputy behind the account is read once per request anyway
    with django_assert_num_queries(1):
        found = badges.counts(deputy, names)
    assert found == {"notifications:inbox": badges.CAP, "suggestions:invitations": 0}
    assert badges.label(found["notifications:inbox"]) == "99+"


def test_the_public_pages_ask_nothing_for_badges(client, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert badges.counts(AnonymousUser(), ["notifications:inbox", "suggestions:invitations"]) == {}
    assert "nav-badge" not in client.get("/").content.decode()
