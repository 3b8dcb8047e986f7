"""The Celery app. The broker comes from the environment (Redis in production,
kombu's filesystem transport in the demo, so a newcomer needs no servers)."""
import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from congress_portal.logging import mask_every_handler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_portal.settings.development")

app = Celery("congress_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_worker_logs(**kwargs):
    """The worker drops the root handlers Django's LOGGING set up (and their
    masking) and installs its own, plus one on the task logger: mask those too."""
    mask_every_handler()
