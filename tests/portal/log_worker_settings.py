"""Settings of the real Celery worker test_log_masking starts: the test
settings, SMS written to the log as in the demo, and the task that logs."""
from congress_portal.settings.test import *  # noqa: F401,F403

SMS_BACKEND = "congress_portal.notifications.sms.LoggingSmsBackend"
CELERY_IMPORTS = ["tests.portal.log_tasks"]
