"""Reads of motions, scoped with ``Motion.objects.visible_to``."""
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from deputies.models import Deputy, Mandate, MandateStatus

from ..models import InvitationState, Motion, MotionEvent, MotionInvitation, MotionStatus


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


def awaiting_head(*, user, deputy):
    """The delegation's motions the head has to approve (a few: one delegation's, one session's)."""
    return (
        Motion.objects.visible_to(user).filter(delegation__head=deputy, status=MotionStatus.AWAITING_HEAD)
        .select_related("delegation", "lead_deputy").order_by("pk")
    )


def signers(*, motion):
    return [s.deputy for s in motion.signatures.select_related("deputy").order_by("pk")]


def timeline(*, motion):
    return MotionEvent.objects.filter(motion=motion).select_related("actor").order_by("at", "pk")


def signer_choices(motion):
    """Deputies serving in the motion's congress and term who may be invited
    to sign it: not its lead deputy, not invited yet."""
    serving = Mandate.objects.filter(deputy_id=OuterRef("pk"), term_id=motion.session.term_id, status=MandateStatus.SERVING)
    invited = MotionInvitation.objects.filter(motion=motion, deputy_id=OuterRef("pk"))
    return (
        Deputy.objects.filter(Exists(serving)).exclude(pk=motion.lead_deputy_id).exclude(Exists(invited))
        .only("name", "work_unit")
    )


def invitations(*, motion):
    return list(MotionInvitation.objects.filter(motion=motion).select_related("deputy").order_by("pk"))


def invitation_of(*, motion, deputy):
    if deputy is None:
        return None
    return MotionInvitation.objects.filter(motion=motion, deputy=deputy).first()


def agreed_count(invitation_rows):
    return sum(1 for i in invitation_rows if i.state == InvitationState.AGREED)
