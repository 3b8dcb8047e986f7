"""Who may do what with training and duty records: pure predicates on roles."""
from congress_portal.accounts import roles


def can_manage_training(user):
    """Plans, sessions, enrolment, attendance, leave decisions, coverage, scoring rules."""
    return roles.is_staff_member(user)


def can_manage_session(user, session):
    """Staff of the congress whose term's plan the session belongs to."""
    return roles.acts_on(user, session.plan.term.congress_id)


def can_manage_plan(user, plan):
    """Staff of the congress whose term the plan belongs to."""
    return roles.acts_on(user, plan.term.congress_id)


def can_read_materials(user):
    return roles.is_staff_member(user) or roles.deputy_of(user) is not None


def can_check_in(user, enrolment):
    deputy = roles.deputy_of(user)
    return deputy is not None and enrolment.deputy_id == deputy.pk


def can_request_leave(user, enrolment):
    return can_check_in(user, enrolment)


def can_view_duty_record(user, deputy):
    """Staff see the records of their congress's deputies and those below it; a
    deputy sees their own."""
    if roles.is_staff_member(user):
        seen = roles.seen_congresses(user)
        return seen is None or deputy.mandates.filter(congress__in=seen).exists()
    own = roles.deputy_of(user)
    return own is not None and own.pk == deputy.pk


def can_view_duty_records_list(user):
    return roles.is_staff_member(user)
