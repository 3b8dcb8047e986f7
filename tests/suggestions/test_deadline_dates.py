"""The deadlines by exact dates on the stored workday calendar (2025 data:
National Day 1-8 October is a holiday, Sunday 28 September and Saturday 11
October are make-up working days; 30 August and 30 November 2025 are rest
days; Saturday 28 February 2026 is a make-up working day). Changing the reply
period, the extension cap or the re-assignment window, or refusing on the
window's last day, fails one of these."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from suggestions import services
from suggestions.models import Status
from tests.deputies import factories as df
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """Sets the portal's "now" (and so its today) to 10:00 Shanghai time on a given day."""

    def set_day(day):
        at = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: at)

    return set_day


def _assigned_on(day, clock, actors):
    clock(day)
    s, actors, units = in_status(Status.ASSIGNED, actors, units=[df.HandlingUnitFactory(), df.HandlingUnitFactory()])
    return s, units


def _local_day(value):
    return timezone.localtime(value, SHANGHAI).date()


def test_reply_due_three_months_on_moved_off_a_rest_day(clock, actors):
    # Friday 30 May + 3 months = Saturday 30 August, a rest day: due Monday 1 September.
    s, units = _assigned_on(D(2025, 5, 30), clock, actors)
    lead = s.assignments.get(unit=units[0])
    assert _local_day(lead.reply_due_at) == D(2025, 9, 1)
    assert _local_day(s.reply_due_at) == D(2025, 9, 1)
    co = s.assignments.get(unit=units[1])
    assert _local_day(co.opinion_due_at) == D(2025, 6, 30)  # co-handling opinion: 1 month, a Monday


def test_reply_due_across_a_month_end_lands_on_a_makeup_saturday(clock, actors):
    # Sunday 30 November + 3 months: no 30 February, so 28 February 2026 - a make-up working Saturday.
    s, units = _assigned_on(D(2025, 11, 30), clock, actors)
    assert _local_day(s.assignments.get(unit=units[0]).reply_due_at) == D(2026, 2, 28)


def test_extension_cap_is_six_months_after_assignment(clock, actors):
    # Assigned Friday 30 May: 6 months is Sunday 30 November, a rest day: the cap is Monday 1 December.
    s, _units = _assigned_on(D(2025, 5, 30), clock, actors)
    clock(D(2025, 8, 1))
    with pytest.raises(ValidationError) as exc:
        services.extend_deadline(suggestion=s, actor=actors.staff, new_due_date=D(2025, 12, 2), reason="涉及面广，需跨部门协调")
    assert "2025-12-01" in str(exc.value)
    services.extend_deadline(suggestion=s, actor=actors.staff, new_due_date=D(2025, 12, 1), reason="涉及面广，需跨部门协调")
    s.refresh_from_db()
    assert _local_day(s.reply_due_at) == D(2025, 12, 1)


def _request(s, unit, actors):
    a = s.assignments.get(unit=unit)
    return services.request_reassignment(assignment=a, actor=actors.unit_user(unit), reason="不属于本单位职责")


def test_reassignment_window_is_five_working_days_across_national_day(clock, actors):
    # Assigned Tuesday 30 September: 1-8 October rest; Thu 9, Fri 10, the make-up
    # Saturday 11, Mon 13 and Tue 14 October are the five working days.
    s, units = _assigned_on(D(2025, 9, 30), clock, actors)
    assert s.assignments.get(unit=units[0]).reassignment_deadline == D(2025, 10, 14)
    clock(D(2025, 10, 14))  # the window's last day: allowed
    assert _request(s, units[0], actors).pk


def test_reassignment_refused_on_the_next_working_day(clock, actors):
    s, units = _assigned_on(D(2025, 9, 30), clock, actors)
    clock(D(2025, 10, 15))
    with pytest.raises(ValidationError) as exc:
        _request(s, units[0], actors)
    assert exc.value.code == "window_closed" and "2025-10-14" in str(exc.value)
