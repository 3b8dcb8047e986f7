"""The inbox pages, the same for every signed-in role: each sees what is
addressed to them, to their unit or to them as a deputy. A unit's messages
are shared by its members (read by one, read for the unit)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .channels import XLSX_TYPE
from .excel import workbook_for
from .models import Kind, Notification


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
    queryset = selectors.inbox(user=request.user, unread_only=unread_only, kind=kind)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "kind": kind,
            "kinds": Kind.choices,
            "unread_count": selectors.unread_count(user=request.user),
        },
    )


@login_required
def detail(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if notification.read_at is None:
        # Opening a message is reading it.
        services.mark_read(user=request.user, notification_ids=[notification.pk])
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
def attachment(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if not notification.has_attachment:
        return HttpResponse(status=404)
    filename, content = workbook_for(notification)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename):
    from urllib.parse import quote

    return quote(filename)


def _back(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk):
    get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_read(user=request.user, notification_ids=[pk])
    return _back(request)


@login_required
@require_POST
def mark_unread(request, pk):
    get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_unread(user=request.user, notification_ids=[pk])
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(user=request.user)
    messages.success(request, _("已将 %(count)d 条消息标为已读。") % {"count": count})
    return _back(request)
