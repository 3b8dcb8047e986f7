"""The Celery app. The broker comes from the environment (Redis in production,
kombu's filesystem transport in the demo, so a newcomer needs no servers)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_portal.settings.development")

app = Celery("congress_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
