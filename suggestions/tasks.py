"""Celery tasks for the periodic notices of suggestions (scheduled by
django-celery-beat; see ``manage.py setup_schedules``; the daily reminder scan
over every app is ``congress_portal.notifications.tasks.scan_reminders``).
Each calls one function of suggestions.notices and is safe to run twice: what
it says is recorded once per recipient, item, kind and period. ``today`` (an
ISO date) is for running a past or future day by hand; the beat passes nothing."""
import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import notices, summary

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


def _day(today):
    return datetime.date.fromisoformat(today) if today else None


@shared_task(**RETRY)
def send_monthly_notices(today=None):
    return notices.send_monthly_notices(today=_day(today))


@shared_task(**RETRY)
def send_results_notices(today=None):
    return notices.send_results_notices(today=_day(today))


@shared_task(**RETRY)
def refresh_dashboard_summary():
    """Recount the dashboard's summary rows (suggestions.summary)."""
    return summary.refresh_summary()
