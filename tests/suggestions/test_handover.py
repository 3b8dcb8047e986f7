"""交办会: the whole batch is assigned at once, one bad item refuses all of it
(naming the item) and writes nothing; each unit's 交办函 lists exactly its
items of the meeting; staff of another congress get 404; the meeting page's
query count does not grow with items."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suggestions import services
from suggestions.models import Assignment, HandoverEvent, HandoverItem, HandoverStatus, KeySupervision, Status
from tests.deputies import factories as df
from tests.suggestions.docx_reading import open_docx, styled, tables, text_of
from tests.suggestions.factories import Actors, in_status

pytestmark = pytest.mark.django_db


def registered(actors):
    return in_status(Status.REGISTERED, actors)[0]


@pytest.fixture
def meeting(actors):
    first = registered(actors)
    return services.prepare_handover_meeting(
        actor=actors.staff, congress=first.congress, title="2025年代表建议交办会", planned_on=first.submitted_at.date()
    ), first


def fill(meeting, actors, first, units):
    """Three items: ``first`` and two more, with lead and co units."""
    a, b, c = units
    items = [services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=first, lead_unit=a, co_units=[b])]
    for lead, co in ((b, [a]), (c, [])):
        items.append(services.add_handover_item(
            meeting=meeting, actor=actors.staff, suggestion=registered(actors), lead_unit=lead, co_units=co,
            key_supervision=lead == c, supervising_leader="王建国" if lead == c else "",
        ))
    return items


def test_holding_the_meeting_assigns_the_whole_batch(actors, meeting, django_capture_on_commit_callbacks):
    meeting, first = meeting
    units = [df.HandlingUnitFactory(name=n) for n in ("省交通运输厅", "省财政厅", "省水利厅")]
    items = fill(meeting, actors, first, units)
    with django_capture_on_commit_callbacks(execute=True):  # the units hear of each item as of any assignment
        done = services.hold_handover_meeting(meeting=meeting, actor=actors.staff)
    from congress_portal.notifications.models import Notification

    assert Notification.objects.filter(recipient_unit=units[2]).exists()
    assert done == {"items": 3, "units": 3}
    meeting.refresh_from_db()
    assert meeting.status == HandoverStatus.HELD and meeting.held_at
    for item in items:
        item.suggestion.refresh_from_db()
        assert item.suggestion.status == Status.ASSIGNED
        assert set(item.assignments.values_list("unit_id", flat=True)) == {item.lead_unit_id, *[u.pk for u in item.co_units.all()]}
    assert KeySupervision.objects.get(suggestion=items[2].suggestion).supervising_leader == "王建国"
    assert list(HandoverEvent.objects.filter(meeting=meeting).values_list("move", flat=True)) == ["prepare", "hold"]
    with pytest.raises(ValidationError):  # held once only, and then the batch is closed
        services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=registered(actors), lead_unit=units[0])


def test_one_bad_item_refuses_the_whole_batch_naming_it(client, actors, meeting):
    meeting, first = meeting
    units = [df.HandlingUnitFactory() for _ in range(3)]
    items = fill(meeting, actors, first, units)
    # The second item was assigned by hand meanwhile: no longer 审查通过.
    services.assign_suggestion(suggestion=items[1].suggestion, actor=actors.staff, lead_unit=units[2])
    before = set(Assignment.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.hold_handover_meeting(meeting=meeting, actor=actors.staff)
    text = " ".join(refused.value.messages)
    assert "第2项" in text and items[1].suggestion.number_label in text and "整批建议均未交办" in text
    assert set(Assignment.objects.values_list("pk", flat=True)) == before
    for item in (items[0], items[2]):
        item.suggestion.refresh_from_db()
        assert item.suggestion.status == Status.REGISTERED
    assert not KeySupervision.objects.exists() and not HandoverItem.assignments.through.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == HandoverStatus.PREPARED and meeting.held_at is None
    client.force_login(actors.staff)  # the page says the same and writes nothing either
    page = client.post(reverse("suggestions:staff_hold_meeting", args=[meeting.pk]), follow=True).content.decode()
    assert "第2项" in page and "整批建议均未交办" in page
    assert set(Assignment.objects.values_list("pk", flat=True)) == before


def test_a_unit_that_no_longer_serves_the_congress_refuses_the_batch(actors, meeting):
    meeting, first = meeting
    units = [df.HandlingUnitFactory() for _ in range(3)]
    items = fill(meeting, actors, first, units)
    elsewhere = df.AreaFactory()
    units[2].area = elsewhere  # moved to another area after it was put in the batch
    units[2].save()
    with pytest.raises(ValidationError) as refused:
        services.hold_handover_meeting(meeting=meeting, actor=actors.staff)
    text = " ".join(refused.value.messages)
    assert "第3项" in text and units[2].name in text
    assert not Assignment.objects.filter(suggestion__in=[i.suggestion for i in items]).exists()


def test_only_registered_items_of_the_congress_with_serving_units_go_in(actors, meeting):
    meeting, first = meeting
    unit = df.HandlingUnitFactory()
    submitted = in_status(Status.SUBMITTED, actors)[0]
    with pytest.raises(ValidationError) as refused:
        services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=submitted, lead_unit=unit)
    assert "只有审查通过的建议可以交办" in str(refused.value)
    outsider = df.HandlingUnitFactory(area=df.AreaFactory())
    with pytest.raises(ValidationError):
        services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=first, lead_unit=outsider)
    with pytest.raises(ValidationError):
        services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=first, lead_unit=unit, key_supervision=True)
    services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=first, lead_unit=unit)
    with pytest.raises(ValidationError):
        services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=first, lead_unit=unit)


def test_each_units_letter_lists_exactly_its_items_of_the_meeting(actors, meeting):
    from suggestions import documents

    meeting, first = meeting
    units = [df.HandlingUnitFactory(name=n) for n in ("省交通运输厅", "省财政厅", "省水利厅")]
    items = fill(meeting, actors, first, units)
    # Assigned the same day but not at the meeting: in no meeting letter.
    other = registered(actors)
    services.assign_suggestion(suggestion=other, actor=actors.staff, lead_unit=units[0])
    services.hold_handover_meeting(meeting=meeting, actor=actors.staff)
    meeting.refresh_from_db()
    expected = {
        units[0]: [items[0], items[1]],  # leads the first, co-handles the second
        units[1]: [items[0], items[1]],
        units[2]: [items[2]],
    }
    for unit, its in expected.items():
        content = documents.meeting_assignment_letter(meeting=meeting, unit=unit)
        document = open_docx(content)
        assert styled(document, "公文主送机关") == [f"{unit.name}："]
        assert f"{len(its)}件代表建议" in "\n".join(text_of(content))
        (header, *rows), = tables(document)
        # Exactly its items, each with its own role and deadline from the meeting's assignment.
        assignments = {a.suggestion_id: a for a in Assignment.objects.filter(unit=unit, handover_items__meeting=meeting)}
        assert sorted((row[1], row[2]) for row in rows) == sorted((i.suggestion.number_label, i.suggestion.title) for i in its)
        for row in rows:
            assignment = next(a for a in assignments.values() if a.suggestion.number_label == row[1])
            due = timezone.localtime(assignment.reply_due_at or assignment.opinion_due_at).date()
            assert row[4] == assignment.get_role_display() and row[5] == f"{due.year}年{due.month}月{due.day}日"
        assert ("重点督办" in [row[6] for row in rows]) == (unit == units[2])
        assert other.number_label not in "\n".join(text_of(content))


def test_pages_scope_confirmation_and_letters(client, actors, meeting):
    meeting, first = meeting
    units = [df.HandlingUnitFactory() for _ in range(3)]
    fill(meeting, actors, first, units)
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_meeting", args=[meeting.pk]))
    assert page.status_code == 200 and first.title in page.content.decode()
    confirm = client.get(reverse("suggestions:staff_hold_meeting", args=[meeting.pk])).content.decode()
    assert "3件建议将一次交办给3个承办单位" in confirm and "重点督办1件" in confirm
    assert not Assignment.objects.exists()  # the confirmation page writes nothing
    response = client.post(reverse("suggestions:staff_hold_meeting", args=[meeting.pk]), follow=True)
    assert "3件建议已交办给3个承办单位" in response.content.decode()
    services.save_document_template(actor=actors.staff, congress=meeting.congress, kind="assignment_letter",
                                    title="关于交办省人大代表建议的函", issuer="湖南省人大常委会", number_prefix="湘人常代字")
    letter = client.get(reverse("suggestions:staff_meeting_letter", args=[meeting.pk, units[0].pk]), {"number": "12"})
    year = timezone.localdate().year
    assert letter.status_code == 200
    document = open_docx(letter.content)
    assert styled(document, "公文发文字号") == [f"湘人常代字〔{year}〕12号"]
    assert styled(document, "公文发文机关") == ["湖南省人大常委会"] and styled(document, "公文标题") == ["关于交办省人大代表建议的函"]
    # Staff of another congress, a unit and a deputy: 404.
    other_staff = df.staff_user(congress=df.CongressFactory())
    for user in (other_staff, actors.unit_user(units[0]), actors.deputy_user):
        client.force_login(user)
        for url in (reverse("suggestions:staff_meeting", args=[meeting.pk]),
                    reverse("suggestions:staff_hold_meeting", args=[meeting.pk]),
                    reverse("suggestions:staff_meeting_letter", args=[meeting.pk, units[0].pk])):
            assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.prepare_handover_meeting(actor=other_staff, congress=meeting.congress, title="x", planned_on=meeting.planned_on)


def test_staff_of_a_congress_create_a_meeting_of_their_own_congress(client, actors):
    congress = df.CongressFactory()
    staff = df.staff_user(congress=congress)
    client.force_login(staff)
    response = client.post(reverse("suggestions:staff_meetings"), {"title": "交办会", "planned_on": "2026-03-01"})
    assert response.status_code == 302
    assert staff.congress.handover_meetings.get().title == "交办会"
    assert "交办会" in client.get(reverse("suggestions:staff_meetings")).content.decode()


def test_adding_through_the_page_and_the_recommendation(client, actors, meeting):
    meeting, first = meeting
    unit = df.HandlingUnitFactory(name="省交通运输厅")
    client.force_login(actors.staff)
    url = reverse("suggestions:staff_meeting", args=[meeting.pk])
    assert client.get(url, {"suggestion": first.pk}).status_code == 200
    found = client.get(reverse("suggestions:pick_handover_suggestions", args=[meeting.pk])).json()["results"]
    assert [r["id"] for r in found] == [first.pk]
    response = client.post(url, {"action": "add", "suggestion": first.pk, "lead_unit": unit.pk}, follow=True)
    assert f"已将{first.number_label}" in response.content.decode()
    item = meeting.items.get()
    assert not client.get(reverse("suggestions:pick_handover_suggestions", args=[meeting.pk])).json()["results"]
    client.post(url, {"action": "remove", "item_id": item.pk})
    assert not meeting.items.exists()


def test_the_meeting_page_query_count_does_not_grow_with_items(client, actors, meeting):
    meeting, first = meeting
    units = [df.HandlingUnitFactory() for _ in range(3)]
    services.add_handover_item(meeting=meeting, actor=actors.staff, suggestion=first, lead_unit=units[0], co_units=[units[1]])
    client.force_login(actors.staff)

    def count(m):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("suggestions:staff_meeting", args=[m.pk])).status_code == 200
        return len(ctx.captured_queries)

    def grow(m, n):
        for _ in range(n):
            services.add_handover_item(
                meeting=m, actor=actors.staff, suggestion=registered(actors), lead_unit=units[2], co_units=units[:2],
                key_supervision=True, supervising_leader="王建国",
            )

    small = count(meeting)
    grow(meeting, 4)
    assert count(meeting) == small
    # A held meeting (its units' letters listed): one item and five items alike.
    services.hold_handover_meeting(meeting=meeting, actor=actors.staff)
    one = services.prepare_handover_meeting(actor=actors.staff, congress=meeting.congress, title="另一次", planned_on=meeting.planned_on)
    grow(one, 1)
    services.hold_handover_meeting(meeting=one, actor=actors.staff)
    assert count(meeting) == count(one)


def test_the_meetings_list_query_count_does_not_grow_with_meetings(client, actors, meeting):
    meeting, first = meeting
    client.force_login(actors.staff)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("suggestions:staff_meetings")).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(4):
        services.prepare_handover_meeting(
            actor=actors.staff, congress=first.congress, title=f"第{i}次交办会", planned_on=first.submitted_at.date()
        )
    assert count() == small
