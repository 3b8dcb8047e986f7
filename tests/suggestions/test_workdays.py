"""Working-day arithmetic on the stored calendar (seeded from chinesecalendar).

Spring Festival 2025: holiday 28 January - 4 February, make-up workdays Sunday
26 January and Saturday 8 February."""
import datetime

import pytest

from congress_portal.workdays import add_months, add_working_days, due_date_after_months, is_working_day
from congress_portal.workdays.models import CalendarDay, DayKind

D = datetime.date
pytestmark = pytest.mark.django_db


def test_spring_festival_2025_is_in_the_calendar():
    assert CalendarDay.objects.get(date=D(2025, 1, 29)).kind == DayKind.HOLIDAY
    assert CalendarDay.objects.get(date=D(2025, 2, 8)).kind == DayKind.WORKDAY
    assert not is_working_day(D(2025, 1, 29))  # Wednesday, 初一
    assert not is_working_day(D(2025, 2, 3))  # Monday inside the holiday
    assert is_working_day(D(2025, 2, 8))  # the make-up Saturday
    assert is_working_day(D(2025, 1, 26))  # the make-up Sunday
    assert not is_working_day(D(2025, 2, 9))  # an ordinary Sunday


def test_five_working_days_across_spring_festival_and_its_makeup_saturday():
    # Assigned Monday 27 January: 27 Jan is a working day, then 28 Jan - 4 Feb rest,
    # then Wed 5, Thu 6, Fri 7, the make-up Saturday 8, Mon 10 February.
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 1, 27), 4) == D(2025, 2, 8)
    assert add_working_days(D(2025, 1, 27), 5) == D(2025, 2, 10)
    # Without the calendar (plain Monday-Friday) the answer would be 3 February.
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday -> make-up Sunday


def test_counting_backwards_and_zero():
    assert add_working_days(D(2025, 2, 10), -1) == D(2025, 2, 8)
    assert add_working_days(D(2025, 2, 10), -2) == D(2025, 2, 7)
    assert add_working_days(D(2025, 1, 29), 0) == D(2025, 2, 5)
    assert add_working_days(D(2025, 2, 5), 0) == D(2025, 2, 5)


def test_staff_rows_change_the_arithmetic():
    # The State Council adds a rest day: staff enter it, and the window moves.
    assert add_working_days(D(2025, 3, 3), 1) == D(2025, 3, 4)
    CalendarDay.objects.create(date=D(2025, 3, 4), kind=DayKind.HOLIDAY, name="测试假日")
    assert add_working_days(D(2025, 3, 3), 1) == D(2025, 3, 5)


def test_add_months_clamps_to_month_end():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2025, 3, 15), -3) == D(2024, 12, 15)


def test_month_deadline_landing_in_a_holiday_moves_to_next_working_day():
    # Assigned 1 November 2024: three months later is Saturday 1 February 2025,
    # inside the Spring Festival rest; the deadline is Wednesday 5 February.
    assert add_months(D(2024, 11, 1), 3) == D(2025, 2, 1)
    assert due_date_after_months(D(2024, 11, 1), 3) == D(2025, 2, 5)
    # 8 November + 3 months is the make-up Saturday: a working day, it stays.
    assert due_date_after_months(D(2024, 11, 8), 3) == D(2025, 2, 8)
