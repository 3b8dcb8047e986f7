"""manage.py import_deputies FILE.xlsx: the same bulk import as the admin's.

A sheet with any bad row is refused whole; each bad row is listed by its
Excel row number and column, and nothing is written."""
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from deputies.resources import read_xlsx
from deputies.services import ImportRefused, import_deputies


class Command(BaseCommand):
    help = "从 xlsx 文件导入代表及其代表资格（有错误行则整个文件不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file (one row per mandate; header in row 1)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            header, rows = read_xlsx(file)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(_("无法读取 %(file)s：%(error)s") % {"file": file, "error": exc}) from exc
        try:
            report = import_deputies(
                header=header, rows=rows, actor=None, dry_run=dry_run, file_name=os.path.basename(file)
            )
        except ImportRefused as refused:
            for error in refused.report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("文件被拒绝：%(rows)d行共%(errors)d处错误，未写入任何数据。")
                % {"rows": len(refused.report.bad_rows), "errors": len(refused.report.errors)}
            ) from None
        self.stdout.write((_("［仅检查］") if dry_run else "") + report.summary())
        if options.get("verbosity", 1) > 1:
            for phase, seconds in report.timings.items():
                self.stdout.write(f"  {phase}: {seconds:.1f}s")
