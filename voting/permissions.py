"""Who may do what in the ballot cycle: pure predicates on roles.py."""
from congress_portal.accounts import roles
from deputies.models import Congress, Mandate, MandateStatus

from .models import BallotStatus, ProjectStatus


def can_manage(user, obj=None):
    """Committee staff run calls, reviews, ballots, tallies and publication: of
    their own congress when ``obj`` (a call, proposal, project or ballot) is given."""
    if obj is None:
        return roles.is_staff_member(user)
    return roles.acts_on(user, congress_id_of(obj))


def congress_id_of(obj):
    if isinstance(obj, Congress):
        return obj.pk
    congress_id = getattr(obj, "congress_id", None)
    return congress_id if congress_id is not None else obj.call.congress_id


def serves_in(user, congress_id):
    deputy = roles.deputy_of(user)
    if deputy is None:
        return False
    return Mandate.objects.filter(deputy=deputy, congress_id=congress_id, status=MandateStatus.SERVING).exists()


def can_propose_as_deputy(user, call):
    return serves_in(user, call.congress_id)


def can_propose_as_department(user):
    return roles.is_unit_member(user)


def is_elector(user, ballot):
    deputy = roles.deputy_of(user)
    return deputy is not None and ballot.electors.filter(deputy=deputy).exists()


def can_see_ballot(user, ballot):
    if can_manage(user) or ballot.status == BallotStatus.PUBLISHED:
        return True
    return is_elector(user, ballot)


def can_report_progress(user, project):
    unit_id = roles.unit_id_of(user)
    return (
        unit_id is not None
        and project.responsible_unit_id == unit_id
        and project.status in (ProjectStatus.CHOSEN, ProjectStatus.COMPLETED)
    )


def can_rate(user, project):
    return project.status in (ProjectStatus.CHOSEN, ProjectStatus.COMPLETED) and serves_in(user, project.congress_id)
