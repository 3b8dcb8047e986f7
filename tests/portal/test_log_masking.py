"""No ID number or mobile number in the clear in any log (issue 13, finding 4):
not in messages, not in tracebacks, not in the Celery worker's log, whose root
handlers are the worker's own rather than those Django's LOGGING configured."""
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from congress_portal import celery_app
from congress_portal.logging import MaskingFormatter, MaskPersonalDataFilter, mask_text

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/15")
PHONE = "13812345678"
ID_NUMBER = "43010219750601123X"


def test_mask_text_keeps_the_ends_only():
    assert mask_text(f"{PHONE} {ID_NUMBER}") == "138****5678 430102***********X"


UNMASKED_HANDLERS = """
import logging
import django
from congress_portal.logging import MaskingFormatter, MaskPersonalDataFilter
django.setup()
for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
    for handler in getattr(logger, "handlers", []):
        if isinstance(handler, logging.NullHandler):  # writes nothing
            continue
        print("checked", handler)
        if not (any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters)
                and isinstance(handler.formatter, MaskingFormatter)):
            print("unmasked", logger.name, handler)
"""


def test_every_handler_django_configures_masks():
    # In a fresh process: pytest's own capture handlers sit on the root logger here.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "congress_portal.settings.test"}
    out = subprocess.run([sys.executable, "-c", UNMASKED_HANDLERS], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert "checked" in out  # Django's console, django.server, mail_admins
    assert "unmasked" not in out, out


def _console():
    """The handler settings.LOGGING puts on the root logger."""
    return next(h for h in logging.getLogger().handlers if h.name == "console")


def test_a_logged_traceback_is_masked():
    console = _console()
    try:
        raise ValueError(f"deputy {ID_NUMBER} phone {PHONE}")
    except ValueError:
        record = logging.getLogger("tests").makeRecord("tests", logging.ERROR, __file__, 1, "lookup of %s failed",
                                                       (PHONE,), sys.exc_info())
    assert console.filter(record)
    line = console.format(record)
    assert "Traceback" in line and "ValueError" in line
    assert PHONE not in line and ID_NUMBER not in line
    assert "lookup of 138****5678 failed" in line and "deputy 430102********" in line


def test_a_line_the_filter_cannot_see_is_masked_by_the_formatter():
    # Numbers the format string pulls in from elsewhere than the message.
    formatter = MaskingFormatter(logging.Formatter("%(phone)s %(message)s"))
    record = logging.makeLogRecord({"msg": "sent", "phone": PHONE})
    assert formatter.format(record) == "138****5678 sent"


@pytest.fixture
def broker():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    names = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(broker_url=REDIS_URL, broker_write_url=REDIS_URL, broker_read_url=REDIS_URL)
    celery_app._after_fork()  # drop producer pools bound to the old broker
    yield client
    celery_app.conf.update(saved)
    celery_app._after_fork()
    client.flushdb()


@pytest.fixture
def worker_log(broker, tmp_path):
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.portal.log_worker_settings",
        "CELERY_BROKER_URL": REDIS_URL,
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "congress_portal", "worker", "-c", "1",
             "--loglevel=INFO", "-n", f"logtest-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_for(log_path, proc, b" ready.")
        yield log_path, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_for(log_path, proc, marker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if marker in log_path.read_bytes():
            return
        if proc.poll() is not None:
            raise AssertionError(log_path.read_text())
        time.sleep(0.1)
    raise AssertionError(f"no {marker!r} in the worker log:\n{log_path.read_text()}")


@pytest.mark.redis
def test_the_celery_worker_log_masks_sms_recipients_and_tracebacks(worker_log):
    log_path, proc = worker_log
    celery_app.send_task("tests.portal.log_personal_numbers", args=[PHONE, ID_NUMBER])
    _wait_for(log_path, proc, b"LookupError")
    time.sleep(0.5)  # the rest of the traceback
    text = log_path.read_text()
    # Each way of logging reached the log...
    assert "SMS to 138****5678 [log-masking]" in text
    assert "looking up deputy 430102********" in text
    assert "lookup failed" in text and "ValueError: no mandate for 430102********" in text
    assert "raised unexpected" in text and "Traceback" in text
    # ...and neither number is there in the clear.
    assert PHONE not in text
    assert ID_NUMBER not in text
