"""A roster import on a real Celery worker (prefork, Redis broker, the test
database): the upload's job is queued after commit, the worker claims and
runs it, and the job's row says what it wrote."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from congress_portal.jobs import services
from congress_portal.jobs.models import FINISHED, Job, JobState
from deputies.jobs import ROSTER_IMPORT
from deputies.models import Deputy
from tests.deputies import factories as df
from tests.deputies.conftest import make_id, row, xlsx_bytes
from tests.notifications.test_reliability import Worker, broker, wait_until  # noqa: F401 - broker is a fixture

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_roster_import_runs_on_a_real_worker_once(province, broker, tmp_path, monkeypatch, settings):  # noqa: F811
    monkeypatch.setenv("MEDIA_ROOT", settings.MEDIA_ROOT)  # the worker reads the stored upload from here
    worker = Worker(tmp_path)
    try:
        worker.start()
        staff = df.staff_user()
        rows = [row(id_number=make_id(serial=i + 1), name=f"代表{i}", card_number=f"P{i:04d}") for i in range(4)]
        with transaction.atomic():
            job = services.start_job(kind=ROSTER_IMPORT, actor=staff,
                                     upload=SimpleUploadedFile("名册.xlsx", xlsx_bytes(rows)))
        wait_until(lambda: Job.objects.get(pk=job.pk).state in FINISHED, timeout=90, what="the job to end")
        job.refresh_from_db()
        assert job.state == JobState.DONE, (job.message, job.errors)
        assert Deputy.objects.count() == 4
        # Queued again (a redelivery): the worker leaves the finished job alone.
        finished_at = job.finished_at
        services.queue(job.pk)
        wait_until(lambda: b"succeeded" in b"".join(p.read_bytes() for p in tmp_path.glob("worker*.log"))
                   and (b"".join(p.read_bytes() for p in tmp_path.glob("worker*.log"))).count(b"succeeded") >= 2,
                   timeout=60, what="the second run")
        job.refresh_from_db()
        assert job.finished_at == finished_at and Deputy.objects.count() == 4
    finally:
        worker.stop_all()
