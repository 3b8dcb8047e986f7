"""代表来信: the register, its move table, who is told, who sees what, and 转来信."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications import registry
from congress_portal.notifications.models import Kind, Notification, NotificationPolicy
from suggestions import services
from suggestions.models import Letter, LetterEvent, LetterStatus, Status
from suggestions.notices.letters import due_reminders
from tests.deputies import factories as df
from tests.suggestions.factories import in_status, submit

pytestmark = pytest.mark.django_db


def register(actors, **kwargs):
    kwargs.setdefault("deputy", actors.deputy)
    kwargs.setdefault("title", "关于某企业拖欠工资问题的来信")
    kwargs.setdefault("content", "反映某企业拖欠农民工工资，请有关部门核查。")
    return services.register_letter(actor=actors.staff, **kwargs)


def forwarded(actors, unit=None, days=15):
    letter = register(actors)
    unit = unit or df.HandlingUnitFactory()
    services.forward_letter(letter=letter, actor=actors.staff, unit=unit, due_date=timezone.localdate() + datetime.timedelta(days=days))
    return letter, unit


def test_a_letter_goes_registered_forwarded_answered_closed_with_a_timeline(actors):
    letter, unit = forwarded(actors)
    assert letter.status == LetterStatus.FORWARDED and letter.unit == unit and letter.forwarded_at
    services.answer_letter(letter=letter, actor=actors.unit_user(unit), answer="已责成企业于本月底前结清工资。")
    assert letter.status == LetterStatus.ANSWERED and letter.answer.startswith("已责成")
    services.close_letter(letter=letter, actor=actors.staff)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CLOSED and letter.closed_at
    moves = list(letter.events.values_list("move", "from_status", "to_status"))
    assert moves == [
        ("register", "", "registered"), ("forward", "registered", "forwarded"), ("answer", "forwarded", "answered"),
        ("close", "answered", "closed"),
    ]
    assert letter.number == 1 and letter.number_label.endswith("第0001号")


def test_letters_are_numbered_apart_from_suggestions(actors):
    submit(actors)
    first, second = register(actors), register(actors)
    assert (first.number, second.number) == (1, 2)


def test_moves_out_of_turn_are_refused_with_the_reason(actors):
    letter = register(actors)
    unit = df.HandlingUnitFactory()
    with pytest.raises(ValidationError) as refused:  # nothing to answer before it is forwarded
        services.answer_letter(letter=letter, actor=actors.unit_user(unit), answer="答复")
    assert "已登记" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.close_letter(letter=letter, actor=actors.staff)  # without a unit's answer: say how it was dealt with
    assert "办理情况" in str(refused.value)
    services.forward_letter(letter=letter, actor=actors.staff, unit=unit, due_date=timezone.localdate() + datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        services.close_letter(letter=letter, actor=actors.staff, note="已电话答复")
    assert "已转办" in str(refused.value) and "办结" in str(refused.value)
    other = df.HandlingUnitFactory()
    with pytest.raises(PermissionDenied) as refused:
        services.answer_letter(letter=letter, actor=actors.unit_user(other), answer="答复")
    assert "转办单位" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.forward_letter(letter=letter, actor=actors.deputy_user, unit=other, due_date=timezone.localdate() + datetime.timedelta(days=5))
    with pytest.raises(ValidationError):
        services.forward_letter(letter=letter, actor=actors.staff, unit=other, due_date=timezone.localdate())
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.FORWARDED


def test_a_registered_letter_closed_directly_needs_the_note(actors):
    letter = register(actors)
    services.close_letter(letter=letter, actor=actors.staff, note="已当面向代表说明有关政策。")
    assert letter.status == LetterStatus.CLOSED


def test_staff_return_an_answer_and_may_send_the_letter_elsewhere(actors):
    letter, unit = forwarded(actors)
    services.answer_letter(letter=letter, actor=actors.unit_user(unit), answer="已收悉。")
    services.return_answer(letter=letter, actor=actors.staff, reason="未答复具体措施")
    assert letter.status == LetterStatus.FORWARDED
    other = df.HandlingUnitFactory()
    new_due = timezone.localdate() + datetime.timedelta(days=20)
    services.forward_letter(letter=letter, actor=actors.staff, unit=other, due_date=new_due)
    letter.refresh_from_db()
    assert letter.unit == other and letter.due_date == new_due and letter.status == LetterStatus.FORWARDED
    assert letter.events.filter(move="reforward", unit=other).exists()


def test_turning_a_suggestion_not_handled_as_one_into_a_letter(actors):
    s, _a, _u = in_status(Status.NOT_REGISTERED, actors)
    assert not s.forwarded_as_letter
    letter = services.turn_suggestion_into_letter(suggestion=s, actor=actors.staff)
    s.refresh_from_db()
    assert s.forwarded_as_letter and letter.from_suggestion == s and letter.deputy == s.lead_deputy
    assert letter.title == s.title and letter.status == LetterStatus.REGISTERED
    assert s.events.filter(move="forward_as_letter").exists()
    with pytest.raises(ValidationError):  # once only
        services.turn_suggestion_into_letter(suggestion=s, actor=actors.staff)
    assert Letter.objects.filter(from_suggestion=s).count() == 1


def test_only_a_suggestion_not_handled_as_one_becomes_a_letter(actors):
    s = submit(actors)
    with pytest.raises(ValidationError) as refused:
        services.turn_suggestion_into_letter(suggestion=s, actor=actors.staff)
    assert "转为来信" in str(refused.value)
    assert not Letter.objects.exists()


def test_rejecting_with_forward_as_letter_registers_the_letter(actors):
    s = submit(actors)
    services.reject_suggestion(suggestion=s, actor=actors.staff, reason="属于个人诉求", forward_as_letter=True)
    s.refresh_from_db()
    assert s.status == Status.NOT_REGISTERED and s.letter.status == LetterStatus.REGISTERED


def test_the_unit_is_told_when_a_letter_is_forwarded_and_the_deputy_of_the_answer(actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter, unit = forwarded(actors)
    told = Notification.objects.get(kind=Kind.LETTER_EVENT, recipient_unit=unit)
    assert letter.title in told.subject and "答复期限" in told.body
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_letter(letter=letter, actor=actors.unit_user(unit), answer="已处理。")
    assert Notification.objects.filter(kind=Kind.LETTER_EVENT, recipient_deputy=actors.deputy).count() == 1


def test_due_and_overdue_reminders_go_to_the_unit_once_per_stage(actors):
    letter, unit = forwarded(actors, days=7)
    today = timezone.localdate()
    policy = NotificationPolicy.current()
    due = due_reminders(today, policy)
    assert [(m.kind, m.recipient.id, m.stage.split(":")[0]) for m in due] == [(Kind.LETTER_DUE, unit.pk, "d7")]
    later = due_reminders(today + datetime.timedelta(days=9), policy)
    assert [m.stage.split(":")[0] for m in later] == ["o1"]
    services.answer_letter(letter=letter, actor=actors.unit_user(unit), answer="已处理。")
    assert due_reminders(today + datetime.timedelta(days=9), policy) == []
    # The registry's daily scan carries them, counted apart from suggestions' kinds.
    assert "letters" in {n.name for n in registry.registered()}


# ---------------------------------------------------------------- pages


def test_another_roles_letter_answers_404(client, actors):
    letter, unit = forwarded(actors)
    stranger_unit = df.unit_user()
    other_deputy = df.deputy_user()
    for user, name in [(stranger_unit, "suggestions:unit_letter"), (other_deputy, "suggestions:my_letter")]:
        client.force_login(user)
        assert client.get(reverse(name, args=[letter.pk])).status_code == 404
    client.force_login(actors.unit_user(unit))
    assert client.get(reverse("suggestions:unit_letter", args=[letter.pk])).status_code == 200
    assert client.get(reverse("suggestions:staff_letter", args=[letter.pk])).status_code == 404
    client.force_login(actors.deputy_user)
    assert client.get(reverse("suggestions:my_letter", args=[letter.pk])).status_code == 200
    # A unit does not see a letter not yet forwarded to it.
    registered = register(actors)
    client.force_login(actors.unit_user(unit))
    assert client.get(reverse("suggestions:unit_letter", args=[registered.pk])).status_code == 404


def test_staff_register_forward_and_the_unit_answers_through_the_pages(client, actors):
    client.force_login(actors.staff)
    response = client.post(reverse("suggestions:staff_register_letter"), {
        "deputy_name": actors.deputy.name, "title": "关于某小区供水问题的来信", "content": "小区长期水压不足。",
        "received_on": timezone.localdate().isoformat(),
    })
    letter = Letter.objects.get()
    assert response.status_code == 302 and response.url == reverse("suggestions:staff_letter", args=[letter.pk])
    unit = df.HandlingUnitFactory()
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    client.post(reverse("suggestions:staff_letter", args=[letter.pk]), {"action": "forward", "unit": unit.pk, "due_date": due})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FORWARDED
    client.force_login(actors.unit_user(unit))
    page = client.get(reverse("suggestions:unit_letters")).content.decode()
    assert "关于某小区供水问题的来信" in page
    client.post(reverse("suggestions:unit_letter", args=[letter.pk]), {"action": "answer", "answer": "已协调供水公司加压。"})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ANSWERED
    client.force_login(actors.deputy_user)
    page = client.get(reverse("suggestions:my_letter", args=[letter.pk])).content.decode()
    assert "已协调供水公司加压。" in page


def test_registering_refuses_an_unknown_deputy_beside_the_field(client, actors):
    client.force_login(actors.staff)
    response = client.post(reverse("suggestions:staff_register_letter"), {
        "deputy_name": "查无此人", "title": "来信", "content": "内容", "received_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 200 and "没有找到该在任代表" in response.content.decode()
    assert not Letter.objects.exists()


def test_staff_turn_a_suggestion_into_a_letter_from_its_page(client, actors):
    s, _a, _u = in_status(Status.NOT_REGISTERED, actors)
    client.force_login(actors.staff)
    assert "转为来信" in client.get(reverse("suggestions:staff_detail", args=[s.pk])).content.decode()
    response = client.post(reverse("suggestions:staff_suggestion_to_letter", args=[s.pk]))
    letter = Letter.objects.get(from_suggestion=s)
    assert response.url == reverse("suggestions:staff_letter", args=[letter.pk])


def test_search_finds_by_title_unit_or_deputy(client, actors):
    forwarded(actors)
    other = register(actors, title="关于乡村学校校车的来信")
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_letters"), {"q": "校车"}).content.decode()
    assert other.title in page and "拖欠工资" not in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who,url_name", [("staff", "staff_letters"), ("unit", "unit_letters"), ("deputy", "my_letters")])
def test_list_query_counts_do_not_grow_with_rows(client, actors, who, url_name):
    unit = df.HandlingUnitFactory()

    def grow():
        forwarded(actors, unit=unit)
        register(actors)

    users = {"staff": actors.staff, "unit": actors.unit_user(unit), "deputy": actors.deputy_user}
    client.force_login(users[who])
    url = reverse(f"suggestions:{url_name}")
    grow()
    few = _count(client, url)
    for _ in range(3):
        grow()
    many = _count(client, url)
    assert few == many, (few, many)


def test_detail_query_count_does_not_grow_with_events(client, actors):
    letter, unit = forwarded(actors)
    client.force_login(actors.staff)
    url = reverse("suggestions:staff_letter", args=[letter.pk])
    few = _count(client, url)
    for day in (20, 25, 30):
        services.forward_letter(letter=letter, actor=actors.staff, unit=unit, due_date=timezone.localdate() + datetime.timedelta(days=day))
    assert LetterEvent.objects.filter(letter=letter).count() == 5
    assert _count(client, url) == few
