"""Reads of motions, scoped with ``Motion.objects.visible_to``."""
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from ..models import Motion, MotionEvent


def motions(*, user, session=None, q="", status=""):
    qs = (
        Motion.objects.visible_to(user)
        .select_related("session__term__congress", "delegation", "lead_deputy", "suggestion")
        .annotate(signer_count=Count("signatures"))
    )
    if session:
        qs = qs.filter(session=session)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(lead_deputy__name=q) | Q(delegation__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-pk")


def motion(*, user, pk):
    return get_object_or_404(
        Motion.objects.visible_to(user).select_related(
            "session__term__congress", "delegation", "lead_deputy", "suggestion"
        ),
        pk=pk,
    )


def signers(*, motion):
    return [s.deputy for s in motion.signatures.select_related("deputy").order_by("pk")]


def timeline(*, motion):
    return MotionEvent.objects.filter(motion=motion).select_related("actor").order_by("at", "pk")
