"""The handling unit's pages: its inbox, one assignment with what the unit
can do on it now, and the unit's figures."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles
from deputies.models import HandlingUnit

from .. import selectors, services
from ..forms import CoOpinionForm, ContactForm, InboxFilterForm, ReassignmentForm, ReplyForm, SecondReplyForm
from ..models import AWAITING_REPLY, AssignmentState, Status, UnitRole
from .common import Action, deadline, detail_context, mark_deadlines, page_of, posted_action, refusal, unit_required

OPEN_STATES = (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.REASSIGNMENT_REQUESTED, AssignmentState.REHANDLING)


@unit_required
def unit_inbox(request):
    """The unit's inbox: every active assignment, the nearest deadline first, overdue marked."""
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    params = {"keyword": data.get("q") or "", "state": [data["state"]] if data.get("state") else [], "overdue": True if data.get("overdue") else None}
    page = page_of(request, selectors.unit_inbox_open_first(user=request.user, params={k: v for k, v in params.items() if v}))
    mark_deadlines(
        page.object_list,
        due=lambda a: a.reply_due_at or a.opinion_due_at,
        open_=lambda a: a.state in OPEN_STATES and (a.reply_due_at or a.opinion_due_at) is not None,
    )
    return render(request, "suggestions/unit/inbox.html", {"page_obj": page, "form": form})


def _reply(assignment, user, data):
    # The tick that the co-units' opinions are missing is for the form, not the service.
    data = {name: value for name, value in data.items() if name != "without_co_opinions"}
    services.reply_to_suggestion(assignment=assignment, actor=user, **data)


def _second_reply(assignment, user, data, followup_item):
    if followup_item is None:
        raise ValidationError(_("该建议没有待二次答复的回头看事项。"))
    services.submit_second_reply(item=followup_item, actor=user, **data)


# What a unit can do on one of its assignments (acknowledging needs no form):
# each call takes (assignment, user, cleaned data, the open follow-up item or None).
UNIT_ACTIONS = {
    "reassign": Action(
        ReassignmentForm,
        lambda a, user, d, item: services.request_reassignment(assignment=a, actor=user, **d),
        gettext_lazy("已提交调整申请，等待代表工作委员会审批。"),
    ),
    "co_opinion": Action(
        CoOpinionForm, lambda a, user, d, item: services.submit_co_opinion(assignment=a, actor=user, **d), gettext_lazy("协办意见已送主办单位。")
    ),
    "contact": Action(ContactForm, lambda a, user, d, item: services.log_contact(assignment=a, actor=user, **d), gettext_lazy("联系记录已登记。")),
    "reply": Action(ReplyForm, lambda a, user, d, item: _reply(a, user, d), gettext_lazy("答复已提交，已送领衔代表测评。")),
    "second_reply": Action(SecondReplyForm, _second_reply, gettext_lazy("二次答复已提交。")),
}


@unit_required
def unit_detail(request, pk):
    """One assignment of my unit: the suggestion, and what my unit can do now."""
    assignment = selectors.unit_assignment(user=request.user, pk=pk)
    suggestion = assignment.suggestion
    followup_item = selectors.open_followup_item(assignment=assignment)
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "acknowledge":
            try:
                services.acknowledge_assignment(assignment=assignment, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, refusal(exc))
            else:
                messages.success(request, _("已签收。"))
            return redirect("suggestions:unit_detail", pk=pk)

        def form_kwargs(action, todo):
            if todo.form is ReassignmentForm:
                return {"assignment": assignment}
            return _reply_scope(assignment) if action == "reply" else {}

        done, bound = posted_action(request, UNIT_ACTIONS, assignment, followup_item, form_kwargs=form_kwargs)
        if done:
            return redirect("suggestions:unit_detail", pk=pk)
    suggestion = selectors.suggestion_detail(user=request.user, pk=suggestion.pk)
    context = detail_context(suggestion)
    context.update(
        assignment=assignment,
        followup_item=followup_item,
        events=selectors.timeline(user=request.user, suggestion=suggestion),
        contacts=list(selectors.contacts(assignment=assignment)),
        co_opinions=list(selectors.co_opinions(suggestion=suggestion)),
        deadline=deadline(assignment.reply_due_at or assignment.opinion_due_at)
        if assignment.state not in (AssignmentState.REPLIED, AssignmentState.OPINION_SUBMITTED)
        else None,
    )
    context["forms"] = _unit_forms(assignment, suggestion, followup_item, bound)
    return render(request, "suggestions/unit/detail.html", context)


def _unit_forms(assignment, suggestion, followup_item, bound):
    """The forms of what the unit can do now (a bound one when it came back with errors)."""
    state = assignment.state
    owes_reply = assignment.role in (UnitRole.LEAD, UnitRole.SPLIT)
    forms = {}
    if state == AssignmentState.PENDING:
        forms["acknowledge"] = True
    if state in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED) and (
        assignment.reassignment_deadline is None or timezone.localdate() <= assignment.reassignment_deadline
    ):
        forms["reassign"] = bound.get("reassign") or ReassignmentForm(assignment=assignment)
    if assignment.role == UnitRole.CO and state in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.OPINION_SUBMITTED) and suggestion.status in AWAITING_REPLY:
        forms["co_opinion"] = bound.get("co_opinion") or CoOpinionForm()
    if suggestion.status in (*AWAITING_REPLY, Status.REPLIED, Status.FOLLOWUP):
        forms["contact"] = bound.get("contact") or ContactForm(initial={"contacted_at": timezone.localtime().replace(second=0, microsecond=0)})
    if owes_reply and state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REHANDLING) and suggestion.status in AWAITING_REPLY:
        forms["reply"] = bound.get("reply") or ReplyForm(**_reply_scope(assignment))
    if followup_item is not None:
        forms["second_reply"] = bound.get("second_reply") or SecondReplyForm()
    return forms


def _reply_scope(assignment):
    """What the reply form says before it is sent: a reply goes to the deputy
    for rating and cannot be changed; a lead unit is told which co-units have
    not sent their opinion (and must tick that it replies without them)."""
    pending = []
    if assignment.role == UnitRole.LEAD:
        pending = list(
            selectors.co_assignments_without_opinion(suggestion_id=assignment.suggestion_id).values_list("unit__name", flat=True)
        )
    if pending:
        notice = _("协办单位%(units)s尚未送来协办意见。答复提交后即送代表测评，不能修改或撤回。") % {"units": "、".join(pending)}
    else:
        notice = _("答复提交后即送代表测评，不能修改或撤回。")
    return {"notice": notice, "pending_co_units": pending}


@unit_required
def unit_figures(request):
    """本单位统计 (selectors.unit_figures)."""
    unit = get_object_or_404(HandlingUnit.objects.only("name", "short_name"), pk=roles.unit_id_of(request.user))
    return render(request, "suggestions/unit/figures.html", {"unit": unit, **selectors.unit_figures(unit_id=unit.pk)})
