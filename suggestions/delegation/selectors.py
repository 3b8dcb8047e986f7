"""Reads of 全团建议, scoped with ``Suggestion.objects.visible_to``."""
from django.shortcuts import get_object_or_404

from ..models import Status, Suggestion


def _base(user):
    return (
        Suggestion.objects.visible_to(user)
        .filter(delegation__isnull=False)
        .select_related("delegation__term__congress", "delegation__head", "lead_deputy", "category")
    )


def for_contact(*, user, deputy):
    """The contact's 全团建议: drafts and those with the head, then the rest, newest first."""
    return _base(user).filter(lead_deputy=deputy).order_by("-submitted_at", "-pk")


def awaiting_head(*, user, deputy):
    """What the head has to approve."""
    return _base(user).filter(delegation__head=deputy, status=Status.AWAITING_HEAD).order_by("submitted_at", "pk")


def item(*, user, pk):
    return get_object_or_404(_base(user), pk=pk)
