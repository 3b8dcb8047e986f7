"""Background jobs: the roster import, the suggestion export and the monthly
notices run through the task, report progress, end in a result page, and are
shown only to the person who started them and the staff who act for the
job's congress."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congress_portal.jobs import services, tasks
from congress_portal.jobs.models import Job, JobState
from congress_portal.notifications.models import Kind, Notification
from deputies import jobs as deputy_jobs
from deputies.models import Deputy, DeputyImport, Mandate
from suggestions import jobs as suggestion_jobs
from suggestions.models import Status
from tests.deputies import factories as df
from tests.deputies.conftest import HEADER, make_id, row, xlsx_bytes
from tests.suggestions.factories import Actors, in_status

pytestmark = pytest.mark.django_db


def upload(rows, name="名册.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows), content_type="application/octet-stream")


def good_rows(n):
    return [row(id_number=make_id(serial=i + 1), name=f"代表{i:03d}", card_number=f"P{i:04d}") for i in range(n)]


def start_import(client, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deputies:roster_import"), {"file": upload(rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


# --------------------------------------------------------------------------- the roster import


def test_the_roster_import_runs_through_the_task_and_the_page_shows_what_it_wrote(
        province, staff_client, eager, django_capture_on_commit_callbacks):
    job = start_import(staff_client, good_rows(3), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == JobState.DONE, (job.message, job.errors)
    assert (Deputy.objects.count(), Mandate.objects.count(), DeputyImport.objects.count()) == (3, 3, 1)
    assert dict(job.result["summary"])["新增代表"] == 3
    assert job.finished_at is not None and job.input_name == "名册.xlsx"
    page = staff_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "已完成" in page and "代表名册已导入" in page
    assert "hx-trigger" not in page  # a finished job is no longer polled


def test_a_bad_row_refuses_the_whole_file_and_the_page_names_row_and_column(
        province, staff_client, eager, django_capture_on_commit_callbacks):
    rows = good_rows(3)
    rows[1] = row(id_number=make_id(serial=50), name="王芳", level="州")  # Excel row 3
    job = start_import(staff_client, rows, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.errors == [{"row": 3, "column": "层级", "message": "“州”不是有效的选项。"}]
    assert job.error_count == 1 and "未写入任何数据" in job.message
    # Nothing written, not even the good rows 2 and 4.
    assert (Deputy.objects.count(), Mandate.objects.count(), DeputyImport.objects.count()) == (0, 0, 0)
    page = staff_client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "第3行" in page and "层级" in page and "“州”不是有效的选项。" in page


def test_changes_to_people_on_record_are_listed_and_written_only_once_confirmed(
        province, staff_client, eager, django_capture_on_commit_callbacks):
    person = make_id(serial=7)
    df.DeputyFactory(id_number=person, name="张湘云")
    job = start_import(staff_client, [row(id_number=person, name="张湘芸")], django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.result["can_confirm"] is True
    assert Deputy.objects.get(id_number=person).name == "张湘云"
    assert "确认修改并重新导入" in staff_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("deputies:roster_import_confirm", args=[job.pk]))
    again = Job.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("jobs:detail", args=[again.pk])
    again.refresh_from_db()
    assert again.state == JobState.DONE and again.params["confirm_changes"] is True
    assert Deputy.objects.get(id_number=person).name == "张湘芸"


def test_a_file_that_is_not_an_xlsx_is_refused_before_a_job_starts(province, staff_client):
    response = staff_client.post(reverse("deputies:roster_import"),
                                 {"file": SimpleUploadedFile("名册.xlsx", b"id,name\n1,2\n")})
    assert response.status_code == 200 and not Job.objects.exists()
    assert "内容与扩展名不符" in response.content.decode()


def test_progress_is_reported_while_rows_are_checked_and_written(province, staff_user, monkeypatch):
    monkeypatch.setattr(deputy_jobs, "PROGRESS_EVERY", 2)
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(7)))
    calls = []
    services.run_job(job_id=job.pk, progress=lambda phase, done, total=None: calls.append((phase, done, total)))
    checking = [(done, total) for phase, done, total in calls if phase == "检查各行"]
    writing = [(done, total) for phase, done, total in calls if phase == "写入名册"]
    assert checking[0] == (0, 7) and checking[-1] == (7, 7)  # the sheet declares its 7 rows
    assert [done for done, _total in checking[1:-1]] == [2, 4, 6]  # every two rows, mid-way
    assert writing == [(0, 14), (7, 14), (14, 14)]  # 7 people, then 7 mandates
    assert Job.objects.get(pk=job.pk).state == JobState.DONE


def test_a_progress_report_reaches_the_job_row_in_its_own_transaction(province, staff_user, monkeypatch):
    """The check pass runs outside any transaction: what the page reads is
    the row as each report left it."""
    monkeypatch.setattr(deputy_jobs, "PROGRESS_EVERY", 2)
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(5)))
    seen = []
    from congress_portal.jobs.progress import Progress

    real = Progress(job.pk)

    def report(phase, done, total=None):
        real(phase, done, total)
        if phase == "检查各行":
            seen.append(Job.objects.values_list("state", "phase", "done").get(pk=job.pk))

    services.run_job(job_id=job.pk, progress=report)
    assert (JobState.RUNNING, "检查各行", 4) in seen


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_of_the_write_pass_is_visible_while_its_transaction_is_open(province, monkeypatch):
    """The write pass is one transaction (all or nothing); its reports go
    through a connection of their own, so another reader sees them before
    the import commits."""
    staff = df.staff_user()
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff, upload=upload(good_rows(5)))
    from congress_portal.jobs.progress import Progress

    real = Progress(job.pk)
    seen = []

    def report(phase, done, total=None):
        real(phase, done, total)
        if phase == "写入名册" and 0 < done < total:
            # Read committed: this connection sees what the side connection committed,
            # while the import's own writes are not committed yet.
            seen.append((Job.objects.values_list("done", flat=True).get(pk=job.pk), Deputy.objects.count()))

    original = deputy_jobs.import_deputies
    monkeypatch.setattr(deputy_jobs, "import_deputies", lambda **kw: original(**{**kw, "batch_size": 2}))
    try:
        services.run_job(job_id=job.pk, progress=report)
    finally:
        real.close()
    assert seen and all(done > 0 for done, _count in seen)
    assert Job.objects.get(pk=job.pk).state == JobState.DONE and Deputy.objects.count() == 5


# --------------------------------------------------------------------------- run once


def test_running_the_task_twice_does_not_import_twice(province, staff_user, monkeypatch):
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(2)))
    imports = []
    original = deputy_jobs.import_deputies
    monkeypatch.setattr(deputy_jobs, "import_deputies", lambda **kw: imports.append(1) or original(**kw))
    assert tasks.run_job(job.pk) == JobState.DONE
    finished_at = Job.objects.get(pk=job.pk).finished_at
    assert tasks.run_job(job.pk) is None
    assert len(imports) == 1 and DeputyImport.objects.count() == 1
    assert Job.objects.get(pk=job.pk).finished_at == finished_at


def test_a_running_job_is_left_alone_unless_its_worker_went_silent(province, staff_user, monkeypatch):
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(1)))
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, heartbeat_at=now - datetime.timedelta(seconds=10))
    assert services.run_job(job_id=job.pk) is None and Deputy.objects.count() == 0
    Job.objects.filter(pk=job.pk).update(heartbeat_at=now - services.stale_after() - datetime.timedelta(seconds=1))
    assert services.run_job(job_id=job.pk).state == JobState.DONE and Deputy.objects.count() == 1


# --------------------------------------------------------------------------- who sees a job


def test_a_job_page_is_404_to_another_user(province, client, staff_user):
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(1)))
    services.run_job(job_id=job.pk)
    county_staff = df.staff_user(congress=province.cty)
    others = [county_staff, df.unit_user(), df.deputy_user()]
    for user in others:
        client.force_login(user)
        for name in ("jobs:detail", "jobs:status"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (user, name)
    client.force_login(staff_user)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 302  # to sign-in


def test_the_export_file_is_downloadable_only_by_its_starter_and_the_congress_staff(
        province, client, eager, django_capture_on_commit_callbacks):
    actors = Actors()
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    suggestion, _a, _u = in_status(Status.ASSIGNED, actors, units=units)
    in_status(Status.REGISTERED, actors, units=units)
    starter = actors.staff
    client.force_login(starter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suggestions:staff_export_job"))
    job = Job.objects.get(kind=suggestion_jobs.EXPORT)
    assert response.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == JobState.DONE and dict(job.result["summary"])["导出件数"] == 2
    assert "下载" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    download = client.get(reverse("jobs:output", args=[job.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    titles = [r[1] for r in sheet.iter_rows(values_only=True)]
    assert suggestion.title in titles and len(titles) == 3

    colleague = df.staff_user(congress=starter.congress)  # the same congress (None: the whole province)
    client.force_login(colleague)
    assert client.get(reverse("jobs:output", args=[job.pk])).status_code == 200
    for user in (df.staff_user(congress=province.cty), df.unit_user(unit=units[0]), actors.deputy_user):
        client.force_login(user)
        assert client.get(reverse("jobs:output", args=[job.pk])).status_code == 404, user


def test_the_export_reports_progress_every_chunk(province, monkeypatch):
    actors = Actors()
    for _ in range(5):
        in_status(Status.REGISTERED, actors)
    job = services.start_job(kind=suggestion_jobs.EXPORT, actor=actors.staff, params={"filter": {}})
    calls = []
    monkeypatch.setattr(suggestion_jobs, "EXPORT_PROGRESS_EVERY", 2)
    services.run_job(job_id=job.pk, progress=lambda phase, done, total=None: calls.append((phase, done, total)))
    assert [(done, total) for phase, done, total in calls if phase == "写出表格"] == [(2, 5), (4, 5)]
    assert Job.objects.get(pk=job.pk).output_file


# --------------------------------------------------------------------------- monthly notices


def test_sending_the_monthly_notices_now_is_a_job_and_says_each_notice_once(
        client, eager, django_capture_on_commit_callbacks):
    actors = Actors()
    in_status(Status.ASSIGNED, actors)
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_send_monthly_notices")).content.decode()
    assert "不能撤回" in page
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("suggestions:staff_send_monthly_notices"))
    first, second = Job.objects.filter(kind=suggestion_jobs.MONTHLY_NOTICES).order_by("pk")
    assert first.state == second.state == JobState.DONE
    sent = Notification.objects.filter(kind=Kind.PROGRESS_NOTICE).count()
    assert sent >= 1 and dict(first.result["summary"])["新发出的通报"] >= sent
    assert dict(second.result["summary"])["新发出的通报"] == 0


def test_county_staff_may_not_send_the_provinces_notices(client, province):
    client.force_login(df.staff_user(congress=province.cty))
    assert client.get(reverse("suggestions:staff_send_monthly_notices")).status_code == 404
    assert client.post(reverse("suggestions:staff_send_monthly_notices")).status_code == 404
    assert not Job.objects.exists()


# --------------------------------------------------------------------------- my jobs


def test_my_jobs_lists_only_mine_with_a_query_count_that_does_not_grow(
        province, client, staff_user, django_assert_num_queries):
    other = df.staff_user()
    services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=other, upload=upload(good_rows(1)))
    client.force_login(staff_user)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("jobs:mine"))
        assert response.status_code == 200
        return len(captured), response.content.decode()

    services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(1)))
    one, page = count_queries()
    for _ in range(4):
        services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(1)))
    five, page = count_queries()
    assert one == five
    assert page.count("代表名册导入（第") == 5
    client.force_login(df.unit_user())
    assert client.get(reverse("jobs:mine")).status_code == 404


def test_a_file_the_guarded_reader_refuses_fails_the_job_saying_why(province, staff_user):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    values = row()
    values[1] = "=A1"  # 姓名 as a formula
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user,
                             upload=SimpleUploadedFile("名册.xlsx", buffer.getvalue()))
    job = services.run_job(job_id=job.pk)
    assert job.state == JobState.FAILED and Deputy.objects.count() == 0
    assert [e["message"] for e in job.errors] == ["第2行「姓名」是公式，请复制该列后“选择性粘贴为数值”再导入。"]


def test_a_job_under_way_is_polled_and_shows_its_progress_bar(province, client, staff_user):
    job = services.start_job(kind=deputy_jobs.ROSTER_IMPORT, actor=staff_user, upload=upload(good_rows(1)))
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, phase="检查各行", done=40, total=160)
    client.force_login(staff_user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:status", args=[job.pk])}"' in page and 'hx-trigger="every 2s"' in page
    assert 'max="160" value="40"' in page and "40／160（25%）" in page and "检查各行" in page


def test_the_dashboard_export_starts_the_background_job_for_its_year(
        province, client, eager, django_capture_on_commit_callbacks):
    """No export in the portal is a request that can hang: the dashboard's
    导出 Excel posts to the same job as 全部建议, with the year shown."""
    import re

    actors = Actors()
    in_status(Status.REGISTERED, actors)
    client.force_login(actors.staff)
    page = client.get(reverse("suggestions:staff_dashboard"), {"year": 2026}).content.decode()
    assert reverse("suggestions:staff_export") + '"' not in page and reverse("suggestions:staff_export") + "?" not in page
    action = re.search(r'<form method="post" action="([^"]*%s[^"]*)">' % re.escape(reverse("suggestions:staff_export_job")), page)
    assert action, "the dashboard has no form starting the export job"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action.group(1).replace("&amp;", "&"))
    job = Job.objects.get(kind=suggestion_jobs.EXPORT)
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.params["filter"]["year"] == 2026 and job.state == JobState.DONE
