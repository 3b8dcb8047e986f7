"""Demo background jobs for ``staff`` (我的后台任务): an Excel export of the
province's suggestions, done, with its file; and a roster import refused
because one row is bad, with the error listed by row and column and nothing
written. Both are run here, in this process, as a worker would run them.
Idempotent: each is made only when ``staff`` has no job of its kind."""
import io

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from openpyxl import load_workbook

from congress_portal.accounts.models import User
from congress_portal.accounts.roles import congress_of
from congress_portal.jobs import services
from congress_portal.jobs.models import Job
from deputies.jobs import ROSTER_IMPORT
from deputies.models import Mandate
from deputies.resources import write_xlsx
from suggestions.jobs import EXPORT

DEMO_FILE = "代表名册（示例，含一处错误）.xlsx"


class Command(BaseCommand):
    help = "Demo background jobs (an export and a refused roster import) for the staff login."

    def handle(self, *args, **options):
        staff = User.objects.filter(username="staff").first()
        if staff is None:
            return
        mine = Job.objects.filter(started_by=staff)
        if not mine.filter(kind=EXPORT).exists():
            export = Job.objects.create(kind=EXPORT, started_by=staff, congress=congress_of(staff), params={"filter": {}})
            services.run_job(job_id=export.pk)
            self.stdout.write(f"background job #{export.pk}: export of the suggestions")
        if not mine.filter(kind=ROSTER_IMPORT).exists():
            roster = Job(kind=ROSTER_IMPORT, started_by=staff, congress=congress_of(staff),
                         params={"confirm_changes": False}, input_name=DEMO_FILE)
            roster.input_file.save(DEMO_FILE, ContentFile(_roster_with_one_bad_row()), save=False)
            roster.save()
            services.run_job(job_id=roster.pk)
            self.stdout.write(f"background job #{roster.pk}: a roster import refused for one bad row")


def _roster_with_one_bad_row():
    """Three mandates of the demo roster as exported, the second with a level no congress has."""
    out = io.BytesIO()
    write_xlsx(out, Mandate.objects.filter(pk__in=list(Mandate.objects.order_by("pk").values_list("pk", flat=True)[:3])))
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=header.index("层级") + 1, value="州")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
