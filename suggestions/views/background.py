"""Staff pages that start background jobs (suggestions.jobs): the Excel
export of the filtered list, and sending the month's 进度通报 now. Each
starts the job and lands on its page, which shows the progress and the result."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import jobs
from ..forms import StaffFilterForm
from ..permissions import can_send_progress_notices
from .common import staff_required
from .staff import staff_params


@staff_required
@require_POST
def staff_export_job(request):
    """导出 Excel of the list as filtered (the filter is in the query string)."""
    form = StaffFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    job = jobs.start_export(actor=request.user, params=staff_params(data))
    messages.success(request, _("已开始导出（第%(number)d号任务），完成后在本页下载。") % {"number": job.pk})
    return redirect("jobs:detail", pk=job.pk)


@staff_required
def staff_send_monthly_notices(request):
    """立即发送本月进度通报: a page that says what will be sent, then the job."""
    if not can_send_progress_notices(request.user):
        raise Http404
    if request.method == "POST":
        try:
            job = jobs.start_monthly_notices(actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("已开始发送本月进度通报（第%(number)d号任务），进度见本页。") % {"number": job.pk})
        return redirect("jobs:detail", pk=job.pk)
    today = timezone.localdate()
    return render(request, "suggestions/send_monthly_notices.html", {"today": today})
