"""bin/bench imports: how fast hostile or oversized xlsx files are refused.

1. a zip bomb: a ~1 MB xlsx whose sheet unpacks to 1 GB (the finding: 2 GB of
   memory and 5 minutes);
2. a 1,000,000-row roster (the finding: no answer in 7 minutes): refused at
   the first row past PORTAL_IMPORT_MAX_ROWS;
3. with --roster FILE, a real roster read through the guarded reader.

Each goes through the roster import's own path (deputies.resources.read_xlsx
then deputies.services.import_deputies) in a child process, so that its peak
memory is its own. Nothing is written: every file is refused or dry-run."""
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SHEET = "xl/worksheets/sheet1.xml"
CHUNK = b" " * 2**20


def _scaffold():
    """An openpyxl workbook with the roster header, as bytes."""
    from openpyxl import Workbook

    from deputies.sheet import COLUMNS

    workbook = Workbook()
    workbook.active.append([c.source_header for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write(path, sheet_chunks):
    with zipfile.ZipFile(io.BytesIO(_scaffold())) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != SHEET:
                target.writestr(item.filename, source.read(item.filename))
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk)


def _bomb(unpacked_mib):
    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    for _n in range(unpacked_mib):
        yield CHUNK
    yield b"</sheetData></worksheet>"


def _million_rows(rows):
    from deputies.sheet import COLUMNS

    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    yield "".join(f'<c t="inlineStr"><is><t>{c.source_header}</t></is></c>' for c in COLUMNS).encode()
    yield b"</row>"
    batch = []
    for number in range(2, rows + 2):
        batch.append(f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>43010419750601{number % 10000:04d}</t></is></c>'
                     f'<c r="B{number}" t="inlineStr"><is><t>代表{number}</t></is></c></row>')
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()
    yield b"</sheetData></worksheet>"


CHILD = """
import sys, time, resource, django
django.setup()
from django.core.exceptions import ValidationError
from deputies.resources import read_xlsx
from deputies.services import import_deputies
started = time.monotonic()
try:
    header, rows = read_xlsx(sys.argv[1])
    report = import_deputies(header=header, rows=rows, dry_run=True)
    answer = report.summary()
except ValidationError as exc:
    answer = exc.messages[0]
print(f"{time.monotonic() - started:.1f}\\t{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}\\t{answer}")
"""


class Command(BaseCommand):
    help = "Benchmark: time and memory to refuse a zip bomb and a 1,000,000-row roster (and to read a real one)."

    def add_arguments(self, parser):
        parser.add_argument("--bomb-mib", type=int, default=1024, help="unpacked size of the zip bomb")
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--roster", help="also read this roster (dry run)")

    def handle(self, *args, bomb_mib, rows, roster=None, **options):
        folder = tempfile.mkdtemp(prefix="bench-imports-")
        cases = []
        bomb = os.path.join(folder, "bomb.xlsx")
        _write(bomb, _bomb(bomb_mib))
        cases.append((f"zip bomb ({bomb_mib:,} MiB unpacked)", bomb))
        big = os.path.join(folder, "rows.xlsx")
        _write(big, _million_rows(rows))
        cases.append((f"{rows:,}-row roster", big))
        if roster:
            cases.append(("roster " + os.path.basename(roster), roster))
        w = self.stdout.write
        w(f"cores: {os.cpu_count()}; limits: {self._limits()}")
        for label, path in cases:
            started = time.monotonic()
            child = subprocess.run([sys.executable, "-c", CHILD, path], cwd=settings.BASE_DIR, capture_output=True,
                                   text=True, env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)})
            if child.returncode:
                raise CommandError(child.stderr[-3000:])
            seconds, peak, answer = child.stdout.strip().splitlines()[-1].split("\t", 2)
            w(f"{label}: {os.path.getsize(path) / 2**20:.1f} MiB file")
            w(f"  answered in {seconds} s (process {time.monotonic() - started:.1f} s), peak memory {peak} MiB")
            w(f"  answer: {answer}")
        for _label, path in cases[:2]:
            os.remove(path)
        os.rmdir(folder)

    def _limits(self):
        from congress_portal.xlsx_reader import limits

        return ", ".join(f"{key}={value:,}" for key, value in limits().items())
