"""Pages of background jobs: one job (progress, polled by htmx until it
ends, then its result), its files, and 我的后台任务 for staff."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from congress_portal.uploads import file_response

from . import registry, selectors
from .permissions import can_list_jobs

# How often the page asks for the job's progress (htmx "every").
POLL_SECONDS = 2


def _context(job):
    return {
        "job": job, "kind_label": registry.label_of(job.kind), "poll_seconds": POLL_SECONDS,
        "result_template": registry.result_template_of(job.kind),
    }


@login_required
def detail(request, pk):
    job = selectors.job_for(user=request.user, pk=pk)
    return render(request, "jobs/detail.html", _context(job))


@login_required
def status(request, pk):
    """The job's progress and, once it has ended, its result: the fragment
    the page swaps in every POLL_SECONDS while the job is queued or running."""
    job = selectors.job_for(user=request.user, pk=pk)
    return render(request, "jobs/_status.html", _context(job))


@login_required
def output(request, pk):
    job = selectors.job_for(user=request.user, pk=pk)
    return file_response(job.output_file, name=job.output_name or None)


@login_required
def mine(request):
    if not can_list_jobs(request.user):
        raise Http404
    page = selectors.my_jobs_page(user=request.user, after=request.GET.get("after", ""), before=request.GET.get("before", ""))
    for job in page.object_list:
        job.kind_label = registry.label_of(job.kind)
    return render(request, "jobs/mine.html", {"page_obj": page})
