"""The suggestions app's background jobs: the Excel export of a large
filtered list (the same ``excel.write_suggestions`` as the page's export,
without its row cap) and sending the month's 进度通报 now (the same
``notices.send_monthly_notices`` as the scheduled task)."""
import tempfile

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles
from congress_portal.jobs import services as job_services
from congress_portal.jobs.registry import JobKind, JobOutcome

from . import excel, notices, selectors
from .permissions import can_export, can_send_progress_notices

EXPORT = "suggestions.export"
MONTHLY_NOTICES = "suggestions.monthly_notices"
# Excel's own limit is 1,048,576 rows a sheet.
JOB_EXPORT_MAX_ROWS = 1_000_000
EXPORT_PROGRESS_EVERY = 2000
NOTICE_CHUNK = 200


def start_export(*, actor, params):
    """Queue the export of the staff list filtered by ``params`` (SuggestionFilter parameters)."""
    return job_services.start_job(kind=EXPORT, actor=actor, congress=roles.congress_of(actor), params={"filter": params})


def start_monthly_notices(*, actor):
    return job_services.start_job(kind=MONTHLY_NOTICES, actor=actor, congress=roles.congress_of(actor))


def run_export(*, job, progress):
    every = EXPORT_PROGRESS_EVERY
    queryset = selectors.staff_suggestion_list(user=job.started_by, params=job.params.get("filter") or {})
    queryset = queryset.order_by("-submitted_at", "-pk")
    progress(_("统计件数"), 0, None)
    total = min(queryset.count(), JOB_EXPORT_MAX_ROWS)  # once, in the worker
    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = excel.write_suggestions(out, queryset, max_rows=JOB_EXPORT_MAX_ROWS, progress=progress, total=total, every=every)
    out.seek(0)
    name = f"suggestions-{timezone.localdate():%Y%m%d}-{job.pk}.xlsx"
    return JobOutcome(
        message=_("已导出%(rows)d件建议。") % {"rows": rows},
        summary=[(_("导出件数"), rows)],
        output=(name, File(out, name=name)),
    )


def run_monthly_notices(*, job, progress):
    created = notices.send_monthly_notices(force=True, progress=progress, chunk=NOTICE_CHUNK)
    if created:
        message = _("已发出本月进度通报%(n)d份（承办单位的通报和给工作人员的汇总）。") % {"n": created}
    else:
        message = _("没有新发出的进度通报：本月的通报已经发过，或没有未办结建议的承办单位。")
    return JobOutcome(message=message, summary=[(_("新发出的通报"), created)])


KINDS = [
    JobKind(name=EXPORT, label=gettext_lazy("建议导出（Excel）"), run=run_export, may_start=can_export),
    JobKind(name=MONTHLY_NOTICES, label=gettext_lazy("立即发送本月进度通报"), run=run_monthly_notices,
            may_start=can_send_progress_notices),
]
