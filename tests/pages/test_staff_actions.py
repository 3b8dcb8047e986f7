"""Staff pages: opening a follow-up review round over a chosen set, and key
supervision / deadline extension for several items at once, all through the
services (what the state table refuses is reported, not raised)."""
import datetime
import re

import pytest
from django.urls import reverse

from congress_portal.workdays import local_today
from suggestions.models import FollowUpRound, KeySupervision, Reply, Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import in_status, result

pytestmark = pytest.mark.django_db

FOLLOWUP = reverse("suggestions:staff_followup")


def closed_with(code, actors, units, year=2025):
    s, _, _ = in_status(Status.CLOSED, actors, units=units)
    Reply.objects.filter(suggestion=s).update(result_category=result(code))
    Suggestion.objects.filter(pk=s.pk).update(year=year)
    return s


def test_followup_page_opens_a_round_over_the_chosen_b_and_c_replies(client, actors):
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    b, c, a = (closed_with(code, actors, units) for code in "BCA")
    other_year = closed_with("B", actors, units, year=2024)
    client.force_login(actors.staff)
    page = client.get(FOLLOWUP)
    assert page.status_code == 200 and 'value="A"' in page.content.decode()
    selection = {"year": 2025, "results": ["B", "C"]}
    html = client.get(FOLLOWUP, selection).content.decode()
    assert f'name="suggestions" value="{b.pk}"' in html and f'name="suggestions" value="{c.pk}"' in html
    assert f'value="{a.pk}"' not in html and f'value="{other_year.pk}"' not in html
    url = f"{FOLLOWUP}?year=2025&results=B&results=C"
    # A past deadline: the error is beside the field and the ticks are kept.
    response = client.post(url, {"title": "2025年度建议办理回头看", "due_date": str(local_today()), "suggestions": [b.pk]})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_due_date_error"' in html
    assert f'value="{b.pk}" id="pick-{b.pk}" checked' in html and f'value="{c.pk}" id="pick-{c.pk}">' in html
    # An item outside the candidates cannot be slipped in.
    due = str(local_today() + datetime.timedelta(days=30))
    response = client.post(url, {"title": "回头看", "due_date": due, "suggestions": [b.pk, a.pk]})
    assert response.status_code == 200 and "不在候选范围内" in response.content.decode()
    assert not FollowUpRound.objects.exists()
    chosen = {"title": "2025年度建议办理回头看", "due_date": due, "note": "请写明办成了什么", "suggestions": [b.pk, c.pk]}
    # First what it will do (nothing is opened yet), then the same choice confirmed.
    response = client.post(url, chosen)
    html = response.content.decode()
    # Both items have the same lead unit (the co-unit gives no second reply).
    assert response.status_code == 200 and "将对2件已办结建议开展回头看：1个承办单位须在" in html and "开始后不能撤销" in html
    assert not FollowUpRound.objects.exists()
    confirmed = re.search(r'name="confirmed" value="(\w+)"', html).group(1)
    # A choice changed after the confirmation is shown for confirmation again.
    assert client.post(url, {**chosen, "suggestions": [b.pk], "confirmed": confirmed}).status_code == 200
    assert not FollowUpRound.objects.exists()
    response = client.post(url, {**chosen, "confirmed": confirmed})
    rnd = FollowUpRound.objects.get()
    assert response.status_code == 302 and response.url == reverse("suggestions:staff_followup_round", args=[rnd.pk])
    assert set(rnd.items.values_list("suggestion", flat=True)) == {b.pk, c.pk} and rnd.opened_by == actors.staff
    assert (rnd.year, rnd.number) == (2025, 1)
    assert set(Suggestion.objects.filter(status=Status.FOLLOWUP).values_list("pk", flat=True)) == {b.pk, c.pk}
    html = client.get(response.url).content.decode()
    assert f"已开始{rnd.name}，共2件建议" in html and "2025年度第1轮回头看（" in html
    html = client.get(FOLLOWUP).content.decode()
    assert rnd.name in html and "0 / 2" in html


def test_followup_page_is_staff_only(client, actors):
    for user in (actors.deputy_user, df.unit_user(), df.keeper_user()):
        client.force_login(user)
        assert client.get(FOLLOWUP).status_code == 404
        assert client.post(reverse("suggestions:staff_bulk"), {"action": "key", "ids": [1]}).status_code == 404


def test_followup_page_query_count_does_not_grow(client, actors):
    from tests.pages.test_suggestion_pages import _count

    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    client.force_login(actors.staff)
    closed_with("B", actors, units)
    few = _count(client, FOLLOWUP, year=2025, results="B")
    for _ in range(3):
        closed_with("B", actors, units)
    from suggestions import services

    services.open_followup_round(
        title="上一轮", suggestions=[closed_with("B", actors, units)], due_date=local_today() + datetime.timedelta(days=9), actor=actors.staff
    )
    assert _count(client, FOLLOWUP, year=2025, results="B") == few


def test_bulk_key_supervision_from_the_list(client, actors):
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    one, _, _ = in_status(Status.ASSIGNED, actors, units=units)
    two, _, _ = in_status(Status.REGISTERED, actors, units=units)
    submitted, _, _ = in_status(Status.SUBMITTED, actors, units=units)
    client.force_login(actors.staff)
    listing = client.get(reverse("suggestions:staff_list")).content.decode()
    assert f'name="ids" value="{one.pk}" form="bulk-form"' in listing and 'id="bulk-form"' in listing
    bulk = reverse("suggestions:staff_bulk")
    back = reverse("suggestions:staff_list") + "?year=2025"
    ids = [one.pk, two.pk, submitted.pk]
    page = client.post(bulk, {"action": "key", "ids": ids, "next": back})
    assert page.status_code == 200 and "牵头督办领导" in page.content.decode() and one.title in page.content.decode()
    missing = client.post(bulk, {"action": "key", "ids": ids, "next": back, "apply": "1", "supervising_leader": ""})
    assert 'id="id_supervising_leader_error"' in missing.content.decode()
    done = client.post(
        bulk, {"action": "key", "ids": ids, "next": back, "apply": "1", "supervising_leader": "李副主任", "supervising_committee": "财经委"}, follow=True
    )
    assert done.redirect_chain[-1][0] == back
    html = done.content.decode()
    assert "已确定为重点督办：2 件" in html
    assert "建议当前状态为「待审查」，不能执行「确定为重点督办」" in html  # the submitted one: refused, with the table's reason
    assert set(KeySupervision.objects.values_list("suggestion", flat=True)) == {one.pk, two.pk}
    assert one.events.filter(move="mark_key").exists()


def test_bulk_extension_from_the_overdue_list(client, actors):
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    s, _, _ = in_status(Status.ASSIGNED, actors, units=units)
    replied, _, _ = in_status(Status.REPLIED, actors, units=units)
    client.force_login(actors.staff)
    new_due = s.reply_due_at.date() + datetime.timedelta(days=30)
    bulk = reverse("suggestions:staff_bulk")
    data = {"action": "extend", "ids": [s.pk, replied.pk], "apply": "1", "new_due_date": str(new_due), "reason": "涉及多部门，情况复杂"}
    response = client.post(bulk, {**data, "next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("suggestions:staff_list")  # no redirect off the site
    s.refresh_from_db()
    assert s.reply_due_at.date() == new_due and s.extension_reason == "涉及多部门，情况复杂"
    assert "已延长答复期限：1 件" in response.content.decode()
    assert client.post(bulk, {"action": "extend", "next": "/"}, follow=True).redirect_chain  # nothing ticked: back with a message


def test_single_and_bulk_staff_moves_share_one_map():
    """The bulk page offers moves of the single-item page's map (same form, same service call)."""
    from suggestions.forms import BULK_ACTIONS
    from suggestions.views.staff import STAFF_ACTIONS

    assert all(STAFF_ACTIONS[action].bulk_done for action, _label in BULK_ACTIONS)


def test_followup_page_opens_with_the_rule_applied_and_every_candidate_ticked(client, actors):
    """No click to list: the latest year's closed items whose reply promised action (A, B) and those rated
    不满意 come ticked, with a name and a deadline filled in."""
    from suggestions.models import Rating, Satisfaction

    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    promised, kept_for_reference = closed_with("B", actors, units), closed_with("D", actors, units)
    unsatisfied = closed_with("C", actors, units)
    Rating.objects.filter(reply__suggestion=unsatisfied).update(result_rating=Satisfaction.NOT_SATISFIED)
    last_year = closed_with("A", actors, units, year=2024)
    client.force_login(actors.staff)
    html = client.get(FOLLOWUP).content.decode()
    for s in (promised, unsatisfied):
        assert f'value="{s.pk}" id="pick-{s.pk}" checked' in html
    for s in (kept_for_reference, last_year):
        assert f'value="{s.pk}"' not in html
    assert 'value="2025年度代表建议办理回头看"' in html and 'name="due_date"' in html
    assert "data-followup-find" in html and 'data-followup-tick="none"' in html


def test_each_round_has_its_own_name_and_read_only_page(client, actors):
    from suggestions import services

    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    due = local_today() + datetime.timedelta(days=9)
    first = services.open_followup_round(title="回头看", suggestions=[closed_with("B", actors, units)], due_date=due, actor=actors.staff, year=2025)
    second = services.open_followup_round(title="回头看", suggestions=[closed_with("B", actors, units)], due_date=due, actor=actors.staff, year=2025)
    item = second.items.select_related("assignment__unit").first()
    services.submit_second_reply(item=item, actor=actors.unit_user(item.assignment.unit), content="道路已全部硬化。")
    assert (first.number, second.number) == (1, 2) and first.name != second.name
    today = local_today().isoformat()
    assert second.name == f"2025年度第2轮回头看（{today}）"
    client.force_login(actors.staff)
    listing = client.get(FOLLOWUP).content.decode()
    assert first.name in listing and second.name in listing
    url = reverse("suggestions:staff_followup_round", args=[second.pk])
    html = client.get(url).content.decode()
    assert second.name in html and "道路已全部硬化。" in html and item.assignment.unit.name in html
    assert "<form method=\"post\"" not in html.split("<main", 1)[-1]  # read-only
    # Another congress's staff, and the other roles, get a 404.
    other = df.staff_user(congress=df.CongressFactory())
    for user in (other, actors.deputy_user):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_round_page_query_count_does_not_grow(client, actors):
    from suggestions import services
    from tests.pages.test_suggestion_pages import _count

    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    rnd = services.open_followup_round(
        title="回头看", suggestions=[closed_with("B", actors, units)], due_date=local_today() + datetime.timedelta(days=9), actor=actors.staff
    )
    client.force_login(actors.staff)
    url = reverse("suggestions:staff_followup_round", args=[rnd.pk])
    few = _count(client, url)
    from suggestions.models import FollowUpItem

    for _ in range(3):
        s = closed_with("B", actors, units)
        FollowUpItem.objects.bulk_create(FollowUpItem(round=rnd, suggestion=s, assignment=a) for a in s.assignments.filter(is_active=True))
    assert _count(client, url) == few
