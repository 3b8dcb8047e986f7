"""回头看 for committee staff in few clicks: the page opens with the usual
rule already applied (this year's closed items whose reply promised action,
and those the deputy rated 不满意), every candidate ticked, a name and a
deadline filled in; the person narrows it (filters, a search that selects or
clears the rows it finds, static/js/followup.js), confirms what it will do,
and lands on the opened round. Every round so far has its own page: its
items, second replies and new ratings, read-only."""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from congress_portal.workdays import local_today

from .. import selectors, services
from ..forms import FollowUpRoundForm, FollowUpSelectForm
from ..models import Assignment
from .common import run, staff_required

FOLLOWUP_MAX_ROWS = 1000
DEFAULT_DUE_DAYS = 30


@staff_required
def staff_followup(request):
    """Choose (pre-selected by the rule), confirm, open; below, the rounds so far."""
    years = list(selectors.closed_years())
    usual = {"year": years[0] if years else None, "results": list(selectors.promising_result_categories()), "unsatisfied": True}
    select = FollowUpSelectForm(request.GET or None, years=years, initial=usual)
    year, codes, unsatisfied = select.rule()
    candidates = selectors.followup_candidates(user=request.user, year=year, result_codes=codes, unsatisfied=unsatisfied)
    consequence = None
    if request.method == "POST":
        form = FollowUpRoundForm(request.POST, candidates=candidates)
        opened = []
        if form.is_valid() and not form.is_confirmed():
            # First what it will do; the same choice comes back with its fingerprint to confirm.
            consequence = _consequence(form.cleaned_data)
            data = request.POST.copy()
            data["confirmed"] = form.fingerprint()
            form = FollowUpRoundForm(data, candidates=candidates)
        elif run(form, lambda d: opened.append(_open(request, d, year))):
            return redirect("suggestions:staff_followup_round", pk=opened[0].pk)
        ticked = {str(v) for v in request.POST.getlist("suggestions")}
    else:
        label = year or local_today().year
        form = FollowUpRoundForm(
            candidates=candidates,
            initial={"title": _("%(year)s年度代表建议办理回头看") % {"year": label}, "due_date": local_today() + datetime.timedelta(days=DEFAULT_DUE_DAYS)},
        )
        ticked = None  # the rule's choice: every candidate
    rows = list(candidates[: FOLLOWUP_MAX_ROWS + 1])
    more, rows = len(rows) > FOLLOWUP_MAX_ROWS, rows[:FOLLOWUP_MAX_ROWS]
    for row in rows:
        row.ticked = ticked is None or str(row.pk) in ticked
    return render(
        request,
        "dashboard/followup.html",
        {
            "select": select,
            "form": form,
            "consequence": consequence,
            "rows": rows,
            "more": more,
            "rounds": list(selectors.followup_rounds(user=request.user)[:20]),
        },
    )


def _consequence(data):
    chosen = data["suggestions"]
    units = Assignment.objects.active().replying().filter(suggestion__in=chosen).values("unit_id").distinct().count()
    return _(
        "将对%(n)s件已办结建议开展回头看：%(units)s个承办单位须在%(due)s前提交二次答复，这些建议转为“回头看办理中”，"
        "承办单位和领衔代表会收到通知。开始后不能撤销。"
    ) % {"n": len(chosen), "units": units, "due": f"{data['due_date']:%Y-%m-%d}"}


def _open(request, data, year):
    rnd = services.open_followup_round(
        title=data["title"], suggestions=data["suggestions"], due_date=data["due_date"], note=data["note"], actor=request.user, year=year
    )
    messages.success(
        request,
        _("已开始%(name)s，共%(n)s件建议，承办单位须在%(due)s前提交二次答复。")
        % {"name": rnd.name, "n": len(data["suggestions"]), "due": f"{rnd.due_date:%Y-%m-%d}"},
    )
    return rnd


@staff_required
def staff_followup_round(request, pk):
    """One round, read-only: its items by suggestion and unit, the second replies and the new ratings."""
    rnd = selectors.followup_round(user=request.user, pk=pk)
    page = Paginator(selectors.followup_round_items(user=request.user, round=rnd), 100).get_page(request.GET.get("page"))
    return render(request, "dashboard/followup_round.html", {"round": rnd, "page": page})
