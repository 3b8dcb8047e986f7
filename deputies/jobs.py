"""The deputies app's background job: the roster import of an uploaded xlsx
(``services.import_deputies``, the same path as the command and the admin),
run by a worker with its progress on the job's page. The file is checked by
the guarded reader; any bad row refuses the whole file, listed by row and
column on the result page, and nothing is written."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles
from congress_portal.jobs import services as job_services
from congress_portal.jobs.registry import JobKind, JobOutcome, JobRefused
from congress_portal.uploads import check_upload
from congress_portal.xlsx_reader import SpreadsheetRefused, limits, open_sheet

from .permissions import can_import_deputies
from .services import ImportRefused, import_deputies

ROSTER_IMPORT = "deputies.roster_import"
# Errors handed to the job's result page (the job keeps the first few hundred).
ERRORS_PASSED = 1000
# The job's page hears of the check pass this often (rows); each report is one UPDATE.
PROGRESS_EVERY = 2000


def start_roster_import(*, actor, upload, confirm_changes=False):
    """Check the upload (an .xlsx within the import size limit) and queue its import."""
    check_upload(upload, types=("xlsx",), max_bytes=limits()["max_bytes"])
    return job_services.start_job(
        kind=ROSTER_IMPORT, actor=actor, congress=roles.congress_of(actor), upload=upload,
        params={"confirm_changes": bool(confirm_changes)},
    )


def confirm_roster_changes(*, job, actor):
    """Import the same file again, writing the listed changes to people already in the roster."""
    if job.kind != ROSTER_IMPORT or not (job.result or {}).get("can_confirm"):
        raise ValidationError(_("该任务没有待确认的修改。"))
    return job_services.restart_with(job=job, actor=actor, params={"confirm_changes": True})


def _refused_by_reader(refused):
    return JobRefused(
        _("文件被拒绝，未写入任何数据。"),
        errors=[{"row": 0, "column": "", "message": message} for message in refused.messages],
    )


def run_roster_import(*, job, progress):
    confirm = bool(job.params.get("confirm_changes"))
    # Opening the workbook reads its shared strings whole (seconds for a province's roster).
    progress(_("读取文件"), 0, None)
    try:
        with job.input_file.open("rb") as handle, open_sheet(handle) as sheet:
            report = import_deputies(
                header=sheet.header, rows=sheet.rows, actor=job.started_by, file_name=job.input_name,
                confirm_changes=confirm, progress=progress, progress_every=PROGRESS_EVERY,
                expected_rows=sheet.declared_rows,
            )
    except SpreadsheetRefused as refused:
        raise _refused_by_reader(refused) from None
    except ImportRefused as refused:
        report = refused.report
        changes = len(report.person_changes)
        message = _("文件被拒绝：%(rows)d行共%(errors)d处错误，未写入任何数据。") % {
            "rows": len(report.bad_rows), "errors": len(report.errors),
        }
        raise JobRefused(
            message,
            errors=[{"row": e.row, "column": e.column, "message": e.message} for e in report.errors[:ERRORS_PASSED]],
            error_count=len(report.errors),
            summary=[(_("检查行数"), report.rows)],
            extra={"person_changes": changes, "can_confirm": bool(changes) and not confirm
                   and len(report.errors) == changes},
        ) from None
    except ValidationError as exc:  # the roster changed meanwhile
        raise JobRefused("；".join(exc.messages)) from None
    return JobOutcome(
        message=_("代表名册已导入。") + report.summary(),
        summary=[
            (_("行数"), report.rows),
            (_("新增代表"), report.deputies_created),
            (_("更新代表"), report.deputies_updated),
            (_("未变代表"), report.deputies_unchanged),
            (_("新增代表资格"), report.mandates_created),
            (_("更新代表资格"), report.mandates_updated),
            (_("未变代表资格"), report.mandates_unchanged),
        ],
    )


KINDS = [
    JobKind(
        name=ROSTER_IMPORT, label=gettext_lazy("代表名册导入"), run=run_roster_import, may_start=can_import_deputies,
        result_template="deputies/jobs/_roster_result.html",
    ),
]
