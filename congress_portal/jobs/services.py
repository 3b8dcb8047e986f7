"""Writes of background jobs: start one (the row, the stored input file, the
task queued after commit) and run one (claim, call the kind's function,
record the outcome). Each step is its own short transaction; the job's own
writes are the kind's business (the roster import keeps its one transaction)."""
import datetime
import logging

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .models import Job, JobState
from .progress import Progress

logger = logging.getLogger(__name__)

RUN_TASK = "congress_portal.jobs.tasks.run_job"
# Errors kept on the row for the result page (a refused file may have one per row).
ERRORS_KEPT = 500


def stale_after():
    """A running job whose last report is older than this was lost with its
    worker (killed, restarted): it may be claimed again."""
    return datetime.timedelta(seconds=getattr(settings, "PORTAL_JOB_STALE_SECONDS", 300))


def start_job(*, kind, actor, congress=None, params=None, upload=None):
    """Record a job of ``kind`` for ``actor`` and queue it after commit.
    ``upload`` (an uploaded file, already checked by the caller's form) is
    stored under a random name for the job to read."""
    job_kind = registry.get(kind)
    if not job_kind.may_start(actor):
        raise PermissionDenied(_("您没有发起“%(kind)s”的权限。") % {"kind": job_kind.label})
    job = Job(kind=kind, started_by=actor, congress=congress, params=params or {})
    if upload is not None:
        job.input_name = (getattr(upload, "name", "") or "")[:255]
        job.input_file.save(job.input_name or "upload", upload, save=False)
    job.save()
    transaction.on_commit(lambda: queue(job.pk))
    return job


def queue(job_id):
    current_app.tasks[RUN_TASK].delay(job_id)


def restart_with(*, job, actor, params):
    """A new job of the same kind and input file with other parameters (a
    refused roster import run again with the listed changes confirmed)."""
    job_kind = registry.get(job.kind)
    if not job_kind.may_start(actor):
        raise PermissionDenied(_("您没有发起“%(kind)s”的权限。") % {"kind": job_kind.label})
    again = Job.objects.create(
        kind=job.kind, started_by=actor, congress=job.congress, params={**job.params, **params},
        input_file=job.input_file.name, input_name=job.input_name,
    )
    transaction.on_commit(lambda: queue(again.pk))
    return again


def _claim(job_id, now):
    """Queued, or running but lost: mark running. One caller wins (the
    conditional UPDATE); a job already running or finished is left alone."""
    with transaction.atomic():
        claimable = Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, heartbeat_at__lt=now - stale_after())
        return Job.objects.filter(claimable, pk=job_id).update(
            state=JobState.RUNNING, started_at=now, heartbeat_at=now, phase="", done=0, total=None,
        )


def run_job(*, job_id, progress=None):
    """Run the job once: a job already done, failed or being run is not
    redone. Returns the job as it ended, or None when it was not run."""
    if not _claim(job_id, timezone.now()):
        return None
    job = Job.objects.select_related("started_by", "congress").get(pk=job_id)
    kind = registry.get(job.kind)
    reporter = progress or Progress(job_id)
    try:
        outcome = kind.run(job=job, progress=reporter)
    except registry.JobRefused as refused:
        _finish(job_id, state=JobState.FAILED, message=refused.message, summary=refused.summary,
                errors=refused.errors, error_count=refused.error_count, extra=refused.extra)
    except Exception:  # noqa: BLE001 - the page must say it ended; the log has the traceback
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, state=JobState.FAILED, message=_("任务执行出错，没有完成。请重新发起，或联系系统管理员。"))
    else:
        _finish(job_id, state=JobState.DONE, message=outcome.message, summary=outcome.summary, output=outcome.output,
                extra=outcome.extra)
    finally:
        if hasattr(reporter, "close"):
            reporter.close()
    return Job.objects.get(pk=job_id)


def _finish(job_id, *, state, message="", summary=(), errors=(), error_count=0, output=None, extra=None):
    now = timezone.now()
    job = Job.objects.get(pk=job_id)
    if output is not None:
        name, content = output
        job.output_name = name[:255]
        try:
            job.output_file.save(name, content, save=False)
        finally:
            content.close()
    job.state = state
    job.message = message
    job.result = {**(extra or {}), "summary": [[str(label), value] for label, value in summary]}
    job.errors = [
        {"row": e.get("row") or 0, "column": str(e.get("column") or ""), "message": str(e.get("message") or "")}
        for e in list(errors)[:ERRORS_KEPT]
    ]
    job.error_count = max(error_count, len(job.errors))
    job.finished_at = now
    job.heartbeat_at = now
    if state == JobState.DONE and job.total:
        job.done = job.total
    with transaction.atomic():
        job.save(update_fields=[
            "output_name", "output_file", "state", "message", "result", "errors", "error_count", "finished_at",
            "heartbeat_at", "done",
        ])
