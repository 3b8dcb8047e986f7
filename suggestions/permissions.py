"""Who may do what with a suggestion: pure predicates built on
congress_portal.accounts.roles and the state table. Pages show buttons with
these; the services enforce the same rules (the table, via workflow.check_move)."""
from congress_portal.accounts import roles
from congress_portal.workdays import local_today

from . import workflow
from .models import AWAITING_REPLY, AssignmentState, Status, UnitRole


def can_make(user, suggestion, move):
    """The state table allows ``move`` now and ``user`` is of an allowed kind
    (staff: of the suggestion's own congress)."""
    spec = workflow.MOVES[move]
    return suggestion.status in spec.sources and bool(workflow.actor_kinds(user, suggestion) & spec.actors)


def can_view(user, suggestion):
    from .models import Suggestion

    return Suggestion.objects.visible_to(user).filter(pk=suggestion.pk).exists()


def can_see_personal_data(user):
    """ID numbers and phone numbers: staff views only."""
    return roles.is_staff_member(user)


def can_submit(user):
    return roles.is_deputy(user) and roles.deputy_of(user) is not None


def can_enter_on_behalf(user):
    return roles.is_staff_member(user)


def can_review(user, suggestion):
    return roles.acts_on(user, suggestion.congress_id) and suggestion.status == Status.SUBMITTED


def can_assign(user, suggestion):
    return roles.acts_on(user, suggestion.congress_id) and suggestion.status == Status.REGISTERED


def can_extend(user, suggestion):
    return roles.acts_on(user, suggestion.congress_id) and suggestion.status == Status.ASSIGNED


def can_mark_key(user, suggestion):
    return can_make(user, suggestion, "mark_key")


def can_decide_disclosure(user, suggestion):
    return can_make(user, suggestion, "decide_disclosure")


def can_close(user, suggestion):
    return can_make(user, suggestion, "close")


def can_respond_cosign(user, suggestion):
    return can_make(user, suggestion, "respond_cosign")


def can_withdraw(user, suggestion):
    return can_make(user, suggestion, "withdraw")


def _own(user, assignment):
    return assignment.is_active and roles.unit_id_of(user) == assignment.unit_id


def can_acknowledge(user, assignment):
    return _own(user, assignment) and assignment.state == AssignmentState.PENDING


def can_request_reassignment(user, assignment):
    return (
        _own(user, assignment)
        and assignment.state in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED)
        and (assignment.reassignment_deadline is None or local_today() <= assignment.reassignment_deadline)
    )


def can_submit_co_opinion(user, assignment):
    return (
        _own(user, assignment)
        and assignment.role == UnitRole.CO
        and assignment.suggestion.status in AWAITING_REPLY
        and assignment.state != AssignmentState.REASSIGNMENT_REQUESTED
    )


def can_log_contact(user, assignment):
    return _own(user, assignment) and assignment.suggestion.status in workflow.MOVES["log_contact"].sources


def can_reply(user, suggestion, assignment=None):
    """The user's unit owes a reply on ``suggestion`` now (lead or split unit,
    acknowledged, or sent back for re-handling)."""
    unit_id = roles.unit_id_of(user)
    if unit_id is None or suggestion.status not in AWAITING_REPLY:
        return False
    wanted = AssignmentState.REHANDLING if suggestion.status == Status.REHANDLING else AssignmentState.ACKNOWLEDGED
    if assignment is not None:
        return _own(user, assignment) and assignment.role != UnitRole.CO and assignment.state == wanted
    return suggestion.assignments.filter(
        unit_id=unit_id, is_active=True, role__in=[UnitRole.LEAD, UnitRole.SPLIT], state=wanted
    ).exists()


def can_rate(user, suggestion):
    deputy = roles.deputy_of(user)
    return deputy is not None and suggestion.lead_deputy_id == deputy.pk and suggestion.status == Status.REPLIED


def can_rate_second_reply(user, suggestion):
    return can_make(user, suggestion, "rate_second_reply")


def can_submit_second_reply(user, item):
    return _own(user, item.assignment) and item.replied_at is None and item.suggestion.status == Status.FOLLOWUP


def can_export(user):
    return roles.is_staff_member(user)


def can_import(user):
    return roles.is_staff_member(user)


def can_manage_followup(user):
    return roles.is_staff_member(user)


def can_send_progress_notices(user):
    """The monthly 进度通报 goes to every unit of the platform with open items:
    only the provincial committee's staff (or the whole province's) send it by hand."""
    if not roles.is_staff_member(user):
        return False
    congress = roles.congress_of(user)
    return congress is None or congress.level in ("national", "provincial")
