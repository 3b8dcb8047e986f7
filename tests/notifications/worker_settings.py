"""Settings of the real Celery worker the reliability tests start: the test
settings, with email and SMS going to a file sink the test reads (every
hand-off is one line, so a resend would show)."""
from congress_portal.settings.test import *  # noqa: F401,F403

EMAIL_BACKEND = "tests.notifications.sink.SinkEmailBackend"
SMS_BACKEND = "tests.notifications.sink.SinkSmsBackend"
