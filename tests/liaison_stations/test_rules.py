"""Reception rules stored as data, and the dates computed from them."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison_stations.models import Frequency, ReceptionRule, WeekOfMonth, Weekday

D = datetime.date


def rule(**kwargs):
    kwargs.setdefault("starts_on", D(2025, 1, 1))
    return ReceptionRule(**kwargs)


def test_every_wednesday():
    r = rule(frequency=Frequency.WEEKLY, weekday=Weekday.WEDNESDAY)
    assert r.dates_between(D(2025, 3, 1), D(2025, 3, 31)) == [D(2025, 3, 5), D(2025, 3, 12), D(2025, 3, 19), D(2025, 3, 26)]
    assert r.describe() == "每周星期三"


def test_every_other_friday_keeps_its_rhythm_whatever_the_window():
    r = rule(frequency=Frequency.WEEKLY, weekday=Weekday.FRIDAY, interval=2)  # first Friday: 2025-01-03
    assert r.dates_between(D(2025, 1, 1), D(2025, 1, 31)) == [D(2025, 1, 3), D(2025, 1, 17), D(2025, 1, 31)]
    # A window starting on an "off" Friday does not shift the rhythm.
    assert r.dates_between(D(2025, 1, 10), D(2025, 2, 1)) == [D(2025, 1, 17), D(2025, 1, 31)]


def test_first_wednesday_of_each_month():
    r = rule(frequency=Frequency.MONTHLY_WEEKDAY, weekday=Weekday.WEDNESDAY, week_of_month=WeekOfMonth.FIRST)
    assert r.dates_between(D(2025, 1, 1), D(2025, 4, 30)) == [D(2025, 1, 1), D(2025, 2, 5), D(2025, 3, 5), D(2025, 4, 2)]
    assert r.describe() == "每月第一个星期三"


def test_last_friday_and_every_second_month():
    r = rule(frequency=Frequency.MONTHLY_WEEKDAY, weekday=Weekday.FRIDAY, week_of_month=WeekOfMonth.LAST, interval=2)
    assert r.dates_between(D(2025, 1, 1), D(2025, 6, 30)) == [D(2025, 1, 31), D(2025, 3, 28), D(2025, 5, 30)]
    # Asking from a later month keeps the every-second-month rhythm anchored on January.
    assert r.dates_between(D(2025, 4, 1), D(2025, 8, 1)) == [D(2025, 5, 30), D(2025, 7, 25)]


def test_day_of_month_skips_months_without_that_day():
    r = rule(frequency=Frequency.MONTHLY_DAY, day_of_month=31)
    assert r.dates_between(D(2025, 1, 1), D(2025, 5, 31)) == [D(2025, 1, 31), D(2025, 3, 31), D(2025, 5, 31)]


def test_window_is_clipped_by_the_rule_period_and_inactive_rules_have_no_dates():
    r = rule(frequency=Frequency.WEEKLY, weekday=Weekday.MONDAY, starts_on=D(2025, 3, 10), ends_on=D(2025, 3, 24))
    assert r.dates_between(D(2025, 1, 1), D(2025, 12, 31)) == [D(2025, 3, 10), D(2025, 3, 17), D(2025, 3, 24)]
    r.is_active = False
    assert r.dates_between(D(2025, 1, 1), D(2025, 12, 31)) == []


def test_next_dates_counts_from_today():
    r = rule(frequency=Frequency.WEEKLY, weekday=Weekday.WEDNESDAY)
    assert r.next_dates(after=D(2025, 3, 6), count=2) == [D(2025, 3, 12), D(2025, 3, 19)]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"frequency": Frequency.WEEKLY}, "weekday"),
        ({"frequency": Frequency.MONTHLY_WEEKDAY, "weekday": 2}, "week_of_month"),
        ({"frequency": Frequency.MONTHLY_DAY}, "day_of_month"),
        ({"frequency": Frequency.WEEKLY, "weekday": 2, "ends_on": D(2024, 1, 1)}, "ends_on"),
    ],
)
def test_incomplete_rules_are_refused(fields, field):
    with pytest.raises(ValidationError) as error:
        rule(**fields).clean()
    assert field in error.value.error_dict
