"""The check-in token carried by a session's QR code.

The token is the session id signed with a TimestampSigner: nobody can make one
for a session without the secret key, and it expires after the policy's
``checkin_token_minutes`` (the QR page re-renders before then), so a photo of
the code passed around after the session is useless.
"""
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SALT = "training.checkin"


def make_checkin_token(session):
    return signing.TimestampSigner(salt=SALT).sign(str(session.pk))


def session_id_from_token(token, *, max_age_minutes):
    """The session id in a valid token; ValidationError when forged or expired."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token or "", max_age=max_age_minutes * 60)
    except signing.SignatureExpired:
        raise ValidationError(_("签到二维码已过期，请重新扫描现场的二维码。"), code="token_expired")
    except signing.BadSignature:
        raise ValidationError(_("签到二维码无效。"), code="token_invalid")
    if not value.isdigit():
        raise ValidationError(_("签到二维码无效。"), code="token_invalid")
    return int(value)
