"""The handling unit's pages: its chosen projects with milestones and when the
next report is due, and one project's page with the milestones and the
progress-report form. Other units' projects answer 404."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.deputies import factories as df
from tests.voting import factories as vf
from voting import services
from voting.models import Milestone, ProgressReport, ProjectStatus

pytestmark = pytest.mark.django_db


def chosen(unit, title, *, year=2026, status=ProjectStatus.CHOSEN):
    project = vf.ProjectFactory(call=vf.ProjectCallFactory(year=year), responsible_unit=unit, title=title)
    project.status = status  # as publish_results leaves it
    project.save(update_fields=["status"])
    return project


def png(name="site.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def unit():
    return df.HandlingUnitFactory(name="县住房和城乡建设局")


@pytest.fixture
def member(unit, client):
    user = df.unit_user(unit=unit)
    client.force_login(user)
    return user


def test_the_list_shows_only_the_units_chosen_projects_with_milestones_and_due_dates(unit, member, client, staff_user):
    mine = chosen(unit, "老旧小区加装电梯")
    services.add_milestone(project=mine, title="完成招标", due_on=datetime.date(2026, 3, 31), actor=staff_user)
    services.add_milestone(project=mine, title="首批电梯投用", due_on=datetime.date(2026, 9, 30), actor=staff_user)
    long_ago = timezone.localdate() - datetime.timedelta(days=40)
    services.submit_progress_report(project=mine, actor=member, reported_on=long_ago, percent_done=35, narrative="已完成招标。")
    chosen(unit, "城区公厕改造", status=ProjectStatus.CANDIDATE)  # not chosen: not here
    chosen(df.HandlingUnitFactory(name="县教育局"), "中小学校食堂改造")  # another unit's

    body = client.get(reverse("voting:unit_projects")).content.decode()
    assert "老旧小区加装电梯" in body and "完成招标" in body and "首批电梯投用" in body
    assert "城区公厕改造" not in body and "中小学校食堂改造" not in body
    # The default cycle is 30 days: the next report was due ten days ago.
    assert str(long_ago + datetime.timedelta(days=30)) in body and "已逾期" in body
    assert 'value="35"' in body


def test_the_list_query_count_does_not_grow_with_projects(unit, member, client, staff_user, django_assert_num_queries):
    url = reverse("voting:unit_projects")
    first = chosen(unit, "项目1")
    services.add_milestone(project=first, title="开工", due_on=datetime.date(2026, 4, 1), actor=staff_user)
    client.get(url)
    with django_assert_num_queries(6) as one:  # session, user, projects, milestones, policy rows, badges
        client.get(url)
    for i in range(2, 7):
        project = chosen(unit, f"项目{i}", year=2020 + i)
        for n in range(3):
            services.add_milestone(project=project, title=f"节点{i}-{n}", due_on=datetime.date(2026, 4, n + 1), actor=staff_user)
        services.submit_progress_report(project=project, actor=member, reported_on=datetime.date(2026, 1, i), percent_done=10 * i, narrative="推进中")
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert all(f"项目{i}" in body for i in range(1, 7)) and "节点6-2" in body


def test_other_units_projects_and_other_roles_get_404(unit, member, client, deputy_user, staff_user):
    other = chosen(df.HandlingUnitFactory(), "别的单位的项目")
    not_chosen = chosen(unit, "未当选的项目", status=ProjectStatus.NOT_CHOSEN)
    assert client.get(reverse("voting:unit_project", args=[other.pk])).status_code == 404
    assert client.get(reverse("voting:unit_project", args=[not_chosen.pk])).status_code == 404
    assert client.post(reverse("voting:unit_project", args=[other.pk]), {"reported_on": "2026-01-05", "percent_done": 5, "narrative": "x"}).status_code == 404
    assert not ProgressReport.objects.filter(project=other).exists()
    mine = chosen(unit, "本单位项目")
    assert client.get(reverse("voting:unit_project", args=[mine.pk])).status_code == 200
    for user in (deputy_user, staff_user):
        client.force_login(user)
        assert client.get(reverse("voting:unit_projects")).status_code == 404
        assert client.get(reverse("voting:unit_project", args=[mine.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("voting:unit_projects")).status_code == 302  # to the sign-in page


def test_a_progress_report_with_a_photo_from_the_page(unit, member, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    project = chosen(unit, "农村饮水安全巩固提升")
    url = reverse("voting:unit_project", args=[project.pk])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()

    refused = client.post(url, {"reported_on": "2026-05-10", "percent_done": 120, "narrative": "超了"})
    assert refused.status_code == 200 and "percent_done" in refused.context["form"].errors
    assert not ProgressReport.objects.filter(project=project).exists()

    done = client.post(
        url, {"reported_on": "2026-05-10", "percent_done": 60, "narrative": "管网铺设过半。", "problems": "雨季影响工期。", "photo": png(), "caption": "管网施工现场"},
        follow=True,
    )
    body = done.content.decode()
    assert "进展报告已报送" in body and "管网铺设过半" in body and "管网施工现场" in body
    report = ProgressReport.objects.get(project=project)
    assert (report.percent_done, report.submitted_by_id, report.photos.count()) == (60, member.pk, 1)
    project.refresh_from_db()
    assert project.percent_done == 60
    # A hundred percent completes the project; it stays on the unit's list.
    client.post(url, {"reported_on": "2026-11-30", "percent_done": 100, "narrative": "全部完工。"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    assert "农村饮水安全巩固提升" in client.get(reverse("voting:unit_projects")).content.decode()


def test_a_milestone_marked_done_from_the_page(unit, member, client, staff_user):
    project = chosen(unit, "社区居家养老服务中心建设")
    milestone = services.add_milestone(project=project, title="完成选址", due_on=datetime.date(2026, 4, 30), actor=staff_user)
    elsewhere = services.add_milestone(project=chosen(df.HandlingUnitFactory(), "别处"), title="别处节点", due_on=datetime.date(2026, 4, 30), actor=staff_user)
    url = reverse("voting:unit_project", args=[project.pk])
    # Another project's milestone cannot be completed through this page.
    assert client.post(url, {"milestone": elsewhere.pk}).status_code == 404
    page = client.post(url, {"milestone": milestone.pk}, follow=True)
    assert "已标记节点“完成选址”完成" in page.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).done_on == timezone.localdate()
    assert Milestone.objects.get(pk=elsewhere.pk).done_on is None


def test_the_project_page_query_count_does_not_grow_with_reports(unit, member, client, staff_user, settings, tmp_path, django_assert_num_queries):
    settings.MEDIA_ROOT = str(tmp_path)
    project = chosen(unit, "中心城区停车位建设")
    url = reverse("voting:unit_project", args=[project.pk])
    services.add_milestone(project=project, title="开工", due_on=datetime.date(2026, 4, 1), actor=staff_user)
    services.submit_progress_report(project=project, actor=member, reported_on=datetime.date(2026, 2, 1), percent_done=10, narrative="开工", photos=[(png(), "")])
    client.get(url)
    with django_assert_num_queries(8) as one:  # session, user, project, milestones, reports, photos, policy rows, badges
        client.get(url)
    for day in range(2, 8):
        services.add_milestone(project=project, title=f"节点{day}", due_on=datetime.date(2026, 5, day), actor=staff_user)
        services.submit_progress_report(
            project=project, actor=member, reported_on=datetime.date(2026, 3, day), percent_done=10 + day, narrative=f"第{day}次",
            photos=[(png(f"p{day}.png"), f"照片{day}")],
        )
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert "第7次" in body and "照片7" in body and "节点7" in body
