"""The pages of motions (议案): staff enter a motion, record the presidium's
decision and the special committee's report; a deputy sees the motions they
led or signed. Another role's motion answers 404."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..lifecycles import MOTIONS
from ..motions import selectors
from ..motions.forms import AsSuggestionForm, MotionFilterForm, MotionForm, PlaceForm, ReportForm, WithdrawForm
from .common import Action, deputy_required, page_of, posted_action, run, staff_required

STAFF_ACTIONS = {
    "place_on_agenda": Action(
        PlaceForm, lambda m, user, d: services.place_on_agenda(motion=m, actor=user, **d),
        gettext_lazy("已记录主席团决定：列入会议议程。"),
    ),
    "handle_as_suggestion": Action(
        AsSuggestionForm, lambda m, user, d: services.handle_as_suggestion(motion=m, actor=user, **d),
        gettext_lazy("已记录主席团决定：作为建议处理，建议已进入审查。"),
    ),
    "record_report": Action(
        ReportForm, lambda m, user, d: services.record_review_report(motion=m, actor=user, **d),
        gettext_lazy("审议结果报告已记录。"),
    ),
    "withdraw": Action(
        WithdrawForm, lambda m, user, d: services.withdraw_motion(motion=m, actor=user, **d), gettext_lazy("议案已撤回。")
    ),
}


def _can(user, motion, move):
    spec = MOTIONS.moves[move]
    return motion.status in spec.sources and bool(MOTIONS.actor_kinds(user, motion) & spec.actors)


def _list(request, template):
    form = MotionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = page_of(request, selectors.motions(
        user=request.user, q=(data.get("q") or "").strip(), status=data.get("status") or ""
    ))
    return render(request, template, {"form": form, "page_obj": page})


@staff_required
def staff_motions(request):
    """议案: every motion, newest first."""
    return _list(request, "suggestions/motions/staff_list.html")


@staff_required
def staff_new_motion(request):
    """Staff enter a motion handed in at the session."""
    form = MotionForm(request.POST or None, user=request.user)
    if request.method == "POST":
        made = {}

        def call(d):
            made["motion"] = services.propose_motion(
                actor=request.user, session=d["session"], delegation=d.get("delegation"),
                lead_deputy=d.get("lead_deputy"), signers=d.get("signers") or [], title=d["title"], content=d["content"],
            )

        if run(form, call):
            messages.success(request, _("议案已登记。"))
            return redirect("suggestions:staff_motion", pk=made["motion"].pk)
    return render(request, "suggestions/motions/form.html", {"form": form})


@staff_required
def staff_motion(request, pk):
    motion = selectors.motion(user=request.user, pk=pk)
    done, bound = posted_action(request, STAFF_ACTIONS, motion)
    if done:
        return redirect("suggestions:staff_motion", pk=pk)
    forms = {
        action: bound.get(action) or todo.form()
        for action, todo in STAFF_ACTIONS.items()
        if _can(request.user, motion, action)
    }
    return render(request, "suggestions/motions/detail.html", {
        "motion": motion, "signers": selectors.signers(motion=motion), "events": selectors.timeline(motion=motion),
        "forms": forms, "audience": "staff", "show_notes": True,
    })


@deputy_required
def my_motions(request):
    """我的议案: those I led or signed."""
    return _list(request, "suggestions/motions/my_list.html")
