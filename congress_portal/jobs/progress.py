"""How far a running job is, written where the job's page can read it.

A job reports ``progress(phase, done, total)`` as often as it likes to say
(every few thousand rows). Each report is one short UPDATE of the job's row
in its own transaction. A job writing inside one long transaction (the
roster import's all-or-nothing write) would hide its reports until the end,
so from inside an atomic block the report goes through a second connection
of its own (PostgreSQL); SQLite (the demo) allows one writer at a time, so
there such reports are skipped and the page shows the last one made before.
"""
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from .models import Job, JobState


class Progress:
    def __init__(self, job_id):
        self.job_id = job_id
        self._side = None
        self.reports = 0
        # Transactions open when the job started are not the job's (a test's own).
        self._depth = len(connection.atomic_blocks)

    def __call__(self, phase, done, total=None):
        values = {"phase": str(phase)[:64], "done": max(0, int(done)), "total": total, "heartbeat_at": timezone.now()}
        if len(connection.atomic_blocks) <= self._depth:
            with transaction.atomic():
                Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(**values)
        elif connection.vendor == "postgresql":
            self._write_aside(values)
        else:
            return
        self.reports += 1

    def _write_aside(self, values):
        if self._side is None:
            # A connection of its own (autocommit), outside the job's transaction.
            default = connections[DEFAULT_DB_ALIAS]
            self._side = default.__class__(dict(default.settings_dict), alias="jobs-progress")
        table = Job._meta.db_table
        with self._side.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET phase = %s, done = %s, total = %s, heartbeat_at = %s WHERE id = %s AND state = %s',
                [values["phase"], values["done"], values["total"], values["heartbeat_at"], self.job_id, JobState.RUNNING],
            )

    def close(self):
        if self._side is not None:
            self._side.close()
            self._side = None
