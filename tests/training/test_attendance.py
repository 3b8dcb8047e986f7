"""QR check-in: only a genuine, fresh token for a session the deputy is on the
roll of, inside the check-in window; staff marking and leave requests."""
import datetime
import time
from decimal import Decimal

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from tests.deputies import factories as df
from tests.training.factories import EnrolmentFactory, TrainingSessionFactory
from training import services
from training.models import CheckInMethod, EnrolmentStatus, LeaveStatus, TrainingPolicy
from training.tokens import SALT, make_checkin_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(deputy_user):
    return EnrolmentFactory(deputy=deputy_user.deputy)


def during(session, minutes=10):
    return session.starts_at + datetime.timedelta(minutes=minutes)


def test_valid_token_checks_in_and_credits_hours(deputy_user, enrolment):
    token = make_checkin_token(enrolment.session)
    services.check_in(user=deputy_user, token=token, now=during(enrolment.session))
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ATTENDED
    assert enrolment.check_in_method == CheckInMethod.QR
    assert enrolment.hours_credited == Decimal("6.0")
    # A second scan changes nothing.
    services.check_in(user=deputy_user, token=token, now=during(enrolment.session, 60))
    enrolment.refresh_from_db()
    assert enrolment.checked_in_at == during(enrolment.session)


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature tampered
        lambda token: token.replace(token.split(":")[0], "999999", 1),  # another session id, same signature
        lambda token: signing.TimestampSigner(key="not-the-secret", salt=SALT).sign(token.split(":")[0]),
        lambda token: signing.TimestampSigner(salt="another.purpose").sign(token.split(":")[0]),
        lambda token: "",
    ],
    ids=["tampered", "other-session", "wrong-key", "wrong-salt", "empty"],
)
def test_forged_token_refused(deputy_user, enrolment, forge):
    token = forge(make_checkin_token(enrolment.session))
    with pytest.raises(ValidationError) as err:
        services.check_in(user=deputy_user, token=token, now=during(enrolment.session))
    assert err.value.code == "token_invalid"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_expired_token_refused(deputy_user, enrolment, monkeypatch):
    token = make_checkin_token(enrolment.session)
    minutes = TrainingPolicy.current().checkin_token_minutes
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + minutes * 60 + 5)
    with pytest.raises(ValidationError) as err:
        services.check_in(user=deputy_user, token=token, now=during(enrolment.session))
    assert err.value.code == "token_expired"


def test_token_lifetime_is_policy_data(deputy_user, enrolment, monkeypatch):
    token = make_checkin_token(enrolment.session)
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 20 * 60)
    TrainingPolicy.objects.filter(pk=TrainingPolicy.current().pk).update(checkin_token_minutes=30)
    services.check_in(user=deputy_user, token=token, now=during(enrolment.session))
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ATTENDED


def test_outside_window_refused(deputy_user, enrolment):
    token = make_checkin_token(enrolment.session)
    with pytest.raises(ValidationError) as err:
        services.check_in(user=deputy_user, token=token, now=enrolment.session.ends_at + datetime.timedelta(hours=2))
    assert err.value.code == "outside_window"


def test_deputy_not_on_roll_refused(deputy_user):
    session = TrainingSessionFactory()
    EnrolmentFactory(session=session)  # someone else
    with pytest.raises(ValidationError) as err:
        services.check_in(user=deputy_user, token=make_checkin_token(session), now=during(session))
    assert err.value.code == "not_enrolled"


def test_only_deputies_check_in(staff_user, enrolment):
    with pytest.raises(PermissionDenied):
        services.check_in(user=staff_user, token=make_checkin_token(enrolment.session), now=during(enrolment.session))


def test_staff_mark_with_partial_hours_and_undo(staff_user, enrolment):
    services.mark_attendance(enrolment=enrolment, attended=True, hours=Decimal("3"), actor=staff_user)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.hours_credited, enrolment.check_in_method) == (
        EnrolmentStatus.ATTENDED, Decimal("3.0"), CheckInMethod.STAFF,
    )
    with pytest.raises(ValidationError):
        services.mark_attendance(enrolment=enrolment, attended=True, hours=Decimal("7"), actor=staff_user)
    services.mark_attendance(enrolment=enrolment, attended=False, actor=staff_user)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.hours_credited) == (EnrolmentStatus.ENROLLED, 0)
    assert enrolment.history.count() == 3


def test_leave_request_and_decision(deputy_user, staff_user, enrolment):
    before = enrolment.session.starts_at - datetime.timedelta(days=1)
    leave = services.request_leave(enrolment=enrolment, reason="参加县人代会", user=deputy_user, now=before)
    with pytest.raises(ValidationError) as err:
        services.request_leave(enrolment=enrolment, reason="再次申请", user=deputy_user, now=before)
    assert err.value.code == "conflict"
    services.decide_leave(leave_request=leave, approve=True, actor=staff_user)
    leave.refresh_from_db()
    enrolment.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED and enrolment.status == EnrolmentStatus.ON_LEAVE
    with pytest.raises(ValidationError):
        services.decide_leave(leave_request=leave, approve=False, actor=staff_user)


def test_leave_only_for_own_enrolment(enrolment):
    other = df.deputy_user()
    with pytest.raises(PermissionDenied):
        services.request_leave(enrolment=enrolment, reason="有事", user=other)
