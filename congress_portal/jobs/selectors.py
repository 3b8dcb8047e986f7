"""Reads of background jobs."""
from django.http import Http404

from congress_portal.keyset import keyset_page

from .models import Job
from .permissions import can_see_job

PAGE_SIZE = 20


def job_for(*, user, pk):
    """The job, or Http404 when it does not exist or the user may not see it."""
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None or not can_see_job(user, job):
        raise Http404
    return job


def my_jobs_page(*, user, after="", before=""):
    """我的后台任务: the jobs the user started, newest first, by keyset."""
    queryset = Job.objects.filter(started_by=user).defer("errors", "params")
    return keyset_page(queryset, keys=("created_at", "id"), after=after, before=before, size=PAGE_SIZE, descending=True)
