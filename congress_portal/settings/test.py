"""The test suite. DATABASE_URL and CELERY_BROKER_URL are set by bin/test
(PostgreSQL and Redis when reachable, SQLite and an in-memory broker otherwise)."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "congress_portal.notifications.sms.LoggingSmsBackend"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
