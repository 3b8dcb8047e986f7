"""Working-day calendar: ``from congress_portal.workdays import add_working_days``.

The functions live in ``calendar.py`` and read the CalendarDay table lazily, so
importing this package never touches the app registry."""
from .calendar import (  # noqa: F401
    add_months,
    add_working_days,
    due_date_after_months,
    end_of_day,
    is_working_day,
    local_today,
    next_working_day,
)
