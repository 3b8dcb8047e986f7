"""Celery tasks for suggestion reminders and notices (scheduled by
django-celery-beat; see ``manage.py setup_schedules``). Each calls one
function of suggestions.reminders and is safe to run twice: what it says is
recorded once per recipient, item, kind and stage or period."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import reminders

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


@shared_task(**RETRY)
def scan_reminders():
    result = reminders.scan()
    return {"found": len(result.messages), "recorded": result.recorded}


@shared_task(**RETRY)
def send_monthly_notices():
    return reminders.send_monthly_notices()


@shared_task(**RETRY)
def send_results_notices():
    return reminders.send_results_notices()
