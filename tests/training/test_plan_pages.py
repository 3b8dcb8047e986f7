"""Staff create and edit their congress's yearly training plans in the portal:
the term is picked by searching among their own congress's terms, the model's
checks answer in Chinese, another congress's plan is out of reach (404), and
the list costs the same whatever its length."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.deputies import factories as df
from tests.training.factories import TrainingPlanFactory
from training import services
from training.models import TrainingPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_congresses():
    own = df.TermFactory(start_date=datetime.date(2023, 1, 15), end_date=datetime.date(2028, 1, 14))
    other = df.TermFactory(start_date=datetime.date(2023, 1, 15), end_date=datetime.date(2028, 1, 14))
    return df.staff_user(congress=own.congress), own, other


def _data(term, **changes):
    return {"term": term.pk, "year": "2026", "title": "本级2026年学习培训计划", "description": "", **changes}


def test_staff_create_a_plan_with_the_term_picked_by_search(two_congresses, client):
    staff, own, other = two_congresses
    client.force_login(staff)
    assert reverse("training:plans") in client.get(reverse("training:sessions")).content.decode()
    page = client.get(reverse("training:plan_new")).content.decode()
    assert f'data-search-url="{reverse("training:pick_terms")}"' in page
    found = client.get(reverse("training:pick_terms"), {"q": own.congress.name[:2]}).json()["results"]
    assert [row["id"] for row in found] == [own.pk]  # the other congress's term is never offered
    assert client.get(reverse("training:pick_terms")).json()["results"] == found
    response = client.post(reverse("training:plan_new"), _data(own), follow=True)
    plan = TrainingPlan.objects.get()
    assert (plan.term, plan.year, plan.title) == (own, 2026, "本级2026年学习培训计划")
    assert f"已新建培训计划“本级2026年学习培训计划”（{own}，2026年）。" in response.content.decode()
    # The new plan is then offered by the session form's plan picker.
    assert [r["id"] for r in client.get(reverse("training:pick_plans"), {"q": "2026"}).json()["results"]] == [plan.pk]


def test_the_checks_answer_in_chinese_and_nothing_is_saved(two_congresses, client):
    staff, own, other = two_congresses
    TrainingPlanFactory(term=own, year=2026, title="已有计划")
    client.force_login(staff)
    url = reverse("training:plan_new")
    assert "年度不在该届任期内。" in client.post(url, _data(own, year="2030")).content.decode()
    assert "该届本年度已有同名的培训计划，请换一个计划名称。" in client.post(url, _data(own, title="已有计划")).content.decode()
    assert "选择一个有效的选项" in client.post(url, _data(other)).content.decode()
    assert list(TrainingPlan.objects.values_list("title", flat=True)) == ["已有计划"]


def test_staff_edit_their_own_plans_only(two_congresses, client):
    staff, own, other = two_congresses
    mine = TrainingPlanFactory(term=own, year=2026, title="旧名称")
    theirs = TrainingPlanFactory(term=other, year=2026, title="外地计划")
    client.force_login(staff)
    assert client.get(reverse("training:plan_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("training:plan_edit", args=[theirs.pk]), _data(own)).status_code == 404
    assert "外地计划" not in client.get(reverse("training:plans")).content.decode()
    response = client.post(reverse("training:plan_edit", args=[mine.pk]), _data(own, title="新名称"), follow=True)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.title == "新名称" and theirs.title == "外地计划"
    assert "已保存培训计划“新名称”" in response.content.decode()
    unit = df.unit_user()
    client.force_login(unit)
    assert client.get(reverse("training:plans")).status_code == 404
    assert client.get(reverse("training:plan_new")).status_code == 404


def test_the_service_refuses_another_congresss_term_and_plan(two_congresses):
    staff, own, other = two_congresses
    theirs = TrainingPlanFactory(term=other, year=2026, title="外地计划")
    with pytest.raises(PermissionDenied):
        services.save_plan(actor=staff, term=other, year=2026, title="越级计划", description="")
    with pytest.raises(PermissionDenied):
        services.save_plan(actor=staff, plan=theirs, term=own, year=2026, title="抢来的计划", description="")
    assert TrainingPlan.objects.filter(term=own).count() == 0


def test_the_plan_list_costs_the_same_whatever_its_length(two_congresses, client, django_assert_num_queries):
    staff, own, other = two_congresses
    TrainingPlanFactory(term=own, year=2024, title="计划0")
    client.force_login(staff)
    url = reverse("training:plans")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for i in range(1, 8):
        TrainingPlanFactory(term=own, year=2024 + i % 4, title=f"计划{i}")
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert "计划7" in page
