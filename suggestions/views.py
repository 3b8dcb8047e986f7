"""The suggestion pages of every audience: the deputy's self-service, the
handling unit's workspace, the staff dashboard and queues, and the public
disclosure pages.

The views are thin: reads go through the QuerySet methods and selectors of
the suggestions app (``visible_to`` scopes every list), and every write calls
one function of ``suggestions.services``; the errors it raises are put back
beside the fields of the form that was sent, with what was typed kept."""
import functools
import io

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, F, IntegerField, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from congress_portal.accounts import roles
from congress_portal.spreadsheets import escape_formula
from deputies.models import HandlingUnit

from . import selectors, services
from .forms import (
    BULK_ACTIONS,
    AssignForm,
    BulkChoiceForm,
    CloseForm,
    CoOpinionForm,
    ContactForm,
    DisclosureForm,
    ExtendForm,
    FollowUpRoundForm,
    FollowUpSelectForm,
    InboxFilterForm,
    KeySupervisionForm,
    PublicFilterForm,
    RatingForm,
    ReassignmentDecisionForm,
    ReassignmentForm,
    RegisterForm,
    RejectForm,
    ReplyForm,
    SecondRatingForm,
    SecondReplyForm,
    StaffFilterForm,
    SuggestionForm,
)
from .models import (
    AWAITING_REPLY,
    REPLIED_STATUSES,
    Assignment,
    AssignmentState,
    CoSignature,
    CoSignState,
    ContactLog,
    Decision,
    Disclosure,
    FollowUpItem,
    HandlingMode,
    ReassignmentRequest,
    Reply,
    ResultCategory,
    Status,
    Suggestion,
    UnitRole,
)

PAGE_SIZE = 20

# ---------------------------------------------------------------- helpers


def role_required(predicate):
    """Signed-in users of the role only; another role's page answers 404, the
    same as a page that does not exist."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


deputy_required = role_required(roles.is_deputy)
unit_required = role_required(roles.is_unit_member)
staff_required = role_required(roles.is_staff_member)


def put_errors_on(form, exc):
    """A service's ValidationError or PermissionDenied, beside the field it
    names (or above the form)."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("您无权办理此事项。"))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run(form, call):
    """Validate ``form`` and call the service with its cleaned data. True when done."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        put_errors_on(form, exc)
        return False
    return True


def page_of(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def days_left(due_at, now=None):
    """Whole days from today (Asia/Shanghai) to the due day; negative when overdue."""
    if due_at is None:
        return None
    today = timezone.localdate(now or timezone.now())
    return (timezone.localtime(due_at).date() - today).days


def deadline(due_at, now=None):
    """What a deadline badge shows: days left, or days overdue."""
    if due_at is None:
        return None
    now = now or timezone.now()
    left = days_left(due_at, now)
    late = due_at < now
    return {"due_at": due_at, "days_left": left, "is_late": late, "overdue_days": max(-left, 1) if late else 0}


def mark_deadlines(rows, due=lambda row: row.reply_due_at, open_=lambda row: True):
    """Sets ``row.deadline`` (``with_units`` already lists the lead unit first)."""
    now = timezone.now()
    for row in rows:
        row.deadline = deadline(due(row), now) if open_(row) else None
    return rows


def has_key_supervision(suggestion):
    try:
        return suggestion.key_supervision is not None
    except ObjectDoesNotExist:
        return False


# ---------------------------------------------------------------- deputies: my suggestions

@deputy_required
def my_list(request):
    """我的建议: my drafts, then what I led or was asked to co-sign, newest first, with due dates."""
    deputy = roles.deputy_of(request.user)
    page = page_of(request, selectors.deputy_suggestions(user=request.user).order_by("-submitted_at", "-pk"))
    mark_deadlines(page.object_list, open_=lambda s: s.status in AWAITING_REPLY)
    for s in page.object_list:
        s.i_lead = deputy is not None and s.lead_deputy_id == deputy.pk
    drafts = list(selectors.deputy_drafts(user=request.user)[:50])
    return render(request, "suggestions/deputy/list.html", {"page_obj": page, "drafts": drafts})


def _draft_values(data):
    return {name: data[name] for name in services.DRAFT_FIELDS}


@deputy_required
def create(request):
    """提出建议, or save it as a draft (with its attachments) to finish later."""
    deputy = roles.deputy_of(request.user)
    if deputy is None:
        raise Http404
    if request.method == "POST":
        saving = "save_draft" in request.POST
        form = SuggestionForm(request.POST, request.FILES, lead_deputy=deputy, for_draft=saving)
        if saving:
            if run(form, lambda data: _save_new_draft(request, deputy, data)):
                messages.success(request, _("草稿已保存，可随时在“我的建议”中继续填写。"))
                return redirect("suggestions:draft", pk=request.draft.pk)
        elif run(form, lambda data: _submit(request, deputy, data)):
            messages.success(request, _("建议已提交，等待代表工作委员会审核。"))
            return redirect("suggestions:my_detail", pk=request.submitted.pk)
    else:
        form = SuggestionForm(lead_deputy=deputy)
    return render(request, "suggestions/deputy/form.html", {"form": form, "draft": None})


def _submit(request, deputy, data):
    request.submitted = services.submit_suggestion(
        lead_deputy=deputy,
        title=data["title"],
        content=data["content"],
        category=data["category"],
        actor=request.user,
        during_session=data["during_session"],
        session=data["session"],
        disclosure_consent=data["disclosure_consent"],
        co_signers=list(data["co_signers"]),
        attachments=data["attachments"],
    )


def _save_new_draft(request, deputy, data):
    request.draft = services.save_draft(
        lead_deputy=deputy, actor=request.user, co_signers=list(data["co_signers"]), attachments=data["attachments"], **_draft_values(data)
    )


@deputy_required
def edit_draft(request, pk):
    """继续填写草稿: save it again, or submit it (what was typed is saved with it)."""
    draft = selectors.draft_detail(user=request.user, pk=pk)
    if request.method == "POST":
        saving = "save_draft" in request.POST
        form = SuggestionForm(request.POST, request.FILES, lead_deputy=draft.lead_deputy, draft=draft, for_draft=saving)

        def save(data):
            services.update_draft(
                suggestion=draft,
                actor=request.user,
                co_signers=list(data["co_signers"]),
                attachments=data["attachments"],
                remove_attachments=list(data.get("remove_attachments") or []),
                **_draft_values(data),
            )

        def submit(data):
            with transaction.atomic():  # a draft that cannot be submitted stays as it was
                save(data)
                services.submit_draft(suggestion=draft, actor=request.user)

        if run(form, save if saving else submit):
            if saving:
                messages.success(request, _("草稿已保存。"))
                return redirect("suggestions:draft", pk=draft.pk)
            messages.success(request, _("建议已提交，等待代表工作委员会审核。"))
            return redirect("suggestions:my_detail", pk=draft.pk)
    else:
        initial = {name: getattr(draft, name) for name in services.DRAFT_FIELDS}
        initial["co_signers"] = [c.deputy_id for c in draft.cosignatures.all()]
        form = SuggestionForm(initial=initial, lead_deputy=draft.lead_deputy, draft=draft)
    return render(request, "suggestions/deputy/form.html", {"form": form, "draft": draft})


@deputy_required
@require_POST
def delete_draft(request, pk):
    draft = selectors.draft_detail(user=request.user, pk=pk)
    try:
        services.delete_draft(suggestion=draft, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("草稿已删除。"))
    return redirect("suggestions:my_list")


@deputy_required
def invitations(request):
    """附议邀请: confirm or decline."""
    deputy = roles.deputy_of(request.user)
    invites = (
        CoSignature.objects.filter(deputy=deputy, state=CoSignState.INVITED)
        .select_related("suggestion__lead_deputy", "suggestion__category")
        .order_by("-invited_at", "-pk")
    )
    if request.method == "POST":
        invite = get_object_or_404(invites, pk=request.POST.get("invitation"))
        accept = request.POST.get("accept") == "1"
        try:
            services.respond_to_cosign(suggestion=invite.suggestion, actor=request.user, accept=accept)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已确认附议。") if accept else _("已谢绝附议。"))
        return redirect("suggestions:invitations")
    return render(request, "suggestions/deputy/invitations.html", {"page_obj": page_of(request, invites)})


def _detail_context(suggestion):
    """What every detail page shows, from the prefetches of selectors.suggestion_detail."""
    replies = sorted(suggestion.replies.all(), key=lambda r: (r.replied_at, r.pk))
    return {
        "suggestion": suggestion,
        "assignments": suggestion.active_assignments,
        "replies": replies,
        "current_replies": [r for r in replies if r.is_current],
        "cosignatures": sorted(suggestion.cosignatures.all(), key=lambda c: c.pk),
        "attachments": list(suggestion.attachments.all()),
    }


def _deputy_detail_context(request, suggestion, forms=None):
    deputy = roles.deputy_of(request.user)
    context = _detail_context(suggestion)
    context["events"] = selectors.timeline(user=request.user, suggestion=suggestion)
    context["followup_items"] = list(
        FollowUpItem.objects.filter(suggestion=suggestion).select_related("assignment__unit", "round", "result_category").order_by("round_id", "pk")
    )
    i_lead = suggestion.lead_deputy_id == deputy.pk
    context["i_lead"] = i_lead
    context["my_invitation"] = next((c for c in context["cosignatures"] if c.deputy_id == deputy.pk and c.state == CoSignState.INVITED), None)
    forms = forms or {}
    to_rate = []
    if i_lead and suggestion.status == Status.REPLIED:
        for reply in context["current_replies"]:
            if not hasattr(reply, "rating") and reply.assignment.is_active and reply.assignment.role != UnitRole.CO:
                reply.rating_form = forms.get(("rate", reply.pk)) or RatingForm(prefix=f"r{reply.pk}")
                to_rate.append(reply)
    context["to_rate"] = to_rate
    if i_lead and suggestion.status == Status.FOLLOWUP_REPLIED:
        context["second_rating_form"] = forms.get("rate_second") or SecondRatingForm()
    context["can_withdraw"] = i_lead and suggestion.status == Status.SUBMITTED
    context["deadline"] = deadline(suggestion.reply_due_at) if suggestion.status in AWAITING_REPLY else None
    return context


@deputy_required
def my_detail(request, pk):
    """One of my suggestions: its timeline, units, replies; rate a reply here."""
    try:
        suggestion = selectors.suggestion_detail(user=request.user, pk=pk)
    except Http404:
        if selectors.deputy_drafts(user=request.user).filter(pk=pk).exists():
            return redirect("suggestions:draft", pk=pk)  # a draft is edited, not followed
        raise
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        done = False
        if action == "rate":
            reply = get_object_or_404(Reply, pk=request.POST.get("reply"), suggestion=suggestion)
            form = RatingForm(request.POST, prefix=f"r{reply.pk}")
            forms[("rate", reply.pk)] = form
            done = run(form, lambda d: services.rate_reply(reply=reply, actor=request.user, **d))
            success = _("测评已提交。")
        elif action == "rate_second":
            form = forms["rate_second"] = SecondRatingForm(request.POST)
            done = run(form, lambda d: services.rate_second_reply(suggestion=suggestion, actor=request.user, **d))
            success = _("回头看测评已提交。")
        elif action in ("confirm", "decline", "withdraw"):
            try:
                if action == "withdraw":
                    services.withdraw_suggestion(suggestion=suggestion, actor=request.user)
                else:
                    services.respond_to_cosign(suggestion=suggestion, actor=request.user, accept=action == "confirm")
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, {"confirm": _("已确认附议。"), "decline": _("已谢绝附议。"), "withdraw": _("建议已撤回。")}[action])
            return redirect("suggestions:my_detail", pk=pk)
        else:
            raise Http404
        if done:
            messages.success(request, success)
            return redirect("suggestions:my_detail", pk=pk)
    context = _deputy_detail_context(request, suggestion, forms)
    return render(request, "suggestions/deputy/detail.html", context)


# ---------------------------------------------------------------- handling units


def _unit_assignments(user):
    return Assignment.objects.filter(unit_id=roles.unit_id_of(user), is_active=True)


@unit_required
def unit_inbox(request):
    """The unit's inbox: every active assignment, the nearest deadline first, overdue marked."""
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    params = {"keyword": data.get("q") or "", "state": [data["state"]] if data.get("state") else [], "overdue": True if data.get("overdue") else None}
    assignments = selectors.unit_inbox(user=request.user, params={k: v for k, v in params.items() if v})
    # Open items first, the nearest deadline (reply, or a co-unit's opinion) first.
    done = Case(When(state__in=[AssignmentState.REPLIED, AssignmentState.OPINION_SUBMITTED], then=1), default=0, output_field=IntegerField())
    assignments = assignments.annotate(done=done, due=Coalesce("reply_due_at", "opinion_due_at")).order_by(
        "done", F("due").asc(nulls_last=True), "pk"
    )
    page = page_of(request, assignments)
    open_states = (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.REASSIGNMENT_REQUESTED, AssignmentState.REHANDLING)
    mark_deadlines(
        page.object_list,
        due=lambda a: a.reply_due_at or a.opinion_due_at,
        open_=lambda a: a.state in open_states and (a.reply_due_at or a.opinion_due_at) is not None,
    )
    return render(request, "suggestions/unit/inbox.html", {"page_obj": page, "form": form})


UNIT_ACTIONS = {
    # action: (form class, success message)
    "reassign": (ReassignmentForm, "已提交调整申请，等待代表工作委员会审批。"),
    "co_opinion": (CoOpinionForm, "协办意见已送主办单位。"),
    "contact": (ContactForm, "联系记录已登记。"),
    "reply": (ReplyForm, "答复已提交。"),
    "second_reply": (SecondReplyForm, "二次答复已提交。"),
}


def _unit_call(action, assignment, user, data, followup_item=None):
    if action == "reassign":
        services.request_reassignment(assignment=assignment, actor=user, **data)
    elif action == "co_opinion":
        services.submit_co_opinion(assignment=assignment, actor=user, **data)
    elif action == "contact":
        services.log_contact(assignment=assignment, actor=user, **data)
    elif action == "reply":
        services.reply_to_suggestion(assignment=assignment, actor=user, **data)
    elif action == "second_reply":
        if followup_item is None:
            raise ValidationError(_("该建议没有待二次答复的回头看事项。"))
        services.submit_second_reply(item=followup_item, actor=user, **data)


@unit_required
def unit_detail(request, pk):
    """One assignment of my unit: the suggestion, and what my unit can do now."""
    assignment = get_object_or_404(
        _unit_assignments(request.user).select_related("suggestion__lead_deputy", "suggestion__category", "suggestion__key_supervision", "unit"),
        pk=pk,
    )
    suggestion = assignment.suggestion
    followup_item = (
        FollowUpItem.objects.filter(assignment=assignment, replied_at__isnull=True, suggestion__status=Status.FOLLOWUP)
        .select_related("round")
        .order_by("-round_id")
        .first()
    )
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "acknowledge":
            try:
                services.acknowledge_assignment(assignment=assignment, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("已签收。"))
            return redirect("suggestions:unit_detail", pk=pk)
        if action not in UNIT_ACTIONS:
            raise Http404
        form_class, success = UNIT_ACTIONS[action]
        form = bound[action] = form_class(request.POST, request.FILES)
        if run(form, lambda d: _unit_call(action, assignment, request.user, d, followup_item)):
            messages.success(request, _(success))
            return redirect("suggestions:unit_detail", pk=pk)
    suggestion = selectors.suggestion_detail(user=request.user, pk=suggestion.pk)
    context = _detail_context(suggestion)
    context.update(
        assignment=assignment,
        followup_item=followup_item,
        events=selectors.timeline(user=request.user, suggestion=suggestion),
        contacts=list(ContactLog.objects.filter(assignment=assignment).order_by("contacted_at", "pk")),
        co_opinions=list(selectors.co_opinions(suggestion=suggestion)),
        deadline=deadline(assignment.reply_due_at or assignment.opinion_due_at)
        if assignment.state not in (AssignmentState.REPLIED, AssignmentState.OPINION_SUBMITTED)
        else None,
    )
    state = assignment.state
    owes_reply = assignment.role in (UnitRole.LEAD, UnitRole.SPLIT)
    forms = {}
    if state == AssignmentState.PENDING:
        forms["acknowledge"] = True
    if state in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED) and (
        assignment.reassignment_deadline is None or timezone.localdate() <= assignment.reassignment_deadline
    ):
        forms["reassign"] = bound.get("reassign") or ReassignmentForm()
    if assignment.role == UnitRole.CO and state in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.OPINION_SUBMITTED) and suggestion.status in AWAITING_REPLY:
        forms["co_opinion"] = bound.get("co_opinion") or CoOpinionForm()
    if suggestion.status in (*AWAITING_REPLY, Status.REPLIED, Status.FOLLOWUP):
        forms["contact"] = bound.get("contact") or ContactForm(initial={"contacted_at": timezone.localtime().replace(second=0, microsecond=0)})
    if owes_reply and state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REHANDLING) and suggestion.status in AWAITING_REPLY:
        forms["reply"] = bound.get("reply") or ReplyForm()
    if followup_item is not None:
        forms["second_reply"] = bound.get("second_reply") or SecondReplyForm()
    context["forms"] = forms
    return render(request, "suggestions/unit/detail.html", context)


@unit_required
def unit_figures(request):
    """本单位统计 (selectors.unit_figures)."""
    unit = get_object_or_404(HandlingUnit.objects.only("name", "short_name"), pk=roles.unit_id_of(request.user))
    return render(request, "suggestions/unit/figures.html", {"unit": unit, **selectors.unit_figures(unit_id=unit.pk)})


# ---------------------------------------------------------------- staff


REGISTERED_ON = (Status.REGISTERED, Status.ASSIGNED, *REPLIED_STATUSES)
ASSIGNED_ON = (Status.ASSIGNED, *REPLIED_STATUSES)


def dashboard(user, year=None):
    """Headline figures and chart data from selectors.dashboard_figures."""
    data = selectors.dashboard_figures(user=user, year=year)
    count = {row["status"]: row["count"] for row in data["by_status"]}
    rate = data["satisfaction_rate"]
    figures = {
        "submitted": data["total"] - count.get(Status.WITHDRAWN, 0),
        "awaiting_review": count.get(Status.SUBMITTED, 0),
        "registered": sum(count.get(s, 0) for s in REGISTERED_ON),
        "assigned": sum(count.get(s, 0) for s in ASSIGNED_ON),
        "replied": sum(count.get(s, 0) for s in REPLIED_STATUSES),
        "overdue": data["overdue"],
        "key": data["key_supervision"],
        "rated": data["rated_replies"],
        "satisfaction_rate": round(rate * 100, 1) if rate is not None else None,
    }
    by_unit = sorted(data["by_unit"], key=lambda r: (-r["assigned"], r["unit__name"]))[:15]
    charts = {
        "by_unit": {"title": _("各承办单位交办件数（前15）"), "labels": [r["unit__name"] for r in by_unit], "values": [r["assigned"] for r in by_unit]},
        "by_category": {"title": _("按类别"), "labels": [r["category"] for r in data["by_category"]], "values": [r["count"] for r in data["by_category"]]},
        "by_result": {
            "title": _("按办理结果"),
            "labels": [f"{r['code']} {r['name']}" for r in data["by_result_category"]],
            "values": [r["count"] for r in data["by_result_category"]],
        },
    }
    return figures, charts


def _year_param(request):
    try:
        return int(request.GET.get("year") or 0) or None
    except ValueError:
        return None


@staff_required
def staff_dashboard(request):
    year = _year_param(request)
    years = list(Suggestion.objects.submitted().order_by("-year").values_list("year", flat=True).distinct())
    figures, charts = dashboard(request.user, year)
    for chart in charts.values():
        chart["rows"] = list(zip(chart["labels"], chart["values"]))
    overdue = list(
        selectors.overdue_list(user=request.user)[:10]
    )
    mark_deadlines(overdue)
    return render(
        request,
        "dashboard/index.html",
        {
            "figures": figures,
            "charts": charts,
            "charts_data": {k: {"labels": c["labels"], "values": c["values"]} for k, c in charts.items()},
            "years": years,
            "year": year,
            "overdue": overdue,
        },
    )


def _staff_list(request, queryset, template, extra=None):
    page = page_of(request, queryset)
    mark_deadlines(page.object_list, open_=lambda s: s.status in AWAITING_REPLY)
    return render(request, template, {"page_obj": page, **(extra or {})})


@staff_required
def staff_review(request):
    """审核队列: submitted, oldest first."""
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


def staff_filtered(user, data):
    """The staff's list through the suggestions app's FilterSet (the export uses the same)."""
    params = {
        "keyword": data.get("q") or "",
        "status": [data["status"]] if data.get("status") else [],
        "unit": data["unit"].pk if data.get("unit") else "",
        "category": data["category"].pk if data.get("category") else "",
        "year": data.get("year") or "",
    }
    params = {k: v for k, v in params.items() if v}
    return selectors.staff_suggestion_list(user=user, params=params).order_by("-submitted_at", "-pk")


@staff_required
def staff_list(request):
    """All suggestions, filtered; the same filter exports to Excel."""
    form = StaffFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return _staff_list(request, staff_filtered(request.user, data), "dashboard/list.html", {"form": form})


def _cell(value):
    # A cell that starts like a formula is written as text, so Excel never runs it.
    return escape_formula("" if value is None else str(value))


@staff_required
def staff_export(request):
    """Excel (xlsx) of the filtered list, at most 20,000 rows, streamed from a
    write-only workbook."""
    from openpyxl import Workbook

    form = StaffFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("代表建议"))
    sheet.append([_("编号"), _("标题"), _("领衔代表"), _("类别"), _("年度"), _("状态"), _("承办单位"), _("交办时间"), _("答复期限"), _("答复时间"), _("重点督办")])
    for s in staff_filtered(request.user, data)[:20000].iterator(chunk_size=2000):  # prefetches run per chunk
        units = "、".join(f"{a.unit}（{a.get_role_display()}）" for a in s.active_assignments)
        sheet.append(
            [
                _cell(s.number_label),
                _cell(s.title),
                _cell(s.lead_deputy.name),
                _cell(s.category.name),
                s.year,
                _cell(s.get_status_display()),
                _cell(units),
                timezone.localtime(s.assigned_at).strftime("%Y-%m-%d") if s.assigned_at else "",
                timezone.localtime(s.reply_due_at).strftime("%Y-%m-%d") if s.reply_due_at else "",
                timezone.localtime(s.replied_at).strftime("%Y-%m-%d") if s.replied_at else "",
                _("是") if has_key_supervision(s) else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=suggestions-{timezone.localdate():%Y%m%d}.xlsx"
    return response


STAFF_ACTIONS = {
    "register": (RegisterForm, "已立案。"),
    "reject": (RejectForm, "已作不予立案处理。"),
    "assign": (AssignForm, "已交办。"),
    "key": (KeySupervisionForm, "已确定为重点督办。"),
    "extend": (ExtendForm, "答复期限已延长。"),
    "decide_reassignment": (ReassignmentDecisionForm, "调整申请已审批。"),
    "disclosure": (DisclosureForm, "公开决定已保存。"),
    "close": (CloseForm, "已办结。"),
}


def _staff_call(action, suggestion, user, data):
    if action == "register":
        services.register_suggestion(suggestion=suggestion, actor=user, **data)
    elif action == "reject":
        services.reject_suggestion(suggestion=suggestion, actor=user, **data)
    elif action == "assign":
        services.assign_suggestion(
            suggestion=suggestion,
            actor=user,
            mode=data["mode"],
            lead_unit=data["lead_unit"] if data["mode"] == HandlingMode.LEAD else None,
            co_units=list(data["co_units"]) if data["mode"] == HandlingMode.LEAD else [],
            split_units=list(data["split_units"]) if data["mode"] == HandlingMode.SPLIT else [],
            note=data["note"],
        )
    elif action == "key":
        services.mark_key_supervision(suggestion=suggestion, actor=user, **data)
    elif action == "extend":
        services.extend_deadline(suggestion=suggestion, actor=user, **data)
    elif action == "decide_reassignment":
        request = ReassignmentRequest.objects.filter(pk=data["request_id"], assignment__suggestion=suggestion).first()
        if request is None:
            raise ValidationError(_("没有找到该调整申请。"))
        services.decide_reassignment(request=request, actor=user, approve=data["approve"], note=data["note"], new_unit=data["new_unit"])
    elif action == "disclosure":
        services.decide_disclosure(suggestion=suggestion, actor=user, **data)
    elif action == "close":
        services.close_suggestion(suggestion=suggestion, actor=user, **data)


@staff_required
def staff_detail(request, pk):
    """One suggestion as staff see it, with the moves staff can make now."""
    suggestion = selectors.suggestion_detail(user=request.user, pk=pk)
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in STAFF_ACTIONS:
            raise Http404
        form_class, success = STAFF_ACTIONS[action]
        form = bound[action] = form_class(request.POST)
        if run(form, lambda d: _staff_call(action, suggestion, request.user, d)):
            messages.success(request, _(success))
            return redirect("suggestions:staff_detail", pk=pk)
    context = _detail_context(suggestion)
    pending_requests = list(
        ReassignmentRequest.objects.filter(assignment__suggestion=suggestion, decision=Decision.PENDING).select_related(
            "assignment__unit", "suggested_unit"
        )
    )
    status = suggestion.status
    forms = {}
    if status == Status.SUBMITTED:
        forms["register"] = bound.get("register") or RegisterForm()
        forms["reject"] = bound.get("reject") or RejectForm()
    if status == Status.REGISTERED:
        forms["assign"] = bound.get("assign") or AssignForm()
    if status in (Status.REGISTERED, *AWAITING_REPLY):
        ks = getattr(suggestion, "key_supervision", None)
        initial = {"supervising_leader": ks.supervising_leader, "supervising_committee": ks.supervising_committee, "government_leader": ks.government_leader, "note": ks.note} if ks else None
        forms["key"] = bound.get("key") or KeySupervisionForm(initial=initial)
    if status == Status.ASSIGNED:
        forms["extend"] = bound.get("extend") or ExtendForm()
    for req in pending_requests:
        req.form = (
            bound["decide_reassignment"]
            if "decide_reassignment" in bound and bound["decide_reassignment"].data.get("request_id") == str(req.pk)
            else ReassignmentDecisionForm(initial={"request_id": req.pk, "new_unit": req.suggested_unit_id})
        )
    if status in REPLIED_STATUSES:
        forms["disclosure"] = bound.get("disclosure") or DisclosureForm(
            initial={"mode": suggestion.disclosure if suggestion.disclosure != Disclosure.UNDECIDED else None, "summary": suggestion.public_summary}
        )
    if status in (Status.REPLIED, Status.FOLLOWUP_REPLIED):
        forms["close"] = bound.get("close") or CloseForm()
    context.update(
        forms=forms,
        pending_requests=pending_requests,
        events=selectors.timeline(user=request.user, suggestion=suggestion),
        deadline=deadline(suggestion.reply_due_at) if status in AWAITING_REPLY else None,
    )
    return render(request, "dashboard/detail.html", context)


# ---------------------------------------------------------------- staff: several items at once

BULK = {
    # action: (form class, service call, success message)
    "key": (KeySupervisionForm, lambda s, user, d: services.mark_key_supervision(suggestion=s, actor=user, **d), _lazy("已确定为重点督办")),
    "extend": (ExtendForm, lambda s, user, d: services.extend_deadline(suggestion=s, actor=user, **d), _lazy("已延长答复期限")),
}


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
    form_class, call, done_label = BULK[action]
    chosen = list(selectors.staff_suggestion_list(user=request.user).filter(pk__in=ids).order_by("number", "pk"))
    if not chosen:
        raise Http404
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done, failed = 0, []
        for suggestion in chosen:
            try:
                call(suggestion, request.user, form.cleaned_data)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                failed.append(f"{suggestion}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            messages.success(request, _("%(label)s：%(n)s 件。") % {"label": done_label, "n": done})
        for line in failed:
            messages.error(request, line)
        return redirect(back)
    return render(
        request,
        "dashboard/bulk.html",
        {"form": form, "action": action, "action_label": dict(BULK_ACTIONS)[action], "chosen": chosen, "next": back},
    )


# ---------------------------------------------------------------- staff: follow-up review (回头看)


@staff_required
def staff_followup(request):
    """回头看: choose replied items (by year and result category, then tick),
    set the second-reply deadline, open the round; below, the rounds so far."""
    closed_years = Suggestion.objects.filter(status=Status.CLOSED).order_by("-year").values_list("year", flat=True).distinct()
    promising = ResultCategory.objects.filter(is_active=True, promises_action=True)
    select = FollowUpSelectForm(request.GET or None, years=list(closed_years), initial={"results": list(promising)})
    if select.is_bound and select.is_valid():
        year, codes = select.cleaned_data["year"], [r.code for r in select.cleaned_data["results"]]
    else:
        year, codes = None, []
    candidates = selectors.followup_candidates(user=request.user, year=year, result_codes=codes)
    if request.method == "POST":
        form = FollowUpRoundForm(request.POST, candidates=candidates)
        if run(
            form,
            lambda d: services.open_followup_round(
                title=d["title"], suggestions=d["suggestions"], due_date=d["due_date"], note=d["note"], actor=request.user
            ),
        ):
            messages.success(request, _("回头看「%(title)s」已开始，共 %(n)s 件建议。") % {"title": form.cleaned_data["title"], "n": len(form.cleaned_data["suggestions"])})
            return redirect("suggestions:staff_followup")
        ticked = {str(v) for v in request.POST.getlist("suggestions")}
    else:
        form = FollowUpRoundForm(candidates=candidates)
        ticked = None  # all ticked
    rows = list(candidates[:FOLLOWUP_MAX_ROWS]) if codes else []
    for row in rows:
        row.ticked = ticked is None or str(row.pk) in ticked
    return render(
        request,
        "dashboard/followup.html",
        {
            "select": select,
            "form": form,
            "chosen_codes": codes,
            "rows": rows,
            "more": codes and len(rows) == FOLLOWUP_MAX_ROWS and candidates.count() > FOLLOWUP_MAX_ROWS,
            "rounds": list(selectors.followup_rounds(user=request.user)[:20]),
        },
    )


FOLLOWUP_MAX_ROWS = 1000


# ---------------------------------------------------------------- public


def public_params(data):
    """The public form's cleaned data as PublicSuggestionFilter parameters."""
    params = {
        "keyword": data.get("q") or "",
        "year": data.get("year") or "",
        "category": data["category"].pk if data.get("category") else "",
        "unit": data["unit"].pk if data.get("unit") else "",
        "result_category": data["result_category"].pk if data.get("result_category") else "",
    }
    return {k: v for k, v in params.items() if v}


def public_list(request):
    """建议公开: search and browse published suggestions and their replies."""
    years = list(Suggestion.objects.published().order_by("-year").values_list("year", flat=True).distinct())
    form = PublicFilterForm(request.GET or None, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    page = page_of(request, selectors.public_published_list(params=public_params(data), with_units=True))
    mark_deadlines(page.object_list, open_=lambda s: False)
    return render(request, "public/list.html", {"form": form, "page_obj": page, "q": data.get("q", "")})


def public_detail(request, pk):
    suggestion = selectors.suggestion_detail(user=AnonymousUser(), pk=pk)
    context = _detail_context(suggestion)
    context["cosignatures"] = [c for c in context["cosignatures"] if c.state == CoSignState.CONFIRMED]
    context["attachments"] = []
    context["events"] = selectors.timeline(user=AnonymousUser(), suggestion=suggestion)
    context["full"] = suggestion.disclosure == Disclosure.FULL
    return render(request, "public/detail.html", context)


def public_units(request):
    """承办单位排行: reply on time and satisfaction, by unit."""
    return render(request, "public/units.html", {"rows": selectors.league_table()})


# ---------------------------------------------------------------- attachments


def _serve(request, file_field, name):
    from django.http import FileResponse

    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=name)


def attachment(request, pk):
    """A suggestion's attachment, for whoever may see the suggestion in the
    portal (never the public: published pages carry no attachments)."""
    from .models import SuggestionAttachment

    if not request.user.is_authenticated:
        raise Http404
    visible = Suggestion.objects.visible_to(request.user)
    item = get_object_or_404(SuggestionAttachment.objects.filter(suggestion__in=visible), pk=pk)
    return _serve(request, item.file, item.name)


def reply_attachment(request, pk):
    from .models import ReplyAttachment

    if not request.user.is_authenticated:
        raise Http404
    visible = Suggestion.objects.visible_to(request.user)
    item = get_object_or_404(ReplyAttachment.objects.filter(reply__suggestion__in=visible), pk=pk)
    return _serve(request, item.file, item.name)
