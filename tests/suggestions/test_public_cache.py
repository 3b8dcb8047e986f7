"""Anonymous public pages from the cache (congress_portal/public_cache.py):
no queries on a repeat, a change shows at once, signed-in users never share
the anonymous copy, and the per-request parts (CSRF token) stay per request."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import services
from suggestions.models import Disclosure, Reply, Status
from tests.suggestions.factories import in_status


def publish(s, actors):
    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)

pytestmark = pytest.mark.django_db


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


@pytest.fixture
def published(actors):
    s, actors, units = in_status(Status.CLOSED, actors)
    publish(s, actors)
    return s, actors, units


@pytest.mark.parametrize("name,args", [("public_list", False), ("public_detail", True), ("public_units", False)])
def test_a_repeated_anonymous_request_makes_no_query(client, published, name, args):
    s, _, _ = published
    url = reverse(f"suggestions:{name}", args=[s.pk] if args else [])
    first, first_queries = _get(client, url)
    again, again_queries = _get(Client(), url)  # another visitor
    assert first_queries > 0 and again_queries == 0
    assert _main(first) == _main(again)
    if name != "public_units":
        assert s.title in again


def test_the_cache_is_per_url_and_language(client, published):
    s, actors, units = published
    url = reverse("suggestions:public_list")
    _get(client, url)
    html, queries = _get(client, url, q="不存在的词语")
    assert queries > 0 and reverse("suggestions:public_detail", args=[s.pk]) not in html
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    _html, queries = _get(english, url)
    assert queries > 0


def test_publishing_and_a_new_reply_show_at_once(client, published, django_capture_on_commit_callbacks):
    s, actors, units = published
    list_url = reverse("suggestions:public_list")
    detail_url = reverse("suggestions:public_detail", args=[s.pk])
    _get(client, list_url)
    _get(client, detail_url)
    other, _, _ = in_status(Status.CLOSED, actors, units=units)
    with django_capture_on_commit_callbacks(execute=True):
        publish(other, actors)
    html, queries = _get(client, list_url)
    assert queries > 0 and reverse("suggestions:public_detail", args=[other.pk]) in html
    # A changed reply letter (a re-handled item's second reply is a new current reply; here the letter itself).
    reply = Reply.objects.get(suggestion=s, is_current=True)
    reply.letter = "经再次研究，已安排专项资金全部修复。"
    with django_capture_on_commit_callbacks(execute=True):
        reply.save(update_fields=["letter"])
    assert "已安排专项资金全部修复" in _get(client, detail_url)[0]
    # Withdrawn from publication: gone from the list, and the detail answers 404.
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_disclosure(suggestion=other, actor=actors.staff, mode=Disclosure.NONE, reason="涉及个人隐私")
    assert reverse("suggestions:public_detail", args=[other.pk]) not in _get(client, list_url)[0]
    assert client.get(reverse("suggestions:public_detail", args=[other.pk])).status_code == 404


def test_a_signed_in_user_never_gets_the_anonymous_copy(client, published):
    s, actors, units = published
    url = reverse("suggestions:public_detail", args=[s.pk])
    anonymous, _ = _get(Client(), url)
    client.force_login(actors.deputy_user)
    html, queries = _get(client, url)
    assert queries > 0
    html, queries = _get(client, url)
    assert queries > 0  # built for each signed-in request, never cached for them
    assert "退出" in html and "退出" not in anonymous
    # ... and what a signed-in user saw is not served to the public.
    assert "退出" not in _get(Client(), url)[0]


def test_each_visitor_gets_their_own_csrf_token(published):
    s, _, _ = published
    url = reverse("suggestions:public_list")
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html, _ = _get(visitor, url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.append(token)
        # The language form of the (cached) page posts with the visitor's own token.
        response = visitor.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def _main(html):
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_the_public_detail_is_built_in_at_most_six_queries(client, published, django_capture_on_commit_callbacks):
    s, actors, units = published
    for _ in range(3):  # more timeline rows change nothing
        services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)
    _html, queries = _get(client, reverse("suggestions:public_detail", args=[s.pk]))
    # the suggestion with its joins and units, its current replies, co-signers, merge links and timeline
    assert queries <= 6, queries


def test_a_visitors_messages_are_shown_to_them_only(client, published):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    url = reverse("suggestions:public_list")
    _get(Client(), url)  # the whole page is cached for visitors without cookies
    visitor = Client()
    visitor.cookies["messages"] = CookieStorage(HttpRequest())._encode([Message(constants.SUCCESS, "留言已提交，查询码已发送。")])
    html, queries = _get(visitor, url)
    assert "留言已提交，查询码已发送。" in html and queries == 0  # the content still comes from the cache
    assert "留言已提交，查询码已发送。" not in _get(Client(), url)[0]
