"""议案 proposed online (我的议案): a deputy drafts a motion (or a delegation's
contact, in its name), invites deputies of the same congress to sign it with
the searchable picker, the invited agree or decline on the same page, and the
lead deputy proposes it after a confirmation that says what it does. The
rules are the services'; another deputy's draft answers 404."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congress_portal import pickers
from congress_portal.accounts import roles

from .. import services
from ..lifecycles import MOTIONS
from ..delegation.forms import ApproveForm, ReturnForm, SendForm
from ..models import InvitationState, MotionStatus, MotionThreshold
from ..motions import selectors
from ..motions.forms import DraftMotionForm, DraftTextForm, InviteForm, SubmitDraftForm, WithdrawForm
from ..pickers import deputy_label
from ..services.delegation import delegations_of_contact
from .common import deputy_required, refusal, run


@deputy_required
def my_new_motion(request):
    """起草议案."""
    deputy = roles.deputy_of(request.user)
    if deputy is None:
        raise Http404
    form = DraftMotionForm(request.POST or None, deputy=deputy, delegations=delegations_of_contact(deputy))
    made = {}

    def call(d):
        made["m"] = services.draft_motion(actor=request.user, **d)

    if request.method == "POST" and run(form, call):
        messages.success(request, _("议案草稿已保存，请邀请代表联名。") if not made["m"].delegation_id
                         else _("议案草稿已保存，可送团长审定。"))
        return redirect("suggestions:my_motion", pk=made["m"].pk)
    return render(request, "suggestions/motions/draft_form.html", {"form": form})


def _submit_consequence(motion, rows):
    agreed = 1 + selectors.agreed_count(rows)
    waiting = sum(1 for i in rows if i.state == InvitationState.INVITED)
    if motion.delegation_id:
        return _("议案将以%(delegation)s名义提出，交主席团决定是否列入会议议程。提出后不能再修改。") % {
            "delegation": motion.delegation.name}
    needed = MotionThreshold.for_level(motion.session.term.congress.level)
    return _("议案将由%(agreed)s名代表联名提出（须%(needed)s人以上），交主席团决定是否列入会议议程；"
             "尚未答复的%(waiting)s名代表不计入联名。提出后不能再修改或邀请联名。") % {
        "agreed": agreed, "needed": needed, "waiting": waiting}


def _lead_forms(request, motion, rows, bound):
    forms = {
        "update_draft": bound.get("update_draft") or DraftTextForm(initial={"title": motion.title, "content": motion.content}),
        "withdraw": bound.get("withdraw") or WithdrawForm(),
    }
    if motion.delegation_id:  # approved by the delegation's head, who proposes it
        forms["submit_to_head"] = bound.get("submit_to_head") or SendForm()
    else:
        forms["submit_draft"] = bound.get("submit_draft") or SubmitDraftForm()
        forms["invite_signers"] = bound.get("invite_signers") or InviteForm(motion=motion)
    return forms


def _head_forms(bound):
    return {
        "approve_by_head": bound.get("approve_by_head") or ApproveForm(),
        "return_by_head": bound.get("return_by_head") or ReturnForm(),
    }


def _post(request, motion, rows):
    """Run the posted move; returns (done, bound forms)."""
    action = request.POST.get("action")
    bound = {}
    if action in ("agree", "decline"):
        try:
            services.respond_to_invitation(motion=motion, actor=request.user, agree=action == "agree")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
            return True, bound
        messages.success(request, _("已同意联名提出该议案。") if action == "agree" else _("已表示不同意联名。"))
        return True, bound
    if action == "update_draft":
        form = bound[action] = DraftTextForm(request.POST)
        done = run(form, lambda d: services.update_motion_draft(motion=motion, actor=request.user, **d))
        text = _("议案草稿已修改。")
    elif action == "invite_signers":
        form = bound[action] = InviteForm(request.POST, motion=motion)
        done = run(form, lambda d: services.invite_signers(motion=motion, actor=request.user, **d))
        text = _("已邀请%(names)s联名，他们会收到通知。") % {
            "names": "、".join(d.name for d in form.cleaned_data.get("deputies", []))} if done else ""
    elif action == "submit_draft":
        form = bound[action] = SubmitDraftForm(request.POST)
        if request.POST.get("confirmed") != "1":
            form.consequence = _submit_consequence(motion, rows)
            return False, bound
        done = run(form, lambda d: services.submit_motion_draft(motion=motion, actor=request.user))
        text = _("议案已提出，编号为%(number)s，等待主席团决定。") % {"number": motion.number_label} if done else ""
    elif action == "submit_to_head":
        form = bound[action] = SendForm(request.POST)
        done = run(form, lambda d: services.submit_motion_to_head(motion=motion, actor=request.user))
        text = _("已送团长审定，团长会收到通知。")
    elif action == "approve_by_head":
        form = bound[action] = ApproveForm(request.POST)
        if request.POST.get("confirmed") != "1":
            form.consequence = _submit_consequence(motion, rows)
            return False, bound
        done = run(form, lambda d: services.approve_motion_by_head(motion=motion, actor=request.user, **d))
        text = _("已审定：议案以代表团名义提出，编号为%(number)s，等待主席团决定。") % {"number": motion.number_label} if done else ""
    elif action == "return_by_head":
        form = bound[action] = ReturnForm(request.POST)
        done = run(form, lambda d: services.return_motion_by_head(motion=motion, actor=request.user, **d))
        text = _("已退回联络员修改。")
    elif action == "withdraw":
        form = bound[action] = WithdrawForm(request.POST)
        done = run(form, lambda d: services.withdraw_motion(motion=motion, actor=request.user, **d))
        text = _("议案已撤回。")
    else:
        raise Http404
    if done:
        messages.success(request, text)
    return done, bound


@deputy_required
def my_motion(request, pk):
    """One of my motions: a draft's invitations and moves, or its decision and report."""
    motion = selectors.motion(user=request.user, pk=pk)
    deputy = roles.deputy_of(request.user)
    rows = selectors.invitations(motion=motion) if motion.is_draft else []
    is_lead = motion.lead_deputy_id == deputy.pk
    bound = {}
    withdrawable = is_lead and motion.status in MOTIONS.moves["withdraw"].sources
    heads_it = (motion.status == MotionStatus.AWAITING_HEAD and motion.delegation_id is not None
                and motion.delegation.head_id == deputy.pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if not motion.is_draft and not (withdrawable and action == "withdraw") and not (
            heads_it and action in ("approve_by_head", "return_by_head")
        ):
            raise Http404
        done, bound = _post(request, motion, rows)
        if done:
            return redirect("suggestions:my_motion", pk=pk)
    forms = {}
    if motion.is_draft and is_lead:
        forms = _lead_forms(request, motion, rows, bound)
    else:
        forms = _head_forms(bound) if heads_it else {}
        if withdrawable:
            forms["withdraw"] = bound.get("withdraw") or WithdrawForm()
    mine = selectors.invitation_of(motion=motion, deputy=deputy) if motion.is_draft and not is_lead else None
    return render(request, "suggestions/motions/detail.html", {
        "motion": motion, "signers": selectors.signers(motion=motion), "events": selectors.timeline(motion=motion),
        "forms": forms, "audience": "deputy", "show_notes": True, "invitations": rows,
        "my_invitation": mine, "can_answer": mine is not None and mine.state == InvitationState.INVITED,
        "agreed": 1 + selectors.agreed_count(rows) if motion.is_draft else None,
        "needed": MotionThreshold.for_level(motion.session.term.congress.level) if motion.is_draft else None,
    })


@deputy_required
def pick_signers(request, pk):
    """Deputies the lead deputy of draft ``pk`` may invite (same congress and term)."""
    motion = selectors.motion(user=request.user, pk=pk)
    deputy = roles.deputy_of(request.user)
    if not motion.is_draft or motion.lead_deputy_id != deputy.pk:
        raise Http404
    rows = pickers.matching(selectors.signer_choices(motion), ["name", "work_unit"], request.GET.get("q"))
    return pickers.results(rows, label=deputy_label)
