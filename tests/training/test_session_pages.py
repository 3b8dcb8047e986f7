"""Staff create and edit training sessions in the portal: the plan is picked by
searching among their own congress's plans (never an id), the model's checks
answer in Chinese, and another congress's plan or session is out of reach."""
import pytest
from django.urls import reverse

from tests.deputies import factories as df
from tests.training.factories import TrainingPlanFactory, TrainingSessionFactory
from training.models import TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_congresses():
    own, other = df.TermFactory(), df.TermFactory()
    staff = df.staff_user(congress=own.congress)
    return staff, TrainingPlanFactory(term=own, title="本级2025年学习计划"), TrainingPlanFactory(term=other, title="外地2025年学习计划")


def _data(plan, **changes):
    data = {
        "plan": plan.pk, "title": "履职学习班第一期", "kind": "duty", "form": "classroom", "field": "",
        "starts_at": "2025-05-10T09:00", "ends_at": "2025-05-10T17:00", "venue": "机关会议室", "hours": "6",
        "organiser": "代表工作委员会", "description": "",
    }
    return {**data, **changes}


def test_staff_create_a_session_with_the_plan_picked_by_search(two_congresses, client):
    staff, plan, other_plan = two_congresses
    client.force_login(staff)
    page = client.get(reverse("training:session_new")).content.decode()
    assert f'data-search-url="{reverse("training:pick_plans")}"' in page
    assert "本级2025年学习计划" not in page  # only the chosen option is drawn; the rest are searched
    found = client.get(reverse("training:pick_plans"), {"q": "2025年"}).json()["results"]
    assert [row["id"] for row in found] == [plan.pk] and "本级2025年学习计划（" in found[0]["text"]
    response = client.post(reverse("training:session_new"), _data(plan), follow=True)
    session = TrainingSession.objects.get()
    assert session.plan == plan and session.hours == 6
    assert "已新建培训班次“履职学习班第一期”：2025-05-10 09:00开始，6学时。" in response.content.decode()


def test_the_checks_answer_in_chinese_and_nothing_is_saved(two_congresses, client):
    staff, plan, other_plan = two_congresses
    client.force_login(staff)
    url = reverse("training:session_new")
    page = client.post(url, _data(plan, ends_at="2025-05-10T08:00")).content.decode()
    assert "结束时间应晚于开始时间。" in page
    page = client.post(url, _data(plan, kind="thematic")).content.decode()
    assert "专题学习须填写专题领域。" in page
    page = client.post(url, _data(other_plan)).content.decode()
    assert "选择一个有效的选项" in page  # another congress's plan is not among the choices
    assert not TrainingSession.objects.exists()


def test_staff_edit_their_own_sessions_only(two_congresses, client):
    staff, plan, other_plan = two_congresses
    own = TrainingSessionFactory(plan=plan, title="旧名称")
    theirs = TrainingSessionFactory(plan=other_plan)
    client.force_login(staff)
    assert client.get(reverse("training:session_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("training:session_edit", args=[theirs.pk]), _data(plan)).status_code == 404
    response = client.post(reverse("training:session_edit", args=[own.pk]), _data(plan, title="新名称"), follow=True)
    own.refresh_from_db()
    assert own.title == "新名称" and "已保存培训班次“新名称”" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.title != "履职学习班第一期"
