"""bin/bench deputies_import: import a generated xlsx of 140,000 deputies.

1. builds the province's structure (areas, congresses, terms, electoral units,
   delegations) and writes an xlsx of N deputies with their mandates;
2. imports a 10,000-row slice with django-import-export's stock row-by-row
   loop and with the bulk path (both rolled back), for the ratio;
3. imports the whole file with ``manage.py import_deputies`` in a child
   process and prints its wall time and peak memory (max RSS).

It empties the deputies tables first, so it refuses to run on a database
whose name does not contain "bench"."""
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time

import tablib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from deputies import seeding
from deputies.models import AdministrativeArea, Deputy, Mandate
from deputies.resources import DeputyMandateResource, read_xlsx
from deputies.services import import_deputies

DEPUTIES_TABLES = (
    "deputies_historicalmandate", "deputies_historicaldeputy", "deputies_deputygroupmembership", "deputies_deputygroup",
    "deputies_mandate", "deputies_deputy", "deputies_unitcontact", "deputies_electoralunit", "deputies_delegation",
    "deputies_session", "deputies_term", "deputies_congress", "deputies_administrativearea",
)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark: bulk xlsx import of N deputies (default 140,000) against django-import-export's row-by-row import."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=140_000)
        parser.add_argument("--slice", type=int, default=10_000, help="rows for the row-by-row comparison")
        parser.add_argument("--file", help="keep the generated xlsx here")

    def handle(self, *args, people, slice, file=None, **options):
        name = settings.DATABASES["default"]["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"refusing to empty the deputies tables of {name!r}: run it through bin/bench")
        self._empty()
        plan = seeding.Plan.scale(people)
        started = time.monotonic()
        with transaction.atomic():
            province = seeding.build_province(plan)
        self.stdout.write(f"province structure: {AdministrativeArea.objects.count()} areas in {time.monotonic() - started:.1f}s")

        path = file or os.path.join(tempfile.mkdtemp(prefix="bench-deputies-"), "deputies.xlsx")
        started = time.monotonic()
        rows = self._write(path, seeding.DeputyGenerator(province, plan).rows())
        self.stdout.write(
            f"generated {path}: {people:,} deputies, {rows:,} rows (one per mandate), "
            f"{os.path.getsize(path) / 2**20:.1f} MiB, in {time.monotonic() - started:.1f}s"
        )

        # The same slice both ways, rolled back each time.
        header, numbered = read_xlsx(path)
        sample = list(itertools.islice(numbered, slice))
        dataset = tablib.Dataset(*[values for _n, values in sample], headers=header)
        started = time.monotonic()
        result = DeputyMandateResource(fast=False).import_data(dataset, dry_run=True)
        row_by_row = time.monotonic() - started
        if result.has_errors() or result.has_validation_errors():
            raise CommandError(f"row-by-row import failed: {result.base_errors or result.invalid_rows[:3]}")
        started = time.monotonic()
        try:
            with transaction.atomic():
                report = import_deputies(header=header, rows=iter(sample))
                raise Rollback
        except Rollback:
            pass
        bulk_slice = time.monotonic() - started
        assert Deputy.objects.count() == 0
        del sample, dataset, result

        # The whole file, in a fresh process so that its peak memory is its own.
        started = time.monotonic()
        child = subprocess.run(
            [sys.executable, "manage.py", "import_deputies", path, "--verbosity", "2"], cwd=settings.BASE_DIR, capture_output=True, text=True
        )
        wall = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mib = usage.ru_maxrss / 1024
        if child.returncode:
            raise CommandError(child.stderr[-3000:])
        deputies, mandates = Deputy.objects.count(), Mandate.objects.count()

        w = self.stdout.write
        w("")
        w(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), cores: {os.cpu_count()}")
        w(f"full import (manage.py import_deputies, bulk path): {rows:,} rows -> {deputies:,} deputies, {mandates:,} mandates")
        w(f"  wall time   {wall:8.1f} s    (target < 120 s)")
        w(f"  peak memory {peak_mib:8.0f} MiB  (max RSS of the import process; target < 1024 MiB)")
        w(f"  cpu time    {usage.ru_utime + usage.ru_stime:8.1f} s    (the import process; PostgreSQL's own work is not in it)")
        for line in child.stdout.strip().splitlines():
            w(f"  {line.strip()}")
        w(f"{slice:,}-row slice of the same file (rolled back; bulk: {report.summary()}):")
        w(f"  django-import-export row by row  {row_by_row:8.1f} s   ({slice / row_by_row:,.0f} rows/s)")
        w(f"  bulk path (same checks)          {bulk_slice:8.1f} s   ({slice / bulk_slice:,.0f} rows/s)")
        w(f"  ratio                            {row_by_row / bulk_slice:8.1f} x")
        w(f"  row by row, extrapolated to the whole file: ~{row_by_row * rows / slice / 60:.0f} min")
        if not file:
            os.remove(path)

    def _empty(self):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(DEPUTIES_TABLES) + " RESTART IDENTITY CASCADE")

    def _write(self, path, rows):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("代表名册")
        sheet.append(seeding.header())
        count = 0
        for values in rows:
            sheet.append(values)
            count += 1
        workbook.save(path)
        return count
