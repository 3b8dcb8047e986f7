"""A file sink standing in for the mail server and the SMS gateway in the
reliability tests. Each hand-off appends one JSON line (O_APPEND, one write:
lines from two worker processes never interleave). Like a gateway that keeps
what it took, it answers a lookup by key from the whole file."""
import json
import os

from django.core.mail.backends.base import BaseEmailBackend


def _write(record):
    path = os.environ["NOTIFY_SINK"]
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _lookup(channel, idempotency_key):
    taken = any(
        line["channel"] == channel and line["key"] == str(idempotency_key) for line in read(os.environ["NOTIFY_SINK"])
    )
    return "sent" if taken else "not_sent"


class SinkSmsBackend:
    def send(self, *, phone, text, idempotency_key):
        _write({"channel": "sms", "to": phone, "key": str(idempotency_key), "text": text, "pid": os.getpid()})

    def lookup(self, *, idempotency_key):
        return _lookup("sms", idempotency_key)


class SinkEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            key = message.extra_headers.get("Message-ID", "").strip("<>").split("@")[0]
            _write({"channel": "email", "to": message.to[0], "key": key, "text": message.subject, "pid": os.getpid()})
        return len(email_messages)

    def lookup(self, *, idempotency_key):
        return _lookup("email", idempotency_key)
