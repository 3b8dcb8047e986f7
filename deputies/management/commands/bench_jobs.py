"""bin/bench jobs: the roster import of 140,000 deputies as a background job.

1. builds the province's structure and writes an xlsx of N deputies (as
   ``bench_deputies_import`` does);
2. starts the job as the upload page does (the file stored, the row written;
   the queueing is left out) and times that part: it is all the web request does;
3. runs the job (``congress_portal.jobs.services.run_job``, what the Celery
   task calls) in a child process, so that its peak memory is its own, while
   this process reads the job's row every half second as the job's page does:
   how often the page saw the bar move, in the check pass and in the write
   pass (whose one transaction reports through a connection of its own).

It empties the deputies tables first, so it refuses to run on a database
whose name does not contain "bench"."""
import os
import resource
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from congress_portal.accounts.models import Role, User
from congress_portal.jobs import services as job_services
from congress_portal.jobs.models import Job, JobState
from deputies import seeding
from deputies.jobs import ROSTER_IMPORT
from deputies.models import Deputy, Mandate

from .bench_deputies_import import Command as ImportBench

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = "Benchmark: the 140,000-deputy roster import run as a background job (rows/s, peak memory, progress seen)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=140_000)
        parser.add_argument("--file", help="import this xlsx instead of generating one (kept)")
        parser.add_argument("--run-job", type=int, help=argparse_hidden())

    def handle(self, *args, people, file=None, run_job=None, **options):
        if run_job is not None:
            return self._child(run_job)
        name = settings.DATABASES["default"]["NAME"]
        if "bench" not in str(name):
            raise CommandError(f"refusing to empty the deputies tables of {name!r}: run it through bin/bench")
        ImportBench._empty(self)
        plan = seeding.Plan.scale(people)
        with transaction.atomic():
            province = seeding.build_province(plan)
        path = file
        if not path:
            path = os.path.join(tempfile.mkdtemp(prefix="bench-jobs-"), "deputies.xlsx")
            started = time.monotonic()
            rows = ImportBench._write(self, path, seeding.DeputyGenerator(province, plan).rows())
            self.stdout.write(f"generated {path}: {rows:,} rows, {os.path.getsize(path) / 2**20:.1f} MiB "
                              f"in {time.monotonic() - started:.1f}s")
        staff, _created = User.objects.get_or_create(
            username="bench-jobs", defaults={"role": Role.STAFF, "is_staff": True, "display_name": "bench"}
        )

        # What the upload request does: store the file, write the row (queueing left out).
        started = time.monotonic()
        saved_queue = job_services.queue
        job_services.queue = lambda job_id: None
        try:
            with transaction.atomic(), open(path, "rb") as handle:
                job = job_services.start_job(kind=ROSTER_IMPORT, actor=staff, upload=File(handle, name="deputies.xlsx"))
        finally:
            job_services.queue = saved_queue
        request_seconds = time.monotonic() - started

        # The worker's part, in a child process; this one polls like the page.
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "manage.py", "bench_jobs", "--run-job", str(job.pk)], cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        seen = []
        while child.poll() is None:
            seen.append((time.monotonic() - started, *Job.objects.values_list("state", "phase", "done", "total").get(pk=job.pk)))
            time.sleep(POLL_SECONDS)
        out, err = child.communicate()
        wall = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if child.returncode:
            raise CommandError(err[-3000:])
        job.refresh_from_db()
        if job.state != JobState.DONE:
            raise CommandError(f"job ended {job.state}: {job.message} {job.errors[:5]}")
        rows = dict(job.result["summary"]).get("行数") or next(iter(dict(job.result["summary"]).values()))

        w = self.stdout.write
        w("")
        w(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), cores: {os.cpu_count()}")
        w(f"roster import as a background job: {rows:,} rows -> {Deputy.objects.count():,} deputies, "
          f"{Mandate.objects.count():,} mandates")
        w(f"  the upload request (store {os.path.getsize(path) / 2**20:.1f} MiB, write the job row): {request_seconds:.2f} s")
        w(f"  the job, start to done   {wall:8.1f} s   ({rows / wall:,.0f} rows/s; includes the child's start-up)")
        w(f"  peak memory              {usage.ru_maxrss / 1024:8.0f} MiB  (max RSS of the worker process)")
        for line in out.strip().splitlines():
            w(f"  {line.strip()}")
        self._progress_seen(seen)
        job.input_file.delete(save=False)
        if not file:
            os.remove(path)

    def _progress_seen(self, seen):
        w = self.stdout.write
        w(f"  the job's row read every {POLL_SECONDS} s ({len(seen)} reads), as the page's poll would see it:")
        by_phase = {}
        for at, state, phase, done, total in seen:
            if state != JobState.RUNNING:
                continue
            by_phase.setdefault(phase, []).append((at, done, total))
        for phase, samples in by_phase.items():
            values = [done for _at, done, _total in samples]
            moves = sum(1 for a, b in zip(values, values[1:]) if b != a)
            gaps, last_at, last_value = [], samples[0][0], values[0]
            for at, done, _total in samples[1:]:
                if done != last_value:
                    gaps.append(at - last_at)
                    last_at, last_value = at, done
            w(f"    {phase or '(starting)'}: {samples[-1][0] - samples[0][0]:6.1f} s, {len(set(values))} distinct values "
              f"({min(values):,} .. {max(values):,} of {samples[-1][2] or '?'}), moved {moves} times, "
              f"longest still {max(gaps, default=0):.1f} s")

    def _child(self, job_id):
        calls = []
        from congress_portal.jobs.progress import Progress

        progress = Progress(job_id)
        started = time.monotonic()
        phase_started = {}

        def report(phase, done, total=None):
            phase_started.setdefault(phase, time.monotonic())
            calls.append(phase)
            progress(phase, done, total)

        try:
            job = job_services.run_job(job_id=job_id, progress=report)
        finally:
            progress.close()
        elapsed = time.monotonic() - started
        marks = sorted(phase_started.items(), key=lambda item: item[1]) + [("end", started + elapsed)]
        rows = dict(job.result.get("summary") or []).get("行数") or 0
        self.stdout.write(f"run_job in the worker process: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), state {job.state}, "
                          f"{len(calls)} progress reports ({progress.reports} written)")
        for (phase, at), (_next, until) in zip(marks, marks[1:]):
            self.stdout.write(f"  {phase}: {until - at:.1f} s")
        self.stdout.write(f"peak memory of run_job's process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
