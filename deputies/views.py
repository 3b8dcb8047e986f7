"""Pages of the deputies app: the public deputy directory (no personal data,
ID number, phone or birth date, is read for it, let alone shown) and the
staff's roster import, which runs as a background job."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from congress_portal.forms import PortalForm
from congress_portal.jobs import selectors as job_selectors

from . import jobs, selectors
from .models import Level
from .permissions import can_import_deputies


class DirectoryFilterForm(PortalForm):
    q = forms.CharField(label=_("姓名或工作单位"), required=False, max_length=64)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices])
    place = forms.CharField(label=_("地区或代表团"), required=False, max_length=64)


def directory(request):
    """代表名录: serving deputies, one row per mandate, filterable by name, level
    and place, paged by keyset (no page numbers, no count of the whole set)."""
    form = DirectoryFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    page = selectors.directory_page(
        q=cleaned.get("q"), level=cleaned.get("level"), place=cleaned.get("place"),
        after=request.GET.get("after", ""), before=request.GET.get("before", ""),
    )
    return render(request, "deputies/directory.html", {"form": form, "page_obj": page})


class RosterImportForm(PortalForm):
    file = forms.FileField(
        label=_("代表名册（.xlsx）"),
        help_text=_("每个代表资格一行；必填列：身份证号码、姓名、性别、人大区划代码、层级、届次。有错误行则整个文件不导入。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


@login_required
def roster_import(request):
    """导入代表名册: the upload starts a background job (jobs.start_roster_import);
    the officer lands on its page, which shows the progress and then the result."""
    if not can_import_deputies(request.user):
        raise Http404
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.start_roster_import(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("已开始导入代表名册（第%(number)d号任务），进度见本页。") % {"number": job.pk})
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "deputies/roster_import.html", {"form": form})


@login_required
@require_POST
def roster_import_confirm(request, pk):
    """Import a refused file again with the changes it listed confirmed."""
    job = job_selectors.job_for(user=request.user, pk=pk)
    if not can_import_deputies(request.user):
        raise Http404
    try:
        again = jobs.confirm_roster_changes(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("jobs:detail", pk=job.pk)
    messages.success(request, _("已确认修改并重新导入该文件（第%(number)d号任务）。") % {"number": again.pk})
    return redirect("jobs:detail", pk=again.pk)
