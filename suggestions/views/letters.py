"""The pages of deputies' letters (代表来信): staff register, list, forward,
return and close them; the unit sees the letters forwarded to it and answers;
the deputy follows their own. Another role's letter answers 404."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congress_portal.accounts import roles

from .. import services
from ..letters import selectors
from ..letters.forms import AnswerForm, CloseLetterForm, ForwardForm, LetterFilterForm, LetterForm, ReturnForm
from ..letters.permissions import can_make
from ..models import Letter, Suggestion
from ..services.letters import default_due_date
from .common import Action, deputy_required, page_of, posted_action, refusal, run, staff_required, unit_required

# What staff can do on a letter: (form, service call, what the page says).
STAFF_ACTIONS = {
    "forward": Action(
        ForwardForm, lambda letter, user, d: services.forward_letter(letter=letter, actor=user, **d),
        gettext_lazy("来信已转办。"),
    ),
    "return_answer": Action(
        ReturnForm, lambda letter, user, d: services.return_answer(letter=letter, actor=user, **d),
        gettext_lazy("已退回单位重新答复。"),
    ),
    "close": Action(
        CloseLetterForm, lambda letter, user, d: services.close_letter(letter=letter, actor=user, **d),
        gettext_lazy("来信已办结。"),
    ),
}
# The move each staff form makes (forwarding a forwarded letter is "reforward").
_MOVE_OF = {"forward": ("forward", "reforward"), "return_answer": ("return_answer",), "close": ("close",)}


def _list_context(request, queryset_for):
    form = LetterFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = page_of(request, queryset_for(data))
    return {"form": form, "page_obj": page, "today": timezone.localdate()}


@staff_required
def staff_letters(request):
    """代表来信登记簿: every letter, newest first, with search and filters."""
    context = _list_context(request, lambda d: selectors.letters(
        user=request.user, q=(d.get("q") or "").strip(), status=d.get("status") or "", overdue=bool(d.get("overdue")),
    ))
    context["counts"] = selectors.counts(year=timezone.localdate().year, user=request.user)
    return render(request, "suggestions/letters/staff_list.html", context)


@staff_required
def staff_register(request):
    """登记来信."""
    form = LetterForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST":
        created = {}

        def call(d):
            created["letter"] = services.register_letter(
                actor=request.user, deputy=d.get("deputy"), title=d["title"], content=d["content"],
                received_on=d["received_on"],
            )

        if run(form, call):
            messages.success(request, _("来信已登记。"))
            return redirect("suggestions:staff_letter", pk=created["letter"].pk)
    return render(request, "suggestions/letters/form.html", {"form": form})


@staff_required
def staff_letter(request, pk):
    """One letter with its timeline, and the moves staff can make now (none
    for the staff of a congress above, who read it; their posts answer 404)."""
    letter = selectors.letter(user=request.user, pk=pk, supervise=request.method != "POST")
    done, bound = posted_action(request, STAFF_ACTIONS, letter)
    if done:
        return redirect("suggestions:staff_letter", pk=pk)
    forms = {}
    for action, todo in STAFF_ACTIONS.items():
        if any(can_make(request.user, letter, move) for move in _MOVE_OF[action]):
            initial = {"unit": letter.unit_id, "due_date": letter.due_date or default_due_date()} if action == "forward" else {}
            forms[action] = bound.get(action) or todo.form(initial=initial)
    return render(request, "suggestions/letters/detail.html", {
        "letter": letter, "events": selectors.timeline(user=request.user, letter=letter), "forms": forms,
        "show_notes": True, "audience": "staff", "read_only": not roles.acts_on(request.user, letter.congress_id),
    })


@staff_required
@require_POST
def staff_suggestion_to_letter(request, pk):
    """转来信: a suggestion not handled as a suggestion becomes a letter."""
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    try:
        letter = services.turn_suggestion_into_letter(suggestion=suggestion, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
        return redirect("suggestions:staff_detail", pk=pk)
    messages.success(request, _("已转为代表来信。"))
    return redirect("suggestions:staff_letter", pk=letter.pk)


@staff_required
def staff_letter_of_suggestion(request, pk):
    """The letter a suggestion was turned into."""
    letter = get_object_or_404(Letter.objects.visible_to(request.user).only("pk"), from_suggestion_id=pk)
    return redirect("suggestions:staff_letter", pk=letter.pk)


@unit_required
def unit_letters(request):
    """转办本单位的代表来信: those awaiting our answer first, nearest due date first."""
    context = _list_context(request, lambda d: selectors.unit_letters(user=request.user, status=d.get("status") or ""))
    return render(request, "suggestions/letters/unit_list.html", context)


@unit_required
def unit_letter(request, pk):
    """One letter forwarded to my unit; answer it."""
    letter = selectors.letter(user=request.user, pk=pk)
    form = None
    if can_make(request.user, letter, "answer"):
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and run(form, lambda d: services.answer_letter(letter=letter, actor=request.user, **d)):
            messages.success(request, _("答复已提交。"))
            return redirect("suggestions:unit_letter", pk=pk)
    elif request.method == "POST":
        messages.error(request, _("该来信当前不需要本单位答复。"))
        return redirect("suggestions:unit_letter", pk=pk)
    return render(request, "suggestions/letters/detail.html", {
        "letter": letter, "events": selectors.timeline(user=request.user, letter=letter),
        "forms": {"answer": form} if form else {}, "show_notes": True, "audience": "unit",
    })


@deputy_required
def my_letters(request):
    """我的来信."""
    context = _list_context(request, lambda d: selectors.letters(user=request.user, status=d.get("status") or ""))
    return render(request, "suggestions/letters/my_list.html", context)


@deputy_required
def my_letter(request, pk):
    letter = selectors.letter(user=request.user, pk=pk)
    return render(request, "suggestions/letters/detail.html", {
        "letter": letter, "events": selectors.timeline(user=request.user, letter=letter), "forms": {},
        "show_notes": False, "audience": "deputy",
    })
