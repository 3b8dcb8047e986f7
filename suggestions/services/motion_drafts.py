"""议案 proposed online by deputies: the lead deputy (or a delegation's contact,
in the delegation's name) drafts the motion within the session's proposal
window, invites deputies of the same congress to sign it jointly, they agree
or decline, and the lead deputy proposes it once enough have agreed. The rules
are those of a motion entered by staff (``services.motions``: the window, the
legal minimum per level, signers serving in that congress), applied to the
deputies who agreed. A delegation's motion is approved by the delegation's
head before it is proposed, as a 全团建议 is: the contact sends the draft to
the head (``submit_motion_to_head``), who proposes it in the delegation's name
(``approve_motion_by_head``) or returns it with the reason. Moves go through
``lifecycles.MOTIONS``; the invited deputies and the head are told by
``notices.motions``."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.models import Delegation, Mandate, MandateStatus

from ..lifecycles import MOTIONS
from ..models import InvitationState, Motion, MotionInvitation, MotionSigner, MotionStatus
from .common import required
from .delegation import delegations_of_contact
from .motions import _check_signers, _check_window, _next_motion_number


def _serving(session, deputies):
    return set(
        Mandate.objects.filter(term=session.term, status=MandateStatus.SERVING, deputy__in=deputies)
        .values_list("deputy_id", flat=True)
    )


def draft_motion(*, actor, session, title, content, delegation=None):
    """起草议案: in the deputy's own name (a joint motion), or in the name of a
    delegation whose contact the deputy is. Only while the window is open."""
    deputy = roles.deputy_of(actor)
    if deputy is None:
        raise PermissionDenied(_("只有代表可以起草议案。"))
    required(title, "title", _("请填写案由。"))
    if session is None:
        raise ValidationError({"session": _("请选择会议。")}, code="required")
    _check_window(session, timezone.now())
    if delegation is not None:
        if not delegations_of_contact(deputy).filter(pk=delegation.pk).exists():
            raise PermissionDenied(_("只有代表团联络员可以以代表团名义起草议案。"))
        if delegation.term_id != session.term_id:
            raise ValidationError({"delegation": _("代表团不属于本届人民代表大会。")}, code="delegation")
    if deputy.pk not in _serving(session, [deputy]):
        raise ValidationError({"session": _("您不是本届本级人民代表大会的在任代表，不能在本次会议提出议案。")})
    with transaction.atomic():
        motion = Motion.objects.create(
            session=session, number=None, title=title.strip(), content=(content or "").strip(), delegation=delegation,
            lead_deputy=deputy, status=MotionStatus.DRAFT,
        )
        MOTIONS.record_event(obj=motion, move_name="draft", old="", new=MotionStatus.DRAFT, actor=actor)
    return motion


def update_motion_draft(*, motion, actor, title, content):
    """修改草稿 (its text only; the invitations stand)."""
    required(title, "title", _("请填写案由。"))

    def apply(locked):
        locked.title, locked.content = title.strip(), (content or "").strip()

    return MOTIONS.transition(motion, "update_draft", actor=actor, apply=apply, fields=["title", "content"])


def invite_signers(*, motion, actor, deputies):
    """邀请联名: deputies serving in the session's congress, not yet invited;
    each is told. A delegation's motion is proposed without joint signers."""
    deputies = [d for d in dict.fromkeys(deputies) if d.pk != motion.lead_deputy_id]
    if not deputies:
        raise ValidationError({"deputies": _("请选择要邀请联名的代表。")}, code="required")
    if motion.delegation_id:
        raise ValidationError(_("以代表团名义提出的议案不需要代表联名。"), code="delegation")
    made = []

    def apply(locked):
        serving = _serving(locked.session, deputies)
        outsiders = [d.name for d in deputies if d.pk not in serving]
        if outsiders:
            raise ValidationError(
                {"deputies": _("以下代表不是本届本级人民代表大会的在任代表，不能联名：%(names)s。") % {"names": "、".join(outsiders)}}
            )
        already = set(MotionInvitation.objects.filter(motion=locked, deputy__in=deputies).values_list("deputy_id", flat=True))
        fresh = [d for d in deputies if d.pk not in already]
        if not fresh:
            raise ValidationError({"deputies": _("所选代表都已邀请过。")})
        made.extend(MotionInvitation.objects.bulk_create(MotionInvitation(motion=locked, deputy=d) for d in fresh))

    with transaction.atomic():
        event = MOTIONS.transition(
            motion, "invite_signers", actor=actor, apply=apply,
            note=_("邀请%(names)s联名") % {"names": "、".join(d.name for d in deputies)},
        )
        MotionInvitation.objects.filter(pk__in=[i.pk for i in made]).update(invited_in=event)
    return made


def respond_to_invitation(*, motion, actor, agree):
    """同意联名 / 不同意联名, by the invited deputy while the motion is a draft."""
    deputy = roles.deputy_of(actor)

    def apply(locked):
        invitation = MotionInvitation.objects.select_for_update().get(motion=locked, deputy=deputy)
        invitation.state = InvitationState.AGREED if agree else InvitationState.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["state", "responded_at"])

    return MOTIONS.transition(
        motion, "respond_invitation", actor=actor, apply=apply, note=_("同意联名") if agree else _("不同意联名"),
    )


def _propose(locked):
    """What proposing a draft writes: within the window, complete, its signers
    checked (the legal number agreed for a joint motion); its number and time."""
    now = timezone.now()
    _check_window(locked.session, now)
    required(locked.content, "content", _("请填写案据和方案。"))
    agreed = [
        i.deputy for i in MotionInvitation.objects.filter(motion=locked, state=InvitationState.AGREED)
        .select_related("deputy").order_by("pk")
    ]
    signers = _check_signers(locked.session, locked.lead_deputy, locked.delegation, agreed)
    locked.number = _next_motion_number(locked.session)
    locked.submitted_at = now
    MotionSigner.objects.bulk_create(MotionSigner(motion=locked, deputy=d) for d in signers)


_PROPOSING = {"fields": ["number", "submitted_at"], "related": ("session__term__congress", "lead_deputy", "delegation")}


def submit_motion_draft(*, motion, actor):
    """提出议案: within the window, with at least the legal number of deputies
    agreed (the lead deputy included); the agreed deputies become its signers
    and it gets its number. A delegation's motion goes to its head instead."""
    if motion.delegation_id:
        raise ValidationError(_("以代表团名义提出的议案须送团长审定，由团长审定后提出。"), code="needs_head")
    return MOTIONS.transition(motion, "submit_draft", actor=actor, apply=_propose, **_PROPOSING)


def submit_motion_to_head(*, motion, actor):
    """送团长审定: a delegation's complete draft, within the window; the head is told."""
    if not motion.delegation_id:
        raise ValidationError(_("只有以代表团名义提出的议案需要团长审定。"), code="not_delegation")
    if not Delegation.objects.filter(pk=motion.delegation_id, head__isnull=False).exists():
        raise ValidationError(_("该代表团尚未设团长，请联系代表工作委员会。"), code="no_head")

    def apply(locked):
        _check_window(locked.session, timezone.now())
        required(locked.content, "content", _("请填写案据和方案。"))

    return MOTIONS.transition(motion, "submit_to_head", actor=actor, apply=apply)


def approve_motion_by_head(*, motion, actor, note=""):
    """团长审定: the motion is proposed in the delegation's name (window and
    signer checks as any proposal), numbered, and waits for the presidium."""
    return MOTIONS.transition(motion, "approve_by_head", actor=actor, apply=_propose, note=(note or "").strip(), **_PROPOSING)


def return_motion_by_head(*, motion, actor, reason):
    """团长退回: back to the contact's drafts, with what to change."""
    required(reason, "reason", _("请填写退回修改的意见。"))
    return MOTIONS.transition(motion, "return_by_head", actor=actor, note=reason.strip())
