"""First sign-in of an account created without a password (deputies' logins
made in bulk from the roster): the person signs in once with their username or
mobile number and a one-time code printed for them, and sets their password in
the same step. No password is ever shown or sent.

The code is checked by an authentication backend (``FirstSignInBackend``), so
django-axes counts its failures and locks the account out like any other
sign-in. Only a keyed digest (``salted_hmac``, the site's secret key) of the
code, bound to the account, is stored."""
import datetime
import secrets

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .backends import find_account
from .models import FirstSignInCode, User

# Unambiguous characters (no 0/O, 1/I/L): the code is read off paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
VALID_DAYS = 30
_SALT = "congress_portal.accounts.first_sign_in"


def new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _normalise(code):
    return "".join(ch for ch in (code or "").upper() if ch in ALPHABET)


def digest(user_id, code):
    return salted_hmac(_SALT, f"{user_id}:{_normalise(code)}", algorithm="sha256").hexdigest()


def code_rows(codes_by_user_id, *, actor, now=None):
    """Unsaved FirstSignInCode rows for ``{user_id: code}`` (for bulk_create)."""
    now = now or timezone.now()
    expires = now + datetime.timedelta(days=VALID_DAYS)
    return [
        FirstSignInCode(user_id=user_id, code_digest=digest(user_id, code), issued_at=now, issued_by=actor, expires_at=expires)
        for user_id, code in codes_by_user_id.items()
    ]


def _valid(row, user, code, now):
    return (
        row is not None and row.used_at is None and row.expires_at > now
        and not user.has_usable_password() and user.is_active
        and constant_time_compare(row.code_digest, digest(user.pk, code))
    )


class FirstSignInBackend(BaseBackend):
    """Authenticates ``username`` (or mobile number) with ``first_sign_in_code``
    only: the password sign-in never reaches it (Django matches backends to
    the credentials they accept)."""

    def authenticate(self, request, username=None, first_sign_in_code=None):
        user = find_account(username)
        if user is None or not first_sign_in_code:
            return None
        row = FirstSignInCode.objects.filter(user=user).first()
        return user if _valid(row, user, first_sign_in_code, timezone.now()) else None

    def get_user(self, user_id):
        return User._default_manager.filter(pk=user_id).first()


@transaction.atomic
def set_first_password(*, user, code, password, now=None):
    """Set the account's first password and use up its code, once: a second
    use of the same code (another tab, a copied list) is refused."""
    now = now or timezone.now()
    row = FirstSignInCode.objects.select_for_update().filter(user=user).first()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not _valid(row, user, code, now):
        raise ValidationError(_("首次登录码不正确、已使用或已过期，请向代表工作委员会重新领取。"))
    user.set_password(password)
    user.save(update_fields=["password"])
    row.used_at = now
    row.save(update_fields=["used_at"])
    return user
