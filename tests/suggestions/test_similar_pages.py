"""The similar-suggestions endpoint, the staff panel (merge, recommended units
with their pick buttons), the merged item's deputy page and the public note."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import services
from suggestions.models import Disclosure, MergedRating, Satisfaction, Status
from suggestions.unit_functions import seed_unit_functions
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, result, submit

pytestmark = pytest.mark.django_db

URL = reverse("suggestions:similar_json")
EBIKE = {"title": "关于解决居民电动车进楼梯间充电问题的建议", "content": "电动车停放在楼梯间和楼道里私拉电线充电，火灾风险大。"}


def _ebike(actors, n=0):
    return submit(actors, title=f"关于整治电动自行车楼道充电隐患的建议（{n}）",
                  content="不少老旧小区居民把电动自行车推进楼道拉飞线充电，一旦起火后果严重，建议增设集中充电棚。")


def _published(actors, unit):
    s = _ebike(actors, 99)
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=unit)
    a = s.assignments.get()
    services.acknowledge_assignment(assignment=a, actor=actors.unit_user(unit))
    reply = services.reply_to_suggestion(assignment=a, actor=actors.unit_user(unit), letter="已在全市小区建成集中充电棚1200处。",
                                         result_category=result("A"), signed_off_by="王局长")
    services.rate_reply(reply=reply, actor=actors.deputy_user, process_rating=Satisfaction.SATISFIED, result_rating=Satisfaction.SATISFIED)
    s.refresh_from_db()
    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)
    return s


def test_a_deputy_sees_their_own_and_published_similar_items_not_another_deputys(client):
    mine, other = Actors(), Actors()
    own = _ebike(mine)
    hidden = _ebike(other, 1)
    published = _published(other, df.HandlingUnitFactory())
    client.force_login(mine.deputy_user)
    rows = client.get(URL, EBIKE).json()["results"]
    ids = [r["id"] for r in rows]
    assert own.pk in ids and published.pk in ids and hidden.pk not in ids
    row = next(r for r in rows if r["id"] == published.pk)
    assert row["reply"]["summary"].startswith("已在全市小区") and row["status"] == Status.CLOSED
    assert row["url"] == reverse("suggestions:public_detail", args=[published.pk])
    client.force_login(mine.staff)
    assert hidden.pk in [r["id"] for r in client.get(URL, EBIKE).json()["results"]]


@pytest.mark.parametrize("who", ["unit", "anonymous", "keeper"])
def test_other_roles_are_not_answered(client, who):
    if who == "unit":
        client.force_login(df.unit_user())
    elif who == "keeper":
        client.force_login(df.keeper_user())
    response = client.get(URL, EBIKE)
    assert response.status_code in (302, 404) and "results" not in response.content.decode()


def test_the_endpoint_query_count_does_not_grow_with_rows(client):
    actors = Actors()
    client.force_login(actors.staff)
    _ebike(actors)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, EBIKE).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(1, 5):
        _ebike(actors, n)
    assert count() == few


def test_staff_merge_from_the_panel_and_the_merged_deputy_rates_on_their_page(client):
    lead_actors, other_actors = Actors(), Actors()
    staff = lead_actors.staff
    lead, other = _ebike(lead_actors), _ebike(other_actors, 1)
    for s in (lead, other):
        services.register_suggestion(suggestion=s, actor=staff)
    seed_unit_functions(units=[df.HandlingUnitFactory(short_name="省消防救援总队")])
    client.force_login(staff)
    page = client.get(reverse("suggestions:staff_detail", args=[lead.pk])).content.decode()
    assert f'name="merge" value="{other.pk}"' in page
    assert 'data-pick-unit="lead_unit"' in page and "省消防救援总队" in page and "职能关键词" in page
    assert "<script>" not in page and "js/pick-unit.js" in page
    response = client.post(reverse("suggestions:staff_merge", args=[lead.pk]), {"merge": [other.pk], "note": "同一问题"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == Status.MERGED
    page = client.get(reverse("suggestions:staff_detail", args=[other.pk])).content.decode()
    assert "并入" in page and reverse("suggestions:staff_unmerge", args=[other.pk]) in page
    unit = df.HandlingUnitFactory()
    services.assign_suggestion(suggestion=lead, actor=staff, lead_unit=unit)
    a = lead.assignments.get()
    services.acknowledge_assignment(assignment=a, actor=lead_actors.unit_user(unit))
    reply = services.reply_to_suggestion(assignment=a, actor=lead_actors.unit_user(unit), letter="统一答复：建设集中充电棚。",
                                         result_category=result("B"), signed_off_by="王局长")
    client.force_login(lead_actors.unit_user(unit))
    page = client.get(reverse("suggestions:unit_detail", args=[a.pk])).content.decode()
    assert other.content in page  # the unit handles both in one reply
    client.force_login(other_actors.deputy_user)
    page = client.get(reverse("suggestions:my_detail", args=[other.pk])).content.decode()
    assert "统一答复：建设集中充电棚。" in page and reverse("suggestions:rate_merged", args=[other.pk]) in page
    response = client.post(reverse("suggestions:rate_merged", args=[other.pk]),
                           {"reply": reply.pk, "process_rating": "satisfied", "result_rating": "mostly"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == Status.CLOSED and MergedRating.objects.filter(suggestion=other, reply=reply).exists()
    # Another deputy cannot rate it: 404.
    client.force_login(lead_actors.deputy_user)
    assert client.post(reverse("suggestions:rate_merged", args=[other.pk]), {"reply": reply.pk}).status_code == 404


def test_the_public_page_shows_the_merge(client):
    lead_actors, other_actors = Actors(), Actors()
    staff = lead_actors.staff
    other = _ebike(other_actors, 1)
    services.register_suggestion(suggestion=other, actor=staff)
    lead = _ebike(lead_actors)
    services.register_suggestion(suggestion=lead, actor=staff)
    services.merge_suggestions(lead=lead, others=[other], actor=staff)
    unit = df.HandlingUnitFactory()
    services.assign_suggestion(suggestion=lead, actor=staff, lead_unit=unit)
    a = lead.assignments.get()
    services.acknowledge_assignment(assignment=a, actor=lead_actors.unit_user(unit))
    services.reply_to_suggestion(assignment=a, actor=lead_actors.unit_user(unit), letter="统一答复。", result_category=result("A"),
                                 signed_off_by="王局长")
    lead.refresh_from_db()
    services.decide_disclosure(suggestion=lead, actor=staff, mode=Disclosure.FULL)
    page = client.get(reverse("suggestions:public_detail", args=[lead.pk])).content.decode()
    assert "并案办理" in page and "另有1件建议并入本件办理" in page


def test_the_writing_page_loads_the_similar_suggestions_script_without_inline_code(client):
    actors = Actors()
    client.force_login(actors.deputy_user)
    page = client.get(reverse("suggestions:create")).content.decode()
    assert 'id="similar-live"' in page and f'data-url="{URL}"' in page and "js/similar.js" in page
    assert "<script>" not in page and "onclick" not in page and "onload" not in page
