"""审查: staff accept a submitted suggestion (it gets its number) or not."""
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import CoSignature, CoSignState, NumberCounter, Suggestion
from .common import required
from .letters import letter_from_rejected


def _next_number(suggestion):
    if suggestion.session_id:
        scope = f"session:{suggestion.session_id}"
    else:  # between plenaries each congress numbers its own items per year
        scope = f"year:{suggestion.year}" + (f":congress:{suggestion.congress_id}" if suggestion.congress_id else "")
    counter = NumberCounter.locked(scope)
    taken = Suggestion.objects.filter(number__isnull=False)
    taken = taken.filter(session_id=suggestion.session_id) if suggestion.session_id else taken.filter(session__isnull=True, year=suggestion.year, congress_id=suggestion.congress_id)
    number = counter.last_number + 1
    while taken.filter(number=number).exists():  # numbers given by hand (e.g. an import)
        number += 1
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    return number


def register_suggestion(*, suggestion, actor, note=""):
    """审查通过: the suggestion gets the next number of its session (or year).
    Invitations not answered by now lapse."""

    def apply(locked):
        locked.number = _next_number(locked)
        locked.reference = locked.official_reference()
        locked.registered_at = timezone.now()
        CoSignature.objects.filter(suggestion=locked, state=CoSignState.INVITED).update(state=CoSignState.LAPSED)

    return workflow.transition(
        suggestion=suggestion,
        move="register",
        actor=actor,
        note=note,
        expected_status=suggestion.status,
        fields=["number", "reference", "registered_at"],
        apply=apply,
    )


def reject_suggestion(*, suggestion, actor, reason, forward_as_letter=False):
    """不作为代表建议处理, with the reason; optionally 转为来信: the letter is registered in the same move."""
    required(reason, "reason", _("请填写不作为代表建议处理的理由。"))

    def apply(locked):
        locked.not_registered_reason = reason.strip()
        locked.forwarded_as_letter = bool(forward_as_letter)
        if forward_as_letter:
            letter_from_rejected(locked, actor=actor)

    note = reason.strip() + ("（" + _("转为来信处理") + "）" if forward_as_letter else "")
    return workflow.transition(
        suggestion=suggestion,
        move="reject",
        actor=actor,
        note=note,
        expected_status=suggestion.status,
        fields=["not_registered_reason", "forwarded_as_letter"],
        apply=apply,
    )
