"""The suggestion state table and the one function that writes ``status``.

``MOVES`` is the whole state machine: each move names the statuses it may start
from, the status it leads to (``None``: the status stays, the move is still
recorded, e.g. a unit acknowledging), the actor kinds allowed to make it and
who sees the event. ``transition`` is the shared transition service
(``congress_portal.transitions``) over this table: it locks the row, checks
the move and the actor, writes the new status with ``update_fields``, writes
the SuggestionEvent and tells the notice registry after commit.

Actor kinds are relative to the suggestion: ``staff`` (committee staff),
``unit`` (a member of a unit with an active assignment on it), ``lead_deputy``
and ``co_signer`` (a deputy invited to co-sign it)."""
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles
from congress_portal.transitions import Lifecycle, Move
from congress_portal.transitions import move as _m
from deputies.models import Delegation

from .models import Assignment, CoSignature, CoSignState, Status, Suggestion, SuggestionEvent

S = Status
STAFF, UNIT, LEAD_DEPUTY, CO_SIGNER = "staff", "unit", "lead_deputy", "co_signer"
DELEGATION_HEAD = "delegation_head"
ACTOR_LABELS = {
    DELEGATION_HEAD: gettext_lazy("代表团团长"),
    STAFF: gettext_lazy("代表工作委员会工作人员"),
    UNIT: gettext_lazy("承办单位"),
    LEAD_DEPUTY: gettext_lazy("领衔代表"),
    CO_SIGNER: gettext_lazy("附议代表"),
}

_HANDLING = (S.ASSIGNED, S.REHANDLING)
_AFTER_REPLY = (S.REPLIED, S.REHANDLING, S.CLOSED, S.FOLLOWUP, S.FOLLOWUP_REPLIED)

MOVES = {
    # 草稿: only its author sees, changes, deletes or submits it (creation itself is
    # the "save_draft" event, written by services.save_draft; delete_draft removes the row)
    "save_draft": _m(gettext_lazy("保存草稿"), [], S.DRAFT, [LEAD_DEPUTY]),
    "update_draft": _m(gettext_lazy("修改草稿"), [S.DRAFT], None, [LEAD_DEPUTY]),
    "delete_draft": _m(gettext_lazy("删除草稿"), [S.DRAFT], None, [LEAD_DEPUTY]),
    "submit_draft": _m(gettext_lazy("提出建议"), [S.DRAFT], S.SUBMITTED, [LEAD_DEPUTY], public=True),
    # 全团建议: the contact (the lead deputy) sends the draft to the head, who approves or returns it
    "submit_to_head": _m(gettext_lazy("送团长审定"), [S.DRAFT], S.AWAITING_HEAD, [LEAD_DEPUTY]),
    "return_by_head": _m(gettext_lazy("团长退回修改"), [S.AWAITING_HEAD], S.DRAFT, [DELEGATION_HEAD]),
    "approve_by_head": _m(gettext_lazy("团长审定，以代表团名义提出"), [S.AWAITING_HEAD], S.SUBMITTED, [DELEGATION_HEAD], public=True),
    # 提出 and 附议 (creation itself is the "submit" event, written by submit_suggestion)
    "submit": _m(gettext_lazy("提出建议"), [], S.SUBMITTED, [LEAD_DEPUTY, STAFF], public=True),
    "respond_cosign": _m(gettext_lazy("附议确认"), [S.SUBMITTED], None, [CO_SIGNER]),
    "withdraw": _m(gettext_lazy("撤回建议"), [S.SUBMITTED], S.WITHDRAWN, [LEAD_DEPUTY]),
    # 审查
    "register": _m(gettext_lazy("审查通过"), [S.SUBMITTED], S.REGISTERED, [STAFF], public=True),
    "reject": _m(gettext_lazy("不作为代表建议处理"), [S.SUBMITTED], S.NOT_REGISTERED, [STAFF]),
    # 转来信: a suggestion not handled as a suggestion becomes a deputy's letter (services.letters)
    "forward_as_letter": _m(gettext_lazy("转为来信"), [S.NOT_REGISTERED], None, [STAFF]),
    # 交办, 签收, 申请调整
    "assign": _m(gettext_lazy("交办"), [S.REGISTERED], S.ASSIGNED, [STAFF], public=True),
    "mark_key": _m(gettext_lazy("确定为重点督办"), [S.REGISTERED, *_HANDLING], None, [STAFF], public=True),
    "acknowledge": _m(gettext_lazy("签收"), [S.ASSIGNED], None, [UNIT]),
    "request_reassignment": _m(gettext_lazy("申请调整承办单位"), [S.ASSIGNED], None, [UNIT], to_deputy=False),
    "decide_reassignment": _m(gettext_lazy("审批调整申请"), [S.ASSIGNED], None, [STAFF], to_deputy=False),
    "extend_deadline": _m(gettext_lazy("延长答复期限"), _HANDLING, None, [STAFF]),
    # 办理
    "co_opinion": _m(gettext_lazy("提交协办意见"), _HANDLING, None, [UNIT], to_deputy=False),
    "log_contact": _m(gettext_lazy("联系代表"), [*_HANDLING, S.REPLIED, S.FOLLOWUP], None, [UNIT]),
    # 答复: a split unit's part while other parts are pending, or the last reply
    "reply_part": _m(gettext_lazy("分办单位答复"), _HANDLING, None, [UNIT], public=True),
    "reply": _m(gettext_lazy("答复"), _HANDLING, S.REPLIED, [UNIT], public=True),
    # 测评: one reply rated while others wait, all satisfied, or one not satisfied
    "rate_part": _m(gettext_lazy("测评分办答复"), [S.REPLIED], None, [LEAD_DEPUTY]),
    "rate": _m(gettext_lazy("测评"), [S.REPLIED], S.CLOSED, [LEAD_DEPUTY], public=True),
    "rate_not_satisfied": _m(gettext_lazy("测评不满意，重新办理"), [S.REPLIED], S.REHANDLING, [LEAD_DEPUTY], public=True),
    # 不满意 once the re-handling limit is used up: the item is closed all the same,
    # the deputy is told why and staff find it in the list of items closed unsatisfied.
    "close_not_satisfied": _m(gettext_lazy("测评不满意，重新办理次数已用完，办结"), [S.REPLIED], S.CLOSED, [LEAD_DEPUTY], public=True),
    "close": _m(gettext_lazy("办结"), [S.REPLIED, S.FOLLOWUP_REPLIED], S.CLOSED, [STAFF], public=True),
    # 回头看
    "open_followup": _m(gettext_lazy("列入回头看"), [S.CLOSED], S.FOLLOWUP, [STAFF], public=True),
    "second_reply_part": _m(gettext_lazy("二次答复（部分）"), [S.FOLLOWUP], None, [UNIT]),
    "second_reply": _m(gettext_lazy("二次答复"), [S.FOLLOWUP], S.FOLLOWUP_REPLIED, [UNIT], public=True),
    "rate_second_reply": _m(gettext_lazy("回头看测评"), [S.FOLLOWUP_REPLIED], S.CLOSED, [LEAD_DEPUTY], public=True),
    # 公开
    "decide_disclosure": _m(gettext_lazy("公开决定"), _AFTER_REPLY, None, [STAFF], to_deputy=True),
    # 并案办理 (services.merge), before assignment: the merged item follows its lead
    # item's assignment and reply ("follow_*" are recorded on it, its status stays)
    # and its lead deputy rates the lead item's reply.
    "merge": _m(gettext_lazy("并案办理"), [S.REGISTERED], S.MERGED, [STAFF], public=True),
    "merge_lead": _m(gettext_lazy("作为并案主办件"), [S.REGISTERED], None, [STAFF], public=True),
    "unmerge": _m(gettext_lazy("解除并案"), [S.MERGED], S.REGISTERED, [STAFF], public=True),
    "unmerge_lead": _m(gettext_lazy("并案件解除并案"), [S.REGISTERED], None, [STAFF]),
    "follow_assign": _m(gettext_lazy("随并案主办件交办"), [S.MERGED], None, [STAFF], public=True),
    "follow_reply": _m(gettext_lazy("并案主办件已答复"), [S.MERGED], None, [UNIT], public=True),
    "rate_merged": _m(gettext_lazy("测评并案答复"), [S.MERGED], S.CLOSED, [LEAD_DEPUTY], public=True),
}



class SuggestionLifecycle(Lifecycle):
    model = Suggestion
    event_model = SuggestionEvent
    subject_field = "suggestion"
    moves = MOVES
    actor_labels = ACTOR_LABELS
    noun = gettext_lazy("建议")
    event_fields = {
        "move": "move", "old": "from_status", "new": "to_status", "actor": "actor", "note": "note", "at": "at",
        "public": "is_public", "to_deputy": "visible_to_deputy",
    }

    def actor_kinds(self, user, suggestion):
        kinds = set()
        if roles.acts_on(user, suggestion.congress_id):
            kinds.add(STAFF)
        unit_id = roles.unit_id_of(user)
        if unit_id is not None and Assignment.objects.filter(
            suggestion=suggestion, unit_id=unit_id, is_active=True
        ).exists():
            kinds.add(UNIT)
        deputy = roles.deputy_of(user)
        if deputy is not None:
            if suggestion.lead_deputy_id == deputy.pk:
                kinds.add(LEAD_DEPUTY)
            if CoSignature.objects.filter(suggestion=suggestion, deputy=deputy, state=CoSignState.INVITED).exists():
                kinds.add(CO_SIGNER)
            if suggestion.delegation_id and Delegation.objects.filter(pk=suggestion.delegation_id, head=deputy).exists():
                kinds.add(DELEGATION_HEAD)
        return kinds


LIFECYCLE = SuggestionLifecycle()


def allowed_moves(status):
    """The moves the table allows from ``status`` (whoever makes them)."""
    return LIFECYCLE.allowed_moves(status)


def actor_kinds(user, suggestion):
    """The kinds of actor ``user`` is for ``suggestion`` (a set, possibly empty)."""
    return LIFECYCLE.actor_kinds(user, suggestion)


def check_move(suggestion, move_name, actor):
    """Raise unless the table allows ``move_name`` from the suggestion's status
    and ``actor`` is of a kind allowed to make it. Returns the Move."""
    return LIFECYCLE.check(suggestion, move_name, actor)


def lock(suggestion):
    """The suggestion row, locked until the end of the transaction."""
    return LIFECYCLE.lock(suggestion)


def transition(*, suggestion, move, actor, note="", unit=None, expected_status=None, fields=None, apply=None):
    """Make ``move`` on ``suggestion`` as ``actor``; returns the SuggestionEvent.

    See ``congress_portal.transitions.Lifecycle.transition``: the row is locked
    first; a move made impossible by someone else since ``expected_status`` was
    read is refused with code ``"conflict"`` (HTTP 409); ``apply(locked)`` sets
    the fields listed in ``fields`` and runs the move's own writes."""
    return LIFECYCLE.transition(
        suggestion, move, actor=actor, note=note, expected_status=expected_status, fields=fields, apply=apply,
        event={"unit": unit},
    )


def record_event(*, suggestion, move, from_status, to_status, actor, note="", unit=None):
    """Write the event row and tell the notice registry after commit. Used by
    ``transition`` and, for the first event, by ``submit_suggestion``."""
    return LIFECYCLE.record_event(
        obj=suggestion, move_name=move, old=from_status, new=to_status, actor=actor, note=note, unit=unit
    )


__all__ = [
    "ACTOR_LABELS", "CO_SIGNER", "LEAD_DEPUTY", "LIFECYCLE", "MOVES", "Move", "STAFF", "UNIT", "actor_kinds",
    "allowed_moves", "check_move", "lock", "record_event", "transition",
]
