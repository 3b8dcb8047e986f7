"""Logs never carry an ID number or a mobile number in the clear.

Every handler gets both guards: the filter masks the record itself (its message,
traceback and stack) before any formatter or later handler reads it; the
formatter masks the finished line, whatever the format string pulled in.
Django's handlers get them from ``configure`` (settings.LOGGING_CONFIG), the
Celery worker's from the logging signals in ``congress_portal.celery``: the
worker replaces the root logger's handlers with its own, which Django's LOGGING
never saw."""
import logging
import logging.config
import re

ID_NUMBER_RE = re.compile(r"(?<![0-9])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9])")
MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9]\d)(\d{4})(\d{4})(?![0-9])")

_plain = logging.Formatter()


def mask_text(text):
    text = ID_NUMBER_RE.sub(lambda m: m.group(1) + "********" + m.group(3)[-1:].rjust(4, "*"), text)
    return MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # What Formatter.format would do next, done here so it can be masked.
            record.exc_text = _plain.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class MaskingFormatter(logging.Formatter):
    """Formats with ``inner`` (a plain Formatter by default), then masks the line."""

    def __init__(self, inner=None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record):
        return mask_text(self.inner.format(record))


def mask_handler(handler):
    if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
        handler.addFilter(MaskPersonalDataFilter())
    if not isinstance(handler.formatter, MaskingFormatter):
        handler.setFormatter(MaskingFormatter(handler.formatter))


def mask_every_handler():
    """Guard every handler configured so far, on the root logger and every named one."""
    loggers = [logging.getLogger()]
    loggers += [lg for lg in list(logging.Logger.manager.loggerDict.values()) if isinstance(lg, logging.Logger)]
    for logger in loggers:
        for handler in list(logger.handlers):
            mask_handler(handler)


def configure(config):
    """settings.LOGGING_CONFIG: Django's dictConfig, then every handler masked,
    Django's own defaults (django.server, mail_admins) included."""
    logging.config.dictConfig(config)
    mask_every_handler()
