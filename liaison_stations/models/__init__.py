"""Liaison stations (代表联络站): the station network, who keeps and who is
stationed where, the reception rota, visit records, the issues constituents
raise (at a visit or by a message left through a QR code) and what became of
each one.

A package split by what the rows are about; every name is importable from
``liaison_stations.models`` as before."""
from .issues import (
    ISSUE_LIFECYCLE,
    ISSUE_MOVES,
    RELEASED_STATUSES,
    RESOLVED_STATUSES,
    SATISFIED_RATINGS,
    ConstituentRating,
    Issue,
    IssueCategory,
    IssueEvent,
    IssueLifecycle,
    IssueQuerySet,
    IssueSource,
    IssueStatus,
    format_tracking_code,
    new_tracking_code,
    normalise_tracking_code,
)
from .bookings import BOOKING_LIFECYCLE, Booking, BookingEvent, BookingStatus
from .checkins import CheckIn
from .rota import Activity, ActivityKind, Frequency, ReceptionRule, Weekday, WeekOfMonth
from .stations import ModelStation, Station, StationKind, StationPolicy, StationQuerySet, Stationing
from .visits import Visit, Visitor

__all__ = [
    "ISSUE_LIFECYCLE",
    "ISSUE_MOVES",
    "RELEASED_STATUSES",
    "RESOLVED_STATUSES",
    "SATISFIED_RATINGS",
    "Activity",
    "ActivityKind",
    "BOOKING_LIFECYCLE",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "CheckIn",
    "ConstituentRating",
    "Frequency",
    "Issue",
    "IssueCategory",
    "IssueEvent",
    "IssueLifecycle",
    "IssueQuerySet",
    "IssueSource",
    "IssueStatus",
    "ModelStation",
    "ReceptionRule",
    "Station",
    "StationKind",
    "StationPolicy",
    "StationQuerySet",
    "Stationing",
    "Visit",
    "Visitor",
    "WeekOfMonth",
    "Weekday",
    "format_tracking_code",
    "new_tracking_code",
    "normalise_tracking_code",
]
