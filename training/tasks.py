"""Celery tasks: take plain values, call a service, safe to run twice."""
from celery import shared_task

from . import services


@shared_task(name="training.refresh_duty_records")
def refresh_duty_records(year, congress_id=None):
    """Recompute the stored duty records of a year, of one congress (None: of
    every congress); an upsert: running it twice leaves the same rows."""
    return services.refresh_duty_records(year=int(year), congress_id=int(congress_id) if congress_id else None)
