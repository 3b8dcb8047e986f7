"""The move tables of what stands beside suggestions: deputies' letters
(代表来信) and motions (议案). Each is a ``Lifecycle`` of the shared transition
service (``congress_portal.transitions``), the only writer of its ``status``.

Actor kinds are relative to the row: ``staff`` (committee staff), ``unit`` (a
member of the unit a letter is forwarded to), ``deputy`` (the deputy who wrote
the letter), ``lead_deputy`` (the deputy who leads a motion)."""
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles
from congress_portal.transitions import Lifecycle
from congress_portal.transitions import move as _m

from .models import (
    HandoverEvent, HandoverMeeting, HandoverStatus, InvitationState, Letter, LetterEvent, LetterStatus, Motion, MotionEvent,
    MotionInvitation, MotionStatus,
)

STAFF, UNIT, DEPUTY = "staff", "unit", "deputy"
ACTOR_LABELS = {
    STAFF: gettext_lazy("代表工作委员会工作人员"),
    UNIT: gettext_lazy("转办单位"),
    DEPUTY: gettext_lazy("来信代表"),
}

L = LetterStatus
LETTER_MOVES = {
    # Creation is the "register" event (services.letters.register_letter).
    "register": _m(gettext_lazy("登记来信"), [], L.REGISTERED, [STAFF]),
    "forward": _m(gettext_lazy("转办"), [L.REGISTERED], L.FORWARDED, [STAFF]),
    # Staff move the deadline or send it to another unit while it waits for the answer.
    "reforward": _m(gettext_lazy("调整转办"), [L.FORWARDED], None, [STAFF], to_deputy=False),
    "answer": _m(gettext_lazy("答复"), [L.FORWARDED], L.ANSWERED, [UNIT]),
    # An answer that does not answer goes back to the unit.
    "return_answer": _m(gettext_lazy("退回重新答复"), [L.ANSWERED], L.FORWARDED, [STAFF], to_deputy=False),
    # Closed after the answer, or directly when staff answered it themselves.
    "close": _m(gettext_lazy("办结"), [L.REGISTERED, L.ANSWERED], L.CLOSED, [STAFF]),
}


class LetterLifecycle(Lifecycle):
    model = Letter
    event_model = LetterEvent
    subject_field = "letter"
    moves = LETTER_MOVES
    actor_labels = ACTOR_LABELS
    noun = gettext_lazy("来信")
    event_fields = {
        "move": "move", "old": "from_status", "new": "to_status", "actor": "actor", "note": "note", "at": "at",
        "public": None, "to_deputy": "visible_to_deputy",
    }

    def actor_kinds(self, user, letter):
        kinds = set()
        if roles.acts_on(user, letter.congress_id):
            kinds.add(STAFF)
        unit_id = roles.unit_id_of(user)
        if unit_id is not None and letter.unit_id == unit_id:
            kinds.add(UNIT)
        deputy = roles.deputy_of(user)
        if deputy is not None and letter.deputy_id == deputy.pk:
            kinds.add(DEPUTY)
        return kinds


LETTERS = LetterLifecycle()


# ---------------------------------------------------------------- 议案

LEAD_DEPUTY, INVITED_SIGNER, DELEGATION_HEAD = "lead_deputy", "invited_signer", "delegation_head"
MOTION_ACTOR_LABELS = {
    STAFF: gettext_lazy("代表工作委员会工作人员"),
    LEAD_DEPUTY: gettext_lazy("领衔代表"),
    INVITED_SIGNER: gettext_lazy("受邀联名的代表"),
    DELEGATION_HEAD: gettext_lazy("代表团团长"),
}
M = MotionStatus
MOTION_MOVES = {
    # Creation is the "propose" event (services.motions.propose_motion).
    "propose": _m(gettext_lazy("提出议案"), [], M.SUBMITTED, [STAFF, LEAD_DEPUTY]),
    # 网上提出: the lead deputy's draft gathers joint signers, then is proposed
    # (creation is the "draft" event, services.motion_drafts.draft_motion).
    "draft": _m(gettext_lazy("起草议案"), [], M.DRAFT, [LEAD_DEPUTY]),
    "update_draft": _m(gettext_lazy("修改议案草稿"), [M.DRAFT], None, [LEAD_DEPUTY]),
    "invite_signers": _m(gettext_lazy("邀请代表联名"), [M.DRAFT], None, [LEAD_DEPUTY]),
    "respond_invitation": _m(gettext_lazy("答复联名邀请"), [M.DRAFT], None, [INVITED_SIGNER]),
    "submit_draft": _m(gettext_lazy("提出议案"), [M.DRAFT], M.SUBMITTED, [LEAD_DEPUTY]),
    # A delegation's motion, as a 全团建议: its contact sends it to the head, who approves
    # (it is then proposed in the delegation's name) or returns it to the contact's drafts.
    "submit_to_head": _m(gettext_lazy("送团长审定"), [M.DRAFT], M.AWAITING_HEAD, [LEAD_DEPUTY]),
    "return_by_head": _m(gettext_lazy("团长退回修改"), [M.AWAITING_HEAD], M.DRAFT, [DELEGATION_HEAD]),
    "approve_by_head": _m(gettext_lazy("团长审定，以代表团名义提出"), [M.AWAITING_HEAD], M.SUBMITTED, [DELEGATION_HEAD]),
    "withdraw": _m(gettext_lazy("撤回议案"), [M.DRAFT, M.AWAITING_HEAD, M.SUBMITTED], M.WITHDRAWN, [LEAD_DEPUTY, STAFF]),
    # Staff record the presidium's decision.
    "place_on_agenda": _m(gettext_lazy("主席团决定列入会议议程，交专门委员会审议"), [M.SUBMITTED], M.ON_AGENDA, [STAFF]),
    "record_report": _m(gettext_lazy("专门委员会提出审议结果报告"), [M.ON_AGENDA], M.REPORTED, [STAFF]),
    "handle_as_suggestion": _m(gettext_lazy("主席团决定不列入会议议程，作为建议处理"), [M.SUBMITTED], M.AS_SUGGESTION, [STAFF]),
}


class MotionLifecycle(Lifecycle):
    model = Motion
    event_model = MotionEvent
    subject_field = "motion"
    moves = MOTION_MOVES
    actor_labels = MOTION_ACTOR_LABELS
    noun = gettext_lazy("议案")

    def actor_kinds(self, user, motion):
        kinds = set()
        if roles.acts_on(user, motion.session.term.congress_id):
            kinds.add(STAFF)
        deputy = roles.deputy_of(user)
        if deputy is not None and motion.lead_deputy_id == deputy.pk:
            kinds.add(LEAD_DEPUTY)
        if deputy is not None and motion.delegation_id and motion.delegation.head_id == deputy.pk:
            kinds.add(DELEGATION_HEAD)
        if deputy is not None and MotionInvitation.objects.filter(
            motion=motion, deputy=deputy, state=InvitationState.INVITED
        ).exists():
            kinds.add(INVITED_SIGNER)
        return kinds


MOTIONS = MotionLifecycle()


# ---------------------------------------------------------------- 交办会

H = HandoverStatus
HANDOVER_MOVES = {
    # Creation is the "prepare" event (services.handover.prepare_meeting).
    "prepare": _m(gettext_lazy("筹备交办会"), [], H.PREPARED, [STAFF]),
    # Every item is assigned in the same transaction (services.handover.hold_meeting).
    "hold": _m(gettext_lazy("召开交办会"), [H.PREPARED], H.HELD, [STAFF]),
}


class HandoverLifecycle(Lifecycle):
    model = HandoverMeeting
    event_model = HandoverEvent
    subject_field = "meeting"
    moves = HANDOVER_MOVES
    actor_labels = {STAFF: gettext_lazy("代表工作委员会工作人员")}
    noun = gettext_lazy("交办会")

    def actor_kinds(self, user, meeting):
        return {STAFF} if roles.acts_on(user, meeting.congress_id) else set()


HANDOVERS = HandoverLifecycle()
