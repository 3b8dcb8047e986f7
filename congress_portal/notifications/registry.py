"""The notice registry: every app declares what it says, and when.

Each app keeps its notices in its own module (``suggestions/notices.py``,
``liaison_stations/notices.py``, ...) and registers them from its
``AppConfig.ready()``::

    registry.register(registry.Notices(
        name="stations",
        due=feedback_reminders,                       # (today, policy) -> [Message]
        events={"liaison_stations.IssueEvent": issue_event_messages},  # (event_ids) -> [Message]
        catch_up=recent_event_messages,               # (now) -> [Message]
    ))

The daily scan (``scan``) asks every registered app for the messages due on a
day and for its catch-up of recent events; the transition service
(``congress_portal.transitions``) calls ``event_recorded`` after commit, which
hands the event to the app that registered its source. This module imports no
app: the dependency points from each app to here, never back.
"""
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from django.db import connection, transaction
from django.utils import timezone

from .models import NotificationPolicy
from .services import record_messages
from .watermark import ScanWindow

logger = logging.getLogger(__name__)

# Events younger than this are re-checked by the scan, in case the after-commit
# hook of one never ran (a crash between the commit and the hook).
EVENT_CATCH_UP = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Notices:
    """What one app says: ``due(today, policy)`` the reminders due on a day;
    ``events`` maps an event model's label ("app_label.Model") to
    ``messages(event_ids)``; ``catch_up(since)`` re-says recent events whose
    after-commit hook may never have run (said once all the same);
    ``periodic`` maps a notice's name ("monthly", "results") to
    ``messages(*, today, force)``, sent by the app's own scheduled task and by
    ``manage.py scan_reminders --NAME``; ``listens`` maps the label of another
    app's event model to ``messages(event_ids)``: what this app says about
    events it builds on but does not own (a station issue turned into a
    suggestion hears of the suggestion's reply). The app's own ``catch_up``
    covers those too. With ``watermarked`` the scan calls
    ``due(today, policy, window)`` with a ``watermark.ScanWindow``: the app
    reads only what can have become due since the last scan of each kind."""

    name: str
    due: Callable | None = None
    events: dict = field(default_factory=dict)
    catch_up: Callable | None = None
    periodic: dict = field(default_factory=dict)
    listens: dict = field(default_factory=dict)
    watermarked: bool = False


_notices = {}
_event_handlers = {}
# source -> {notices name: handler}: apps that listen to events another app owns.
_listeners = defaultdict(dict)


def register(notices):
    """Register an app's notices (from its AppConfig.ready(); idempotent per name)."""
    previous = _notices.get(notices.name)
    if previous is not None:
        for source in previous.events:
            _event_handlers.pop(source, None)
    for source in notices.events:
        owner = _event_handlers.get(source)
        if owner is not None and owner[0] != notices.name:
            raise ValueError(f"event source {source} is already registered by {owner[0]}")
    _notices[notices.name] = notices
    for source, handler in notices.events.items():
        _event_handlers[source] = (notices.name, handler)
    for listened in _listeners.values():
        listened.pop(notices.name, None)
    for source, handler in notices.listens.items():
        _listeners[source][notices.name] = handler


def registered():
    """The registered notices, in registration order."""
    return list(_notices.values())


def event_sources():
    return sorted(_event_handlers)


def messages_for_events(source, event_ids):
    """The messages an app's notices give for these events of ``source``, and
    those of the apps listening to them. A listener that fails is logged and
    left out (its app's catch-up says it later): it must not silence the owner."""
    entry = _event_handlers.get(source)
    listeners = dict(_listeners.get(source, {}))
    if entry is None and not listeners:
        raise LookupError(f"no notices registered for events of {source}")
    event_ids = list(event_ids)
    messages = list(entry[1](event_ids)) if entry is not None else []
    for name, handler in listeners.items():
        try:
            messages += handler(event_ids)
        except Exception:  # noqa: BLE001 - the listener's catch-up retries it
            logger.exception("%s listening to %s events %s failed", name, source, event_ids[:10])
    return messages


def event_recorded(source, event_id):
    """Called after commit by the transition service for one event row."""
    events_recorded(source, [event_id])


def events_recorded(source, event_ids):
    """Called after commit with the ids of rows of ``source`` that happened
    (event rows, or rows like enrolments that are their own event). A failure
    must not break the request that already committed: it is logged, and the
    scan's catch-up over recent events says what was missed (each once per
    recipient)."""
    event_ids = list(event_ids)
    if not event_ids:
        return
    try:
        record_messages(messages=messages_for_events(source, event_ids))
    except Exception:  # noqa: BLE001 - the scan's catch-up retries it
        logger.exception("notifying %s events %s failed", source, event_ids[:10])


def due_messages(*, today, policy, window=None):
    """Every reminder due on ``today``, from every registered app, as Messages
    (not yet recorded). Without a ``window`` every kind is scanned whole."""
    window = window or ScanWindow(today=today, marks={})
    messages = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Each kind's query is a scan over every open item with an
            # anti-join; compiling it (JIT) costs more than running it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        for notices in registered():
            if notices.due is not None and notices.watermarked:
                messages += notices.due(today, policy, window)
            elif notices.due is not None:
                messages += notices.due(today, policy)
    return messages


def catch_up_messages(*, now):
    messages = []
    for notices in registered():
        if notices.catch_up is not None:
            messages += notices.catch_up(now - EVENT_CATCH_UP)
    return messages


def periodic_names():
    return sorted({name for notices in registered() for name in notices.periodic})


def periodic_messages(name, *, today=None, force=False):
    """The messages of every app's periodic notice called ``name`` on ``today``."""
    today = today or timezone.localdate()
    messages = []
    for notices in registered():
        builder = notices.periodic.get(name)
        if builder is not None:
            messages += builder(today=today, force=force)
    return messages


@dataclass
class ScanResult:
    messages: list = field(default_factory=list)
    recorded: int = 0

    def by_kind(self):
        counts = defaultdict(int)
        for message in self.messages:
            counts[message.kind] += 1
        return dict(counts)


def scan(*, today=None, now=None, dry_run=False):
    """The daily scan: reminders due, plus the catch-up of recent events.
    Each kind reads from its watermark (the last day scanned), which moves to
    ``today`` in the same transaction as the notifications recorded: a scan
    that fails records neither. With ``dry_run`` nothing is written or sent."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    with transaction.atomic():
        window = ScanWindow.read(today=today)
        messages = due_messages(today=today, policy=NotificationPolicy.current(), window=window)
        if not dry_run:
            messages += catch_up_messages(now=now)
        result = ScanResult(messages=messages)
        if not dry_run:
            result.recorded = len(record_messages(messages=messages, now=now))
            window.save(now=now)
    return result
