"""The one task of background jobs: an id in, ``services.run_job``, safe to
run twice (the job is claimed by a conditional UPDATE; a finished job is not
redone). acks_late with reject-on-worker-lost: a job whose worker died is
given to another worker, which claims it once its heartbeat is stale."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def run_job(job_id):
    job = services.run_job(job_id=job_id)
    return job.state if job is not None else None
