"""Logs never carry an ID number or a mobile number in the clear."""
import logging
import re

ID_NUMBER_RE = re.compile(r"(?<![0-9])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9])")
MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9]\d)(\d{4})(\d{4})(?![0-9])")


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
        return True
