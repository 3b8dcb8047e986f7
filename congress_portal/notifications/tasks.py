"""Celery tasks of the notifications part: ids in, a service call, safe to run
twice (acks_late with reject-on-worker-lost is set for all tasks in settings:
a task whose worker died runs again, and a rerun sends nothing twice because
each send is claimed in the database first)."""
import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import registry, services

# An unreachable database is retried by Celery with a short back-off; a
# failing channel is recorded on the Delivery and retried by the sweeper. A
# send whose result could not be recorded keeps its claim: the retried task
# skips it and the sweeper reconciles it. The longest back-off (120 s) must
# stay below the broker's visibility timeout (settings).
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=INFRASTRUCTURE_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def send_deliveries(delivery_ids):
    results = {"sent": 0, "failed": 0, "skipped": 0}
    for delivery_id in delivery_ids:
        results[services.send_delivery(delivery_id=delivery_id)] += 1
    return results


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=INFRASTRUCTURE_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def scan_reminders(today=None):
    """The daily scan over every app's registered notices (scheduled by
    django-celery-beat; ``today`` an ISO date for running a day by hand)."""
    result = registry.scan(today=datetime.date.fromisoformat(today) if today else None)
    return {"found": len(result.messages), "recorded": result.recorded}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_due_deliveries(pending_grace_seconds=120, stale_claim_seconds=None):
    stale_after = None if stale_claim_seconds is None else datetime.timedelta(seconds=stale_claim_seconds)
    return services.dispatch_due_deliveries(
        pending_grace=datetime.timedelta(seconds=pending_grace_seconds), stale_after=stale_after
    )
