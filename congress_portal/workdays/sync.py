"""Copy the holiday and make-up-workday schedule of the chinesecalendar package
into the CalendarDay table. Rows staff entered by hand are never overwritten."""


def package_days():
    """(date, kind, name) for every exception the package knows."""
    from chinese_calendar import constants

    from .models import DayKind

    rows = []
    for day, holiday in constants.holidays.items():
        rows.append((day, DayKind.HOLIDAY, _name(holiday)))
    for day, holiday in constants.workdays.items():
        rows.append((day, DayKind.WORKDAY, _name(holiday)))
    return sorted(rows)


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(holiday):
    english = holiday if isinstance(holiday, str) else getattr(holiday, "value", [str(holiday)])[0]
    return _NAMES.get(english, english)[:32]


def sync_from_package(calendar_day_model=None):
    """Insert or update package rows; returns (created, updated)."""
    from .models import CalendarDay, DaySource

    model = calendar_day_model or CalendarDay
    existing = {d.date: d for d in model.objects.all()}
    created, updated = [], []
    for day, kind, name in package_days():
        row = existing.get(day)
        if row is None:
            created.append(model(date=day, kind=kind, name=name, source=DaySource.PACKAGE))
        elif row.source == DaySource.PACKAGE and (row.kind != kind or row.name != name):
            row.kind, row.name = kind, name
            updated.append(row)
    model.objects.bulk_create(created, batch_size=500)
    model.objects.bulk_update(updated, ["kind", "name"], batch_size=500)
    return len(created), len(updated)
