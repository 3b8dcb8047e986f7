"""What the notifications part says about suggestions, and when.

* ``reminders.due_reminders``: what is due on a day (acknowledgement, co-unit
  opinion, reply and re-handling deadlines, second replies, co-sign
  invitations, ratings), for the daily scan.
* ``events.event_messages``: who is told of a SuggestionEvent (after commit,
  and the scan's catch-up for a hook that never ran).
* ``periodic``: the monthly progress notices and the results notices, sent by
  their own Celery tasks (``suggestions.tasks``).

Registered with the notice registry from ``SuggestionsConfig.ready()``."""
from congress_portal.notifications.registry import Notices

from ..models import SuggestionEvent
from .events import EVENT_RECIPIENTS, event_messages, recent_event_messages
from .periodic import (
    RESULTS_NOTICE_WINDOW_DAYS,
    monthly_notices,
    results_notices,
    send_monthly_notices,
    send_results_notices,
)
from .reminders import OPEN_UNIT_STATES, due_reminders, number_label

NOTICES = Notices(
    name="suggestions",
    due=due_reminders,
    watermarked=True,
    events={SuggestionEvent._meta.label: event_messages},
    catch_up=recent_event_messages,
    periodic={
        "monthly": lambda *, today, force=False: monthly_notices(today=today, force=force),
        "results": lambda *, today, force=False: results_notices(today=today),
    },
)

__all__ = [
    "EVENT_RECIPIENTS", "NOTICES", "OPEN_UNIT_STATES", "RESULTS_NOTICE_WINDOW_DAYS", "due_reminders", "event_messages",
    "monthly_notices", "number_label", "recent_event_messages", "results_notices", "send_monthly_notices",
    "send_results_notices",
]
