from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def find_account(identifier):
    """The account a sign-in identifier names: its username or its mobile number.
    Lowest id first, so the backend and the lock-out always agree on the account."""
    if not identifier or "\x00" in identifier:
        # PostgreSQL text cannot hold NUL: such a name is no account, not a server error.
        return None
    User = get_user_model()
    return User._default_manager.filter(Q(username=identifier) | Q(phone=identifier)).order_by("pk").first()


def lockout_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: django-axes counts failures per the string this returns.

    Without it axes counts per typed identifier, so five failures by username and
    five more by mobile number were ten tries at one password. An identifier naming
    an account counts against that account's username; anything else is counted as
    typed, so guessing unknown names still locks out."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", get_user_model().USERNAME_FIELD)
    if credentials:
        identifier = credentials.get(field)
    else:
        identifier = getattr(request, "data", request.POST).get(field)
    account = find_account(identifier)
    if account is not None:
        return account.get_username()
    # Counted without NUL bytes, which PostgreSQL text cannot store.
    return identifier.replace("\x00", "") if isinstance(identifier, str) else identifier


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with the username or the mobile number on the account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_account(username)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
