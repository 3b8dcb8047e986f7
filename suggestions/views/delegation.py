"""全团建议 pages: the contact drafts and sends, the head approves or returns."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress_portal.accounts import roles

from .. import selectors as suggestion_selectors
from .. import services, workflow
from ..services.delegation import delegations_of_contact
from ..delegation import selectors
from ..delegation.forms import ApproveForm, DelegationSuggestionForm, ReturnForm, SendForm
from ..models import Status
from ..motions import selectors as motion_selectors
from .common import Action, deputy_required, page_of, posted_action, run

ACTIONS = {
    "submit_to_head": Action(
        SendForm, lambda s, user, d: services.submit_to_head(suggestion=s, actor=user),
        gettext_lazy("已送团长审定，团长会收到通知。"),
    ),
    "approve_by_head": Action(
        ApproveForm, lambda s, user, d: services.approve_by_head(suggestion=s, actor=user, **d),
        gettext_lazy("已审定：建议以代表团名义提出，等待代表工作委员会审查。"),
    ),
    "return_by_head": Action(
        ReturnForm, lambda s, user, d: services.return_by_head(suggestion=s, actor=user, **d),
        gettext_lazy("已退回联络员修改。"),
    ),
}


@deputy_required
def delegation_home(request):
    """全团建议: for a contact, the delegation's drafts and suggestions; for a head, what awaits approval."""
    deputy = roles.deputy_of(request.user)
    return render(request, "suggestions/delegation/home.html", {
        "is_contact": delegations_of_contact(deputy).exists(),
        "awaiting": list(selectors.awaiting_head(user=request.user, deputy=deputy)),
        "awaiting_motions": list(motion_selectors.awaiting_head(user=request.user, deputy=deputy)),
        "page_obj": page_of(request, selectors.for_contact(user=request.user, deputy=deputy)),
    })


@deputy_required
def delegation_new(request):
    deputy = roles.deputy_of(request.user)
    delegations = delegations_of_contact(deputy)
    if not delegations.exists():
        messages.error(request, _("只有代表团联络员可以起草全团建议。"))
        return redirect("suggestions:delegation_home")
    form = DelegationSuggestionForm(request.POST or None, delegations=delegations)
    made = {}

    def call(d):
        made["s"] = services.draft_delegation_suggestion(actor=request.user, **d)

    if request.method == "POST" and run(form, call):
        messages.success(request, _("全团建议草稿已保存，可送团长审定。"))
        return redirect("suggestions:delegation_detail", pk=made["s"].pk)
    return render(request, "suggestions/delegation/form.html", {"form": form})


@deputy_required
def delegation_detail(request, pk):
    suggestion = selectors.item(user=request.user, pk=pk)
    done, bound = posted_action(request, ACTIONS, suggestion)
    if done:
        return redirect("suggestions:delegation_detail", pk=pk)
    kinds = workflow.actor_kinds(request.user, suggestion)
    forms = {
        name: bound.get(name) or todo.form()
        for name, todo in ACTIONS.items()
        if suggestion.status in workflow.MOVES[name].sources and kinds & set(workflow.MOVES[name].actors)
    }
    return render(request, "suggestions/delegation/detail.html", {
        "suggestion": suggestion, "forms": forms, "is_draft": suggestion.status == Status.DRAFT,
        "events": suggestion_selectors.timeline(user=request.user, suggestion=suggestion),
    })
