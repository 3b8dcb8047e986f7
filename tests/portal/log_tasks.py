"""A task that logs personal numbers every way a worker does: the SMS backend's
line, the task logger, a module logger's exception, and an exception the task
raises (Celery logs it with its traceback)."""
import logging

from celery import shared_task
from celery.utils.log import get_task_logger

from congress_portal.notifications.sms import get_sms_backend

logger = logging.getLogger(__name__)
task_logger = get_task_logger(__name__)


@shared_task(name="tests.portal.log_personal_numbers")
def log_personal_numbers(phone, id_number):
    get_sms_backend().send(phone=phone, text="【人大代表工作】测试", idempotency_key="log-masking")
    task_logger.info("looking up deputy %s", id_number)
    try:
        raise ValueError(f"no mandate for {id_number}, phone {phone}")
    except ValueError:
        logger.exception("lookup failed")
    raise LookupError(f"deputy {id_number} with phone {phone} not found")
