"""What the suggestion services share: the checks every move starts with."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.models import Level, MandateStatus

from ..models import Assignment, AssignmentState
from ..models.suggestion import congress_id_for

OPEN_ASSIGNMENT_STATES = (
    AssignmentState.PENDING,
    AssignmentState.ACKNOWLEDGED,
    AssignmentState.REASSIGNMENT_REQUESTED,
    AssignmentState.REHANDLING,
)


def required(value, field, message):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: message}, code="required")


def reload_assignment(assignment, suggestion):
    """The assignment as it is now (the suggestion row is locked), checked to
    belong to ``suggestion``."""
    fresh = Assignment.objects.select_related("unit").get(pk=assignment.pk)
    if fresh.suggestion_id != suggestion.pk:
        raise ValidationError(_("交办记录不属于该建议。"))
    return fresh


def check_own_unit(actor, assignment):
    if roles.unit_id_of(actor) != assignment.unit_id or not assignment.is_active:
        raise PermissionDenied(_("只有承办该建议的单位才能办理此事项。"))


def congress_level(lead_deputy, session):
    """The level of the congress a suggestion is addressed to: its session's, or
    the lead deputy's serving mandate's."""
    if session is not None:
        return session.term.congress.level
    mandate = lead_deputy.mandates.filter(status=MandateStatus.SERVING).order_by("-start_date").first()
    return mandate.level if mandate else Level.PROVINCIAL


def addressed_congress(lead_deputy, session, congress=None):
    """(level, congress id) a suggestion is addressed to: its session's; between
    plenaries the congress the deputy chose among their serving mandates (a
    deputy with several mandates says as which congress's deputy they write),
    else their latest serving mandate's."""
    if session is not None or congress is None:
        level = congress_level(lead_deputy, session)
        return level, congress_id_for(lead_deputy.pk, session, level)
    if not lead_deputy.mandates.filter(congress=congress, status=MandateStatus.SERVING).exists():
        raise ValidationError({"congress": _("您不是%(congress)s的在任代表。") % {"congress": congress}})
    return congress.level, congress.pk
