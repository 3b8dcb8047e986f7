"""督办 records: on key items only, at units that handle them; grouped by
theme; each unit sees only its own history."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import services
from suggestions.models import Status, Suggestion, SupervisionVisit
from tests.deputies import factories as df
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 18)


def key_item(actors, units):
    s, _a, _u = in_status(Status.ASSIGNED, actors, units=units)
    services.mark_key_supervision(suggestion=s, actor=actors.staff, supervising_leader="王主任")
    return s


def record(actors, suggestions, units, **kwargs):
    kwargs.setdefault("theme", "乡村振兴")
    return services.record_supervision_visit(
        actor=actors.staff, held_on=DAY, group_name="第一督办工作组", members="王主任、李委员", units=units,
        suggestions=suggestions, findings="已制定工作方案，资金尚未到位。", follow_up="9月底前报送进展。", **kwargs,
    )


def test_a_visit_on_key_items_at_their_units(actors):
    a, b = df.HandlingUnitFactory(), df.HandlingUnitFactory()
    s = key_item(actors, [a, b])
    visit = record(actors, [s], [a, b])
    assert set(visit.units.all()) == {a, b} and list(visit.suggestions.all()) == [s]


def test_refused_for_an_item_not_under_key_supervision_or_a_unit_not_handling_it(actors):
    a, b = df.HandlingUnitFactory(), df.HandlingUnitFactory()
    s = key_item(actors, [a, b])
    plain, _a, _u = in_status(Status.ASSIGNED, actors, units=[a, b])
    with pytest.raises(ValidationError) as refused:
        record(actors, [s, plain], [a])
    assert plain.title in str(refused.value) and "不是重点督办" in str(refused.value)
    stranger = df.HandlingUnitFactory(name="省体育局")
    with pytest.raises(ValidationError) as refused:
        record(actors, [s], [a, stranger])
    assert "省体育局" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.record_supervision_visit(actor=actors.unit_user(a), theme="t", held_on=DAY, group_name="g",
                                          units=[a], suggestions=[s], findings="f")
    assert not SupervisionVisit.objects.exists()


def test_pages_group_by_theme_and_units_see_only_their_own(client, actors):
    a, b, c = df.HandlingUnitFactory(), df.HandlingUnitFactory(), df.HandlingUnitFactory()
    s1, s2 = key_item(actors, [a, b]), key_item(actors, [c, b])
    Suggestion.objects.filter(pk=s2.pk).update(title="关于优化城市公交线路的建议")
    s2.refresh_from_db()
    record(actors, [s1], [a], theme="乡村振兴")
    record(actors, [s2], [c], theme="交通出行")
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_supervision")).content.decode()
    assert "乡村振兴" in page and "交通出行" in page and s1.title in page and s2.title in page
    client.force_login(actors.unit_user(a))
    page = client.get(reverse("suggestions:unit_supervision")).content.decode()
    assert s1.title in page and s2.title not in page
    assert client.get(reverse("suggestions:staff_supervision")).status_code == 404


def test_staff_record_through_the_page(client, actors):
    a, b = df.HandlingUnitFactory(), df.HandlingUnitFactory()
    s = key_item(actors, [a, b])
    client.force_login(actors.staff)
    response = client.post(reverse("suggestions:staff_new_supervision"), {
        "theme": "乡村振兴", "held_on": DAY.isoformat(), "group_name": "第一组", "suggestions": [s.pk],
        "units": [a.pk], "findings": "情况",
    })
    assert response.status_code == 302 and SupervisionVisit.objects.get().theme == "乡村振兴"


@pytest.mark.parametrize("who", ["staff", "unit"])
def test_list_query_counts_do_not_grow_with_rows(client, actors, who):
    a, b = df.HandlingUnitFactory(), df.HandlingUnitFactory()

    def grow():
        s = key_item(actors, [a, b])
        record(actors, [s], [a, b], theme=f"主题{SupervisionVisit.objects.count()}")

    client.force_login(actors.staff if who == "staff" else actors.unit_user(a))
    url = reverse("suggestions:staff_supervision" if who == "staff" else "suggestions:unit_supervision")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow()
    few = count()
    grow()
    grow()
    assert count() == few
