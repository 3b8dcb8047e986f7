"""In-process stand-ins for the SMS gateway (``settings.SMS_BACKEND``): every
hand-off is kept, so a test counts what a recipient would have received."""
import threading
import time

_lock = threading.Lock()
handed_over = []  # idempotency keys, one per hand-off, in order


def reset():
    with _lock:
        handed_over.clear()


class BlindGateway:
    """Takes messages and cannot say afterwards what it took (no lookup)."""

    pause = 0.0  # seconds inside the call, to widen the window of a race

    def send(self, *, phone, text, idempotency_key):
        if self.pause:
            time.sleep(self.pause)
        with _lock:
            handed_over.append(str(idempotency_key))


class RecordingGateway(BlindGateway):
    """Also answers a lookup by key, as a gateway that keeps its messages does."""

    def lookup(self, *, idempotency_key):
        with _lock:
            return "sent" if str(idempotency_key) in handed_over else "not_sent"


class SlowRecordingGateway(RecordingGateway):
    pause = 0.002
