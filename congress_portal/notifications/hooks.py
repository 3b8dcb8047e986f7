"""Where the other apps tell the notifications part that something happened.

The suggestions transition service calls ``suggestion_event_recorded`` with
``transaction.on_commit`` after writing an event row; this module decides who
is told and through which channels. (Filled in by the notifications work.)"""


def suggestion_event_recorded(event_id):
    """Called after commit with the id of a suggestions.SuggestionEvent."""
    return None
