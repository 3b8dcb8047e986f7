"""The deputy's pages: my suggestions and drafts, submitting one, co-signing
invitations, and one suggestion with its timeline and the ratings to give."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress_portal.accounts import roles
from congress_portal.workdays import due_date_after_months, local_today

from .. import selectors, services
from ..forms import RatingForm, SecondRatingForm, SuggestionForm
from ..models import AWAITING_REPLY, CoSignState, Reply, Satisfaction, Status, SuggestionPolicy, UnitRole
from .common import deadline, deputy_required, detail_context, mark_deadlines, page_of, refusal, run


@deputy_required
def my_list(request):
    """我的建议: my drafts, then what I led or was asked to co-sign, newest first, with due dates."""
    deputy = roles.deputy_of(request.user)
    page = selectors.deputy_list_page(
        user=request.user, after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
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
            messages.success(request, _("建议已提交，等待代表工作委员会审查。"))
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
        congress=data.get("congress"),
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
            messages.success(request, _("建议已提交，等待代表工作委员会审查。"))
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
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("草稿已删除。"))
    return redirect("suggestions:my_list")


@deputy_required
def invitations(request):
    """附议邀请: confirm or decline."""
    invites = selectors.cosign_invitations(user=request.user)
    if request.method == "POST":
        invite = get_object_or_404(invites, pk=request.POST.get("invitation"))
        accept = request.POST.get("accept") == "1"
        try:
            services.respond_to_cosign(suggestion=invite.suggestion, actor=request.user, accept=accept)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, _("已确认附议。") if accept else _("已表示不同意附议。"))
        return redirect("suggestions:invitations")
    return render(request, "suggestions/deputy/invitations.html", {"page_obj": page_of(request, invites)})


def _deputy_detail_context(request, suggestion, forms=None):
    deputy = roles.deputy_of(request.user)
    context = detail_context(suggestion)
    context["events"] = selectors.timeline(user=request.user, suggestion=suggestion)
    context["followup_items"] = list(selectors.suggestion_followup_items(suggestion=suggestion))
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


def _not_satisfied(data):
    return Satisfaction.NOT_SATISFIED in (data["process_rating"], data["result_rating"])


def _unsatisfied_consequence(suggestion, reply):
    """What a 不满意 will do to this suggestion, before the deputy confirms it."""
    policy = SuggestionPolicy.current()
    unit = reply.assignment.unit.name
    if suggestion.rehandling_count >= policy.max_rehandlings:
        return _("本件已重新办理%(n)s次，达到上限：选择不满意后本件按规定办结，不再退回；代表工作委员会将研究是否列入重点督办或回头看。") % {"n": suggestion.rehandling_count}
    due = due_date_after_months(local_today(), policy.rehandling_months)
    return _("选择不满意后，本件退回%(unit)s重新办理，%(unit)s须在%(due)s前重新答复，您将再次测评。") % {"unit": unit, "due": date_format(due, "Y年n月j日")}


def _rating_done(suggestion, reply):
    """What the rating did, read back after it was saved."""
    suggestion.refresh_from_db(fields=["status", "reply_due_at"])
    unit = reply.assignment.unit.name
    if suggestion.status == Status.REHANDLING:
        return _("测评已提交：本件已退回%(unit)s重新办理，答复期限%(due)s。") % {"unit": unit, "due": date_format(timezone.localtime(suggestion.reply_due_at), "Y年n月j日")}
    if suggestion.status == Status.CLOSED:
        return _("测评已提交，本件已办结。")
    return _("对%(unit)s答复的测评已提交，其余答复测评后本件办结。") % {"unit": unit}


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
            if (form.is_valid() and request.POST.get("confirmed") != "1" and _not_satisfied(form.cleaned_data)
                    and form.cleaned_data["comment"].strip()):
                # 不满意 sends the item back: say so, and wait for the deputy to confirm (a
                # 不满意 without its comment goes to the service, which asks for it first).
                form.consequence = _unsatisfied_consequence(suggestion, reply)
            else:
                done = run(form, lambda d: services.rate_reply(reply=reply, actor=request.user, **d))
                success = _rating_done(suggestion, reply)
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
                messages.error(request, refusal(exc))
            else:
                messages.success(request, {"confirm": _("已确认附议。"), "decline": _("已表示不同意附议。"), "withdraw": _("建议已撤回。")}[action])
            return redirect("suggestions:my_detail", pk=pk)
        else:
            raise Http404
        if done:
            messages.success(request, success)
            return redirect("suggestions:my_detail", pk=pk)
    context = _deputy_detail_context(request, suggestion, forms)
    return render(request, "suggestions/deputy/detail.html", context)
