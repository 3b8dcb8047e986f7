"""Who may see a background job and its files: the person who started it,
and committee staff who act on the job's congress (for a job of no congress,
staff of the whole province). Everyone else gets a 404."""
from congress_portal.accounts import roles


def can_see_job(user, job):
    if not getattr(user, "is_authenticated", False):
        return False
    if job.started_by_id == user.pk:
        return True
    if not roles.is_staff_member(user):
        return False
    if job.congress_id is None:
        return roles.acting_congress_ids(user) is None
    return roles.acts_on(user, job.congress_id)


def can_list_jobs(user):
    return roles.is_staff_member(user)
