"""The committee staff's pages: the dashboard, the queues and the filtered
list (with its Excel export), one suggestion with the moves staff can make,
the same moves on several items at once (follow-up rounds, 回头看: views/followup.py).

A staff move is one entry of STAFF_ACTIONS (form, service call, message),
used by the single-item page and, for the moves offered in bulk, by the bulk
page alike."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congress_portal.accounts import roles

from .. import excel, selectors, services
from ..forms import (
    BULK_ACTIONS,
    AssignForm,
    BulkChoiceForm,
    CloseForm,
    DisclosureForm,
    ExtendForm,
    KeySupervisionForm,
    ReassignmentDecisionForm,
    RegisterForm,
    RejectForm,
    StaffFilterForm,
)
from ..models import AWAITING_REPLY, REPLIED_STATUSES, Disclosure, HandlingMode, Status
from .common import Action, deadline, detail_context, mark_deadlines, page_of, posted_action, staff_required


# ---------------------------------------------------------------- dashboard, queues, the list


@staff_required
def staff_dashboard(request):
    year = _year_param(request)
    overdue = mark_deadlines(list(selectors.overdue_list(user=request.user)[:10]))
    return render(request, "dashboard/index.html", {**selectors.staff_dashboard(user=request.user, year=year), "year": year, "overdue": overdue})


def _year_param(request):
    try:
        return int(request.GET.get("year") or 0) or None
    except ValueError:
        return None


def _staff_list(request, queryset, template, extra=None):
    page = page_of(request, queryset)
    mark_deadlines(page.object_list, open_=lambda s: s.status in AWAITING_REPLY)
    return render(request, template, {"page_obj": page, **(extra or {})})


@staff_required
def staff_review(request):
    """审查队列: submitted, oldest first."""
    return _staff_list(request, selectors.review_queue(user=request.user).with_units(), "dashboard/review.html")


@staff_required
def staff_assign_queue(request):
    """交办: registered items waiting for units, and re-assignment requests waiting for a decision."""
    requests_pending = list(selectors.reassignment_requests(user=request.user)[:50])
    queryset = selectors.assignment_queue(user=request.user).with_units()
    return _staff_list(request, queryset, "dashboard/assign_queue.html", {"reassignment_requests": requests_pending})


@staff_required
def staff_overdue(request):
    """超期与重点督办."""
    show = request.GET.get("show", "overdue")
    if show == "key":
        queryset = selectors.key_supervision_list(user=request.user).order_by(F("reply_due_at").asc(nulls_last=True), "pk")
    else:
        show = "overdue"
        queryset = selectors.overdue_list(user=request.user)
    return _staff_list(request, queryset, "dashboard/overdue.html", {"show": show})


@staff_required
def staff_disclosure(request):
    """公开审定: replied items whose publication is not decided yet."""
    queryset = selectors.disclosure_queue(user=request.user).with_units()
    return _staff_list(request, queryset, "dashboard/disclosure.html")


@staff_required
def staff_closed_unsatisfied(request):
    """不满意办结: closed with 不满意 after the re-handling limit was used up."""
    queryset = selectors.closed_unsatisfied(user=request.user)
    return _staff_list(request, queryset, "dashboard/closed_unsatisfied.html")


def staff_params(data):
    """The staff filter form's cleaned data as SuggestionFilter parameters."""
    params = {
        "keyword": data.get("q") or "",
        "status": [data["status"]] if data.get("status") else [],
        "unit": data["unit"].pk if data.get("unit") else "",
        "category": data["category"].pk if data.get("category") else "",
        "year": data.get("year") or "",
        "congress": data["congress"].pk if data.get("congress") else "",
    }
    return {k: v for k, v in params.items() if v}


def staff_filtered(user, data):
    """The staff's list through the suggestions app's FilterSet (the export uses the same)."""
    return selectors.staff_suggestion_list(user=user, params=staff_params(data)).order_by("-submitted_at", "-pk")


@staff_required
def staff_list(request):
    """All suggestions, filtered, newest first, paged by keyset (no count);
    the same filter exports to Excel."""
    form = StaffFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.staff_list_page(
        user=request.user, params=staff_params(data), after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    mark_deadlines(page.object_list, open_=lambda s: s.status in AWAITING_REPLY)
    congress = data.get("congress")
    return render(request, "dashboard/list.html", {
        "page_obj": page, "form": form, "congress": congress,
        # A congress below: read, not acted on (no ticking for key supervision or extensions).
        "read_only": congress is not None and not roles.acts_on(request.user, congress.pk),
    })


@staff_required
def staff_export(request):
    """Excel (xlsx) of the filtered list: the export the API gives too (excel.export_suggestions)."""
    form = StaffFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    response = HttpResponse(excel.export_suggestions(staff_filtered(request.user, data)), content_type=excel.XLSX)
    response["Content-Disposition"] = f"attachment; filename=suggestions-{timezone.localdate():%Y%m%d}.xlsx"
    return response


# ---------------------------------------------------------------- staff moves: one item, or several at once


@staff_required
def staff_units_export(request):
    """Excel (xlsx) of the units' figures: the league table's rows and the definitions."""
    response = HttpResponse(excel.export_unit_figures(selectors.league_table(user=request.user)), content_type=excel.XLSX)
    response["Content-Disposition"] = f"attachment; filename=unit-figures-{timezone.localdate():%Y%m%d}.xlsx"
    return response


def _assign(suggestion, user, data):
    lead = data["mode"] == HandlingMode.LEAD
    services.assign_suggestion(
        suggestion=suggestion,
        actor=user,
        mode=data["mode"],
        lead_unit=data["lead_unit"] if lead else None,
        co_units=list(data["co_units"]) if lead else [],
        split_units=list(data["split_units"]) if data["mode"] == HandlingMode.SPLIT else [],
        note=data["note"],
    )


def _decide_reassignment(suggestion, user, data):
    request = selectors.reassignment_request(suggestion=suggestion, pk=data["request_id"])
    if request is None:
        raise ValidationError(_("没有找到该调整申请。"))
    services.decide_reassignment(request=request, actor=user, approve=data["approve"], note=data["note"], new_unit=data["new_unit"])


# Every move staff make from the pages: each call takes (suggestion, user, cleaned data).
STAFF_ACTIONS = {
    "register": Action(
        RegisterForm, lambda s, user, d: services.register_suggestion(suggestion=s, actor=user, **d), gettext_lazy("审查通过，已编号。")
    ),
    "reject": Action(
        RejectForm, lambda s, user, d: services.reject_suggestion(suggestion=s, actor=user, **d), gettext_lazy("已决定不作为代表建议处理。")
    ),
    "assign": Action(AssignForm, _assign, gettext_lazy("已交办。")),
    "key": Action(
        KeySupervisionForm,
        lambda s, user, d: services.mark_key_supervision(suggestion=s, actor=user, **d),
        gettext_lazy("已确定为重点督办。"),
        bulk_done=gettext_lazy("已确定为重点督办"),
    ),
    "extend": Action(
        ExtendForm,
        lambda s, user, d: services.extend_deadline(suggestion=s, actor=user, **d),
        gettext_lazy("答复期限已延长。"),
        bulk_done=gettext_lazy("已延长答复期限"),
    ),
    "decide_reassignment": Action(ReassignmentDecisionForm, _decide_reassignment, gettext_lazy("调整申请已审批。")),
    "disclosure": Action(
        DisclosureForm, lambda s, user, d: services.decide_disclosure(suggestion=s, actor=user, **d), gettext_lazy("公开决定已保存。")
    ),
    "close": Action(CloseForm, lambda s, user, d: services.close_suggestion(suggestion=s, actor=user, **d), gettext_lazy("已办结。")),
}


@staff_required
def staff_detail(request, pk):
    """One suggestion as staff see it, with the moves staff can make now. The
    staff of a congress above read it (looking down, not acting down): no
    form, and what they post answers 404 like another congress's item."""
    suggestion = selectors.suggestion_detail(user=request.user, pk=pk, supervise=request.method != "POST")
    read_only = not roles.acts_on(request.user, suggestion.congress_id)
    def form_kwargs(action, todo):
        scope = {"suggestion": suggestion} if getattr(todo.form, "scoped_by_suggestion", False) else {}
        if action == "decide_reassignment":
            request_id = request.POST.get("request_id", "")
            scope["auto_id"] = f"id_req{request_id if request_id.isdigit() else ''}_%s"
        return {**scope, **_ids(action)}

    done, bound = posted_action(request, STAFF_ACTIONS, suggestion, form_kwargs=form_kwargs)
    if done:
        return redirect("suggestions:staff_detail", pk=pk)
    context = detail_context(suggestion)
    pending_requests = list(selectors.pending_reassignment_requests(suggestion=suggestion))
    for req in [] if read_only else pending_requests:
        req.form = (
            bound["decide_reassignment"]
            if "decide_reassignment" in bound and bound["decide_reassignment"].data.get("request_id") == str(req.pk)
            else ReassignmentDecisionForm(
                initial={"request_id": req.pk, "new_unit": req.suggested_unit_id}, suggestion=suggestion, auto_id=f"id_req{req.pk}_%s"
            )
        )
    status = suggestion.status
    context.update(
        forms={} if read_only else _staff_forms(suggestion, bound),
        read_only=read_only,
        pending_requests=pending_requests,
        events=selectors.timeline(user=request.user, suggestion=suggestion),
        deadline=deadline(suggestion.reply_due_at) if status in AWAITING_REPLY else None,
    )
    return render(request, "dashboard/detail.html", context)


# Forms shown together on one page whose fields share names (note, reason):
# each gets its own id prefix, so that no id (nor a label's target) repeats.
PREFIXED_IDS = {"key", "extend", "disclosure", "close"}


def _ids(action):
    return {"auto_id": f"id_{action}_%s"} if action in PREFIXED_IDS else {}


def _staff_forms(suggestion, bound):
    """The forms of the moves staff can make now (a bound one when it came back with errors)."""
    status = suggestion.status
    forms = {}
    if status == Status.SUBMITTED:
        forms["register"] = bound.get("register") or RegisterForm()
        forms["reject"] = bound.get("reject") or RejectForm()
    if status == Status.REGISTERED:
        forms["assign"] = bound.get("assign") or AssignForm(suggestion=suggestion)
    if status in (Status.REGISTERED, *AWAITING_REPLY):
        ks = getattr(suggestion, "key_supervision", None)
        initial = {"supervising_leader": ks.supervising_leader, "supervising_committee": ks.supervising_committee, "government_leader": ks.government_leader, "note": ks.note} if ks else None
        forms["key"] = bound.get("key") or KeySupervisionForm(initial=initial, **_ids("key"))
    if status == Status.ASSIGNED:
        forms["extend"] = bound.get("extend") or ExtendForm(**_ids("extend"))
    if status in REPLIED_STATUSES:
        forms["disclosure"] = bound.get("disclosure") or DisclosureForm(
            initial={"mode": suggestion.disclosure if suggestion.disclosure != Disclosure.UNDECIDED else None, "summary": suggestion.public_summary},
            **_ids("disclosure"),
        )
    if status in (Status.REPLIED, Status.FOLLOWUP_REPLIED):
        forms["close"] = bound.get("close") or CloseForm(**_ids("close"))
    return forms


def _safe_next(request, default):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@staff_required
@require_POST
def staff_bulk(request):
    """Mark the items ticked on a staff list for key supervision, or extend
    their reply deadline: the first post (from the list) asks for the details,
    the second applies them item by item through the services; what the state
    table refuses for an item is reported with its reason."""
    back = _safe_next(request, reverse("suggestions:staff_list"))
    choice = BulkChoiceForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not choice.is_valid() or not ids:
        messages.error(request, _("请先勾选建议，再选择要办理的事项。"))
        return redirect(back)
    action = choice.cleaned_data["action"]
    todo = STAFF_ACTIONS[action]
    if not todo.bulk_done:  # BULK_ACTIONS offers only moves that have a bulk message
        raise Http404
    chosen = list(selectors.staff_suggestion_list(user=request.user).filter(pk__in=ids).order_by("number", "pk"))
    if not chosen:
        raise Http404
    form = todo.form(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done, failed = 0, []
        for suggestion in chosen:
            try:
                todo.call(suggestion, request.user, form.cleaned_data)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                failed.append(f"{suggestion}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            messages.success(request, _("%(label)s：%(n)s 件。") % {"label": todo.bulk_done, "n": done})
        for line in failed:
            messages.error(request, line)
        return redirect(back)
    return render(
        request,
        "dashboard/bulk.html",
        {"form": form, "action": action, "action_label": dict(BULK_ACTIONS)[action], "chosen": chosen, "next": back},
    )
