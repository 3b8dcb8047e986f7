"""SMS backends. The Celery/notifications work fills this in."""
import logging

logger = logging.getLogger(__name__)


class LoggingSmsBackend:
    def send(self, *, phone, text):
        logger.info("SMS to %s: %s", phone, text)
