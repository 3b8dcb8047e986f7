"""Validation of the personal data kept on deputies."""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_number_check_char(first17):
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def birth_date_from_id_number(value):
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value):
    """18 characters, 17 digits then a digit or X, a real birth date, and the
    GB 11643 check character."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(_("身份证号码应为18位。"), code="id_length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("身份证号码格式不正确。"), code="id_format")
    birth = birth_date_from_id_number(value)
    if birth is None or birth > datetime.date.today() or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验位不正确。"), code="id_checksum")


def validate_mobile(value):
    value = (value or "").strip()
    if not (len(value) == 11 and value.isdigit() and value[0] == "1" and value[1] in "3456789"):
        raise ValidationError(_("请输入11位手机号码。"), code="phone")


def mask_id_number(value):
    if not value:
        return ""
    return value[:3] + "*" * 11 + value[-4:]


def mask_phone(value):
    if not value:
        return ""
    return value[:3] + "****" + value[-4:]
