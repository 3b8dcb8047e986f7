"""SMS backends: a small interface, like Django's mail backends.

``settings.SMS_BACKEND`` names the class. Every backend takes the phone, the
text and an idempotency key (the Delivery's key, the same on every attempt): a
gateway that honours client message ids drops a resend after a timeout whose
message did arrive. A backend that can say whether it took a key has
``lookup(*, idempotency_key)`` returning "sent", "not_sent" or None (cannot
tell): the portal asks it about a send whose result was never recorded
instead of sending again.
"""
import json
import logging
import threading
from collections import OrderedDict
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached; the send is retried."""


class BaseSmsBackend:
    def send(self, *, phone, text, idempotency_key):  # pragma: no cover - interface
        raise NotImplementedError

    # Optional: def lookup(self, *, idempotency_key) -> "sent" | "not_sent" | None


class LoggingSmsBackend(BaseSmsBackend):
    """The demo and the tests: writes the message to the log (the phone number
    is masked by the portal's logging filter).

    It remembers the keys this process handed over, so ``lookup`` answers
    "sent" for those; any other key may have gone out from another worker
    process, so the answer is None (cannot tell), never "not_sent". It keeps
    the latest ``remembered`` keys, like a gateway's idempotency window."""

    remembered = 100_000
    _handed_over = OrderedDict()
    _lock = threading.Lock()

    def send(self, *, phone, text, idempotency_key):
        logger.info("SMS to %s [%s]: %s", phone, idempotency_key, text)
        with self._lock:
            self._handed_over[str(idempotency_key)] = True
            while len(self._handed_over) > self.remembered:
                self._handed_over.popitem(last=False)

    def lookup(self, *, idempotency_key):
        with self._lock:
            return "sent" if str(idempotency_key) in self._handed_over else None


class HttpGatewaySmsBackend(BaseSmsBackend):
    """An HTTP SMS gateway (the province's unified messaging platform, or a
    commercial one behind an adapter).

    Settings: ``SMS_GATEWAY_URL`` and ``SMS_GATEWAY_TOKEN``. The backend POSTs
    JSON ``{"phone": ..., "content": ..., "client_msg_id": ...}`` with the
    headers ``Authorization: Bearer <token>`` and ``Idempotency-Key: <key>``;
    any 2xx answer is success, anything else (or a timeout) raises SmsError
    and the delivery is retried with back-off, under the same key. It has no
    ``lookup``: a send whose result was never recorded is left to staff
    (待核实) unless the gateway adapter adds one."""

    timeout = 10

    def __init__(self, url=None, token=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token or settings.SMS_GATEWAY_TOKEN
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not set")

    def send(self, *, phone, text, idempotency_key):
        payload = json.dumps({"phone": phone, "content": text, "client_msg_id": str(idempotency_key)}).encode()
        request = urllib.request.Request(
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": str(idempotency_key),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URL from settings
                if not 200 <= response.status < 300:
                    raise SmsError(f"gateway answered {response.status}")
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
