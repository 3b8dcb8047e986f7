"""manage.py import_deputies FILE.xlsx: the same bulk import as the admin's.

A sheet with any bad row is refused whole; each bad row is listed by its
Excel row number and column, and nothing is written. A file that is not a
readable xlsx within the import limits (congress_portal.xlsx_reader) gets one
clear message. Changes to people already in the roster (same ID number, other
name or personal data) are listed and written only with --confirm-changes.
Every refusal exits with status 1 (CommandError), never a traceback."""
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congress_portal.xlsx_reader import SpreadsheetRefused
from deputies.resources import read_xlsx
from deputies.services import ImportRefused, import_deputies


class Command(BaseCommand):
    help = "从 xlsx 文件导入代表及其代表资格（有错误行则整个文件不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file (one row per mandate; header in row 1)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--confirm-changes", action="store_true",
            help="apply changes to people already in the roster (name or personal data); listed by --dry-run",
        )

    def handle(self, *args, file, dry_run=False, confirm_changes=False, **options):
        try:
            header, rows = read_xlsx(file)
            report = import_deputies(
                header=header, rows=rows, actor=None, dry_run=dry_run, file_name=os.path.basename(file),
                confirm_changes=confirm_changes,
            )
        except SpreadsheetRefused as refused:
            for message in refused.messages:
                self.stderr.write(message)
            raise CommandError(_("文件被拒绝：%(file)s，未写入任何数据。") % {"file": file}) from None
        except ImportRefused as refused:
            for error in refused.report.errors:
                self.stderr.write(str(error))
            message = _("文件被拒绝：%(rows)d行共%(errors)d处错误，未写入任何数据。") % {
                "rows": len(refused.report.bad_rows), "errors": len(refused.report.errors)
            }
            if refused.report.person_changes and not confirm_changes:
                message += _("核对无误后，加 --confirm-changes 重新导入即可写入以上修改。")
            raise CommandError(message) from None
        except ValidationError as exc:  # e.g. the roster changed meanwhile
            raise CommandError("；".join(exc.messages)) from None
        for change in report.person_changes:
            self.stdout.write(str(change))
        self.stdout.write((_("［仅检查］") if dry_run else "") + report.summary())
        if options.get("verbosity", 1) > 1:
            for phase, seconds in report.timings.items():
                self.stdout.write(f"  {phase}: {seconds:.1f}s")
