"""交办会: holding a meeting says nothing of its own. Each item's assignment is
a suggestion event ("assign"), and the units and deputies hear of it through
the suggestion notices, once per item, as with an assignment made by hand.
Registered as its own ``Notices`` ("handover") so the registry knows the
meeting's events."""
from congress_portal.notifications.registry import Notices

from ..models import HandoverEvent


def event_messages(event_ids):
    return []


NOTICES = Notices(name="handover", events={HandoverEvent._meta.label: event_messages})
