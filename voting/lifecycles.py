"""The tables of moves of the ballot cycle, over the shared transition service
(``congress_portal.transitions``): ballots, candidate projects, proposals and a
call's year-end rating. Nothing else assigns their status; each move writes an
event row (``models.events``).

Voting itself is not a move of the ballot: a cast ballot writes a participation
and a content row under the ballot's shared advisory lock
(``services.casting``) and no event, so no event names a voter.

Refusals keep the words the voting pages always used: a move the table does
not allow from the current state is refused with the move's own reason (by
default "票决当前状态为……不能进行此操作"), code "conflict" (HTTP 409) unless the
reason says otherwise."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from congress_portal.accounts import roles
from congress_portal.transitions import Lifecycle, move

from . import permissions
from .models import (
    Ballot,
    BallotEvent,
    BallotStatus,
    Project,
    ProjectCall,
    ProjectEvent,
    ProjectStatus,
    Proposal,
    ProposalEvent,
    RatingEvent,
)

STAFF, UNIT = "staff", "unit"
CONFLICT = "conflict"
STAFF_ONLY = _("只有代表工作委员会工作人员可以进行此操作。")


class VotingLifecycle(Lifecycle):
    """A Lifecycle whose refusals are the voting app's own.

    ``refusals`` maps a move to (reason, code) for a state the move does not
    start from; the reason may name ``%(status)s`` and ``%(title)s``.
    ``actor_refusals`` maps a move to the reason an actor of the wrong kind is
    refused with (default: staff only)."""

    refusals = {}
    default_refusal = None
    actor_refusals = {}
    event_fields = {**Lifecycle.event_fields, "public": "is_public"}

    def check(self, obj, move_name, actor):
        spec = self.moves.get(move_name)
        if spec is not None:
            state = getattr(obj, self.status_field)
            if state not in spec.sources:
                refusal = self.refusals.get(move_name, self.default_refusal)
                if refusal is not None:
                    reason, code = refusal
                    raise ValidationError(
                        str(reason) % {"status": self.state_label(state), "title": str(obj)}, code=code
                    )
            elif not (self.actor_kinds(actor, obj) & spec.actors):
                raise PermissionDenied(str(self.actor_refusals.get(move_name, STAFF_ONLY)))
        return super().check(obj, move_name, actor)

    def transition(self, obj, move_name, **kwargs):
        """``Lifecycle.transition``, judged by default against the row as it is
        once locked, so a refusal always gives the move's own reason (the
        voting pages never told "moved by someone else" apart)."""
        kwargs.setdefault("expected_status", None)
        return super().transition(obj, move_name, **kwargs)

    def label(self, move_name):
        spec = self.moves.get(move_name)
        return str(spec.label) if spec else move_name


def _staff(user, obj):
    return {STAFF} if permissions.can_manage(user, obj) else set()


# --------------------------------------------------------------------------- ballots
B = BallotStatus
BALLOT_MOVES = {
    # record_event only: the row is created in this state
    "create": move(_("拟定票决"), [], B.DRAFT, [STAFF]),
    "create_runoff": move(_("已创建再次投票"), [], B.READY, [STAFF]),
    "set_candidates": move(_("调整候选项目"), [B.DRAFT], None, [STAFF]),
    "submit_for_review": move(_("提交审议"), [B.DRAFT], B.REVIEW, [STAFF]),
    "approve_stage": move(_("审议通过"), [B.REVIEW], None, [STAFF]),
    "approve_last_stage": move(_("审议通过"), [B.REVIEW], B.READY, [STAFF]),
    "return_for_changes": move(_("退回调整"), [B.REVIEW], B.DRAFT, [STAFF]),
    "open": move(_("开始投票"), [B.READY], B.OPEN, [STAFF], public=True),
    "record_attendance": move(_("登记出席"), [B.OPEN], None, [STAFF]),
    "close": move(_("结束投票"), [B.OPEN], B.CLOSED, [STAFF], public=True),
    "tally": move(_("计票"), [B.CLOSED], B.TALLIED, [STAFF]),
    "declare_invalid": move(_("无效（未达法定人数）"), [B.CLOSED], B.INVALID, [STAFF], public=True),
    "publish": move(_("公布结果"), [B.TALLIED], B.PUBLISHED, [STAFF], public=True),
    "start_runoff": move(_("对票数相同的项目安排再次投票"), [B.TALLIED, B.PUBLISHED], None, [STAFF]),
}


class BallotLifecycle(VotingLifecycle):
    model = Ballot
    event_model = BallotEvent
    subject_field = "ballot"
    moves = BALLOT_MOVES
    noun = _("票决")
    default_refusal = (_("票决当前状态为“%(status)s”，不能进行此操作。"), CONFLICT)

    def actor_kinds(self, user, obj):
        return _staff(user, obj)

    def lock(self, obj, *, related=()):
        # NO KEY UPDATE: staff's changes to a ballot serialise among themselves but do
        # not wait for the KEY SHARE locks that voters' foreign-key checks hold on the
        # row. Closing and attendance also take the ballot's advisory lock
        # (services.ballots._exclude_voters) before this one, in the same transaction.
        return Ballot.objects.select_for_update(no_key=True).get(pk=obj.pk)


BALLOTS = BallotLifecycle()


# --------------------------------------------------------------------------- projects
P = ProjectStatus
BEFORE_BALLOT = [P.CANDIDATE, P.RESERVE]
PROJECT_MOVES = {
    "create": move(_("采纳为项目"), [], P.CANDIDATE, [STAFF]),  # record_event only
    "adopt_proposals": move(_("并入建议项目"), BEFORE_BALLOT, None, [STAFF]),
    "merge_in": move(_("并入重复项目"), BEFORE_BALLOT, None, [STAFF]),
    "merge": move(_("已合并"), BEFORE_BALLOT, P.MERGED, [STAFF]),
    "to_reserve": move(_("转入储备库"), [P.CANDIDATE], P.RESERVE, [STAFF]),
    "from_reserve": move(_("重新列入候选"), [P.RESERVE, P.NOT_CHOSEN], P.CANDIDATE, [STAFF]),
    "shortlist": move(_("列入票决"), [P.CANDIDATE], P.SHORTLISTED, [STAFF]),
    "unshortlist": move(_("移出票决"), [P.SHORTLISTED], P.CANDIDATE, [STAFF]),
    "release": move(_("票决无效，退回候选"), [P.SHORTLISTED], P.CANDIDATE, [STAFF]),
    "choose": move(_("票决当选"), [P.SHORTLISTED], P.CHOSEN, [STAFF], public=True),
    "not_choose": move(_("票决未当选"), [P.SHORTLISTED], P.NOT_CHOSEN, [STAFF], public=True),
    # the responsible unit's progress reports: 100% completes the project
    "complete": move(_("已完成"), [P.CHOSEN], P.COMPLETED, [UNIT], public=True),
    "resume": move(_("恢复实施"), [P.COMPLETED], P.CHOSEN, [UNIT]),
}
NOT_MERGEABLE = (_("只能合并同一人大、尚未进入票决的项目。"), None)


class ProjectLifecycle(VotingLifecycle):
    model = Project
    event_model = ProjectEvent
    subject_field = "project"
    moves = PROJECT_MOVES
    noun = _("项目")
    refusals = {
        "adopt_proposals": (_("该项目已进入票决，不能再并入建议。"), CONFLICT),
        "merge_in": NOT_MERGEABLE,
        "merge": NOT_MERGEABLE,
        "to_reserve": (_("只有待审候选项目可以转入储备库。"), CONFLICT),
        "from_reserve": (_("只有储备库或未当选的项目可以重新列入候选。"), CONFLICT),
        "shortlist": (_("项目“%(title)s”不是待审候选项目。"), None),
    }
    actor_refusals = {
        "complete": _("只有该项目的责任单位可以报送进展。"),
        "resume": _("只有该项目的责任单位可以报送进展。"),
    }

    def actor_kinds(self, user, obj):
        kinds = _staff(user, obj)
        unit_id = roles.unit_id_of(user)
        if unit_id is not None and unit_id == obj.responsible_unit_id:
            kinds.add(UNIT)
        return kinds


PROJECTS = ProjectLifecycle()


# --------------------------------------------------------------------------- proposals
PROPOSAL_MOVES = {
    "adopt": move(_("已采纳"), [Proposal.Status.SUBMITTED], Proposal.Status.ADOPTED, [STAFF]),
    "reject": move(_("未采纳"), [Proposal.Status.SUBMITTED], Proposal.Status.REJECTED, [STAFF]),
}


class ProposalLifecycle(VotingLifecycle):
    model = Proposal
    event_model = ProposalEvent
    subject_field = "proposal"
    moves = PROPOSAL_MOVES
    noun = _("征集建议项目")
    refusals = {
        "adopt": (_("所选建议项目中有已处理的项目。"), CONFLICT),
        "reject": (_("该建议项目已处理。"), CONFLICT),
    }

    def actor_kinds(self, user, obj):
        return _staff(user, obj)


PROPOSALS = ProposalLifecycle()


# --------------------------------------------------------------------------- year-end rating
R = ProjectCall.RatingStatus
RATING_MOVES = {
    "open_rating": move(_("开始满意度测评"), [R.NOT_STARTED], R.OPEN, [STAFF]),
    "publish_ratings": move(_("公布满意度测评结果"), [R.OPEN], R.PUBLISHED, [STAFF], public=True),
}


class RatingLifecycle(VotingLifecycle):
    model = ProjectCall
    event_model = RatingEvent
    subject_field = "call"
    status_field = "rating_status"
    moves = RATING_MOVES
    noun = _("满意度测评")
    refusals = {
        "open_rating": (_("满意度测评已经开始。"), CONFLICT),
        "publish_ratings": (_("满意度测评未在进行中。"), CONFLICT),
    }

    def actor_kinds(self, user, obj):
        return _staff(user, obj)


RATINGS = RatingLifecycle()
