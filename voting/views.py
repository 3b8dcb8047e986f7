"""Pages: the deputy's phone-sized ballot, the public results and proposal form,
and staff's pages to run the cycle. Views are thin: forms shape, services decide."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from congress_portal.accounts import roles
from congress_portal.client_address import client_address
from congress_portal.uploads import file_response

from . import exports, forms, permissions, selectors, services
from .consequences import CONFIRMED_MOVES, consequence, percent
from .models import BallotStatus, CandidateResult, ProgressPhoto, Project, ProjectCall, ProjectStatus, VotingPolicy


def _errors(exc):
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


def _staff_only(request):
    if not permissions.can_manage(request.user):
        raise Http404


# --------------------------------------------------------------------------- everyone
def index(request):
    """The ballot home: a deputy's open ballots, open calls, published results."""
    context = {
        "open_ballots": selectors.deputy_open_ballots(request.user) if roles.is_deputy(request.user) else [],
        "calls": selectors.open_calls(),
        "results": selectors.published_results()[:20],
        "is_staff": permissions.can_manage(request.user),
        "is_unit": roles.is_unit_member(request.user),
    }
    return render(request, "voting/index.html", context)


def results(request):
    ballots = selectors.published_results()
    year = request.GET.get("year")
    if year and year.isdigit():
        ballots = ballots.filter(call__year=int(year))
    return render(request, "voting/results.html", {"ballots": ballots, "year": year})


def _published_or_staff(request, pk):
    ballot = get_object_or_404(selectors.ballots_visible_to(request.user), pk=pk)
    tallied = ballot.status in (BallotStatus.TALLIED, BallotStatus.PUBLISHED)
    if not tallied or (ballot.status != BallotStatus.PUBLISHED and not permissions.can_manage(request.user)):
        raise Http404
    return ballot


def result_detail(request, pk):
    ballot = _published_or_staff(request, pk)
    return render(request, "voting/result_detail.html", {
        "ballot": ballot, "summary": ballot.summary, "lines": selectors.result_sheet(ballot), "runoffs": ballot.runoffs.all(),
    })


def result_export(request, pk):
    ballot = _published_or_staff(request, pk)
    response = HttpResponse(exports.result_workbook(ballot), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-results.xlsx"'
    return response


def receipt(request):
    form = forms.ReceiptForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        check = selectors.check_receipt(form.cleaned_data["code"])
    return render(request, "voting/receipt.html", {"form": form, "check": check})


def propose(request, pk):
    """The call's proposal form: the public (rate limited), or a signed-in deputy or department."""
    call = get_object_or_404(ProjectCall.objects.select_related("congress"), pk=pk)
    member = request.user.is_authenticated and (
        permissions.can_propose_as_deputy(request.user, call) or permissions.can_propose_as_department(request.user)
    )
    form_class = forms.MemberProposalForm if member else forms.PublicProposalForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if member:
                services.submit_proposal(call=call, actor=request.user, **form.cleaned_data)
            else:
                services.submit_public_proposal(call=call, client_address=client_address(request), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc))
        else:
            return render(request, "voting/propose_done.html", {"call": call})
    return render(request, "voting/propose.html", {"call": call, "form": form, "open": call.is_open_on(timezone.localdate())})


def project_detail(request, pk):
    project = get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)
    project = selectors.project_detail(project.pk)
    ratings = None
    if project.call.rating_status == ProjectCall.RatingStatus.PUBLISHED:
        ratings = selectors.rating_results(project.call).filter(pk=project.pk).first()
    return render(request, "voting/project_detail.html", {
        "project": project, "ratings": ratings, "can_report": permissions.can_report_progress(request.user, project),
    })


def progress_photo(request, pk):
    """A progress report's photo, for whoever may see its project (an image
    sent inline with nosniff and a policy that runs nothing, never /media/)."""
    photo = get_object_or_404(
        ProgressPhoto.objects.filter(report__project__in=selectors.projects_visible_to(request.user)), pk=pk
    )
    return file_response(photo.image)


# --------------------------------------------------------------------------- deputies
@never_cache
@login_required
def vote(request, pk):
    """The phone-sized ballot. The receipt is rendered in the POST response itself:
    it is never put in a URL, the session or a message, which would tie it to the account."""
    ballot = get_object_or_404(selectors.ballots_visible_to(request.user).filter(status=BallotStatus.OPEN), pk=pk)
    if not permissions.is_elector(request.user, ballot):
        raise Http404
    candidates = list(ballot.candidates.select_related("project__responsible_unit").order_by("order"))
    if selectors.has_voted(request.user, ballot):
        # A POST here is a second ballot (another tab, a resent form): say it was refused.
        return render(request, "voting/vote.html", {
            "ballot": ballot, "already_voted": True, "refused": request.method == "POST",
            "refusal": services.already_voted_message(),
        })
    form = forms.VoteForm(request.POST or None, ballot=ballot, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.cast_ballot(ballot=ballot, actor=request.user, marks=form.marks())
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc))
        else:
            return render(request, "voting/voted.html", {"ballot": ballot, "receipt": code})
    return render(request, "voting/vote.html", {"ballot": ballot, "form": form})


@login_required
def rate(request, pk):
    call = get_object_or_404(ProjectCall, pk=pk)
    if not permissions.serves_in(request.user, call.congress_id):
        raise Http404
    projects = list(Project.objects.filter(call=call, status__in=[ProjectStatus.CHOSEN, ProjectStatus.COMPLETED]).order_by("pk"))
    form = forms.RatingForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            for project, rating in form.ratings():
                services.rate_project(project=project, actor=request.user, rating=rating)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("测评已提交，谢谢。"))
            return redirect("voting:index")
    return render(request, "voting/rate.html", {"call": call, "form": form})


# --------------------------------------------------------------------------- units
def _unit_id(request):
    unit_id = roles.unit_id_of(request.user)
    if unit_id is None:
        raise Http404
    return unit_id


@login_required
def unit_projects(request):
    """The handling unit's chosen projects: milestones, progress, next report due."""
    projects = selectors.unit_project_list(_unit_id(request))
    return render(request, "voting/unit_projects.html", {"projects": projects})


@login_required
def unit_project(request, pk):
    """One of the unit's projects: milestones (mark one done) and the progress-report
    form. Another unit's project answers 404, like a missing one."""
    unit_id = _unit_id(request)
    try:
        project = selectors.unit_project_detail(unit_id, pk)
    except Project.DoesNotExist:
        raise Http404 from None
    form = forms.ProgressReportForm()
    if request.method == "POST" and "milestone" in request.POST:
        milestone = next((m for m in project.milestones.all() if str(m.pk) == request.POST["milestone"]), None)
        if milestone is None:
            raise Http404
        try:
            services.complete_milestone(milestone=milestone, done_on=timezone.localdate(), actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已标记节点“%(title)s”完成。") % {"title": milestone.title})
        return redirect("voting:unit_project", pk=project.pk)
    if request.method == "POST":
        form = forms.ProgressReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            photo, caption = data.pop("photo"), data.pop("caption")
            try:
                services.submit_progress_report(project=project, actor=request.user, photos=[(photo, caption)] if photo else [], **data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("进展报告已报送。"))
                return redirect("voting:unit_project", pk=project.pk)
    return render(request, "voting/unit_project.html", {"project": project, "form": form})


@login_required
def report_progress(request, pk):
    """The old address of the report form: now part of the unit's project page."""
    return redirect("voting:unit_project", pk=pk)


# --------------------------------------------------------------------------- staff
COMPARISON_PAGE_SIZE = 100


def _comparison_filter(request):
    form = forms.CompareFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    # Scoped to the congresses the staff user supervises (its own and below).
    return form, {"year": data.get("year"), "level": data.get("level") or None, "area": data.get("area"), "user": request.user}


@login_required
def staff_overview(request):
    """Every county's and township's figures side by side (one row per congress and
    year), their ballots, the calls and the reports due."""
    _staff_only(request)
    form, filters = _comparison_filter(request)
    page = Paginator(selectors.comparison_calls(**filters), COMPARISON_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.attach_ballot_figures(page.object_list)
    ballots = selectors.ballot_overview(request.user)
    if filters["year"]:
        ballots = ballots.filter(call__year=filters["year"])
    if filters["level"]:
        ballots = ballots.filter(congress__level=filters["level"])
    if filters["area"] is not None:
        area = filters["area"]
        ballots = ballots.filter(Q(congress__area=area) | Q(congress__area__path__startswith=f"{area.path}/"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "voting/staff_overview.html", {
        "form": form, "rows": rows, "page": page, "query": query.urlencode(),
        "ballots": ballots[:COMPARISON_PAGE_SIZE], "reports_due": selectors.progress_reports_due(user=request.user),
        "own_congress": roles.congress_of(request.user),
    })


@login_required
def staff_comparison_export(request):
    """The side-by-side figures as xlsx, every row the filter selects."""
    _staff_only(request)
    _form, filters = _comparison_filter(request)
    rows = selectors.attach_ballot_figures(selectors.comparison_calls(**filters))
    response = HttpResponse(exports.comparison_workbook(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="voting-comparison-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def staff_call(request, pk):
    """A call's proposals (adopt / merge), projects (reserve) and ballots."""
    _staff_only(request)
    call = get_object_or_404(roles.scope_to_congress(ProjectCall.objects.select_related("congress"), request.user), pk=pk)
    if request.method == "POST":
        try:
            if "adopt" in request.POST:
                ids = request.POST.getlist("proposal")
                project = services.adopt_proposals(
                    proposals=list(selectors.proposals_for_staff(call).filter(pk__in=ids)), actor=request.user,
                    title=request.POST.get("title", ""),
                )
                messages.success(request, _("已采纳为项目：%(title)s") % {"title": project.title})
            elif "reserve" in request.POST:
                services.move_to_reserve(project=get_object_or_404(Project, pk=request.POST["reserve"], call=call), actor=request.user)
                messages.success(request, _("已转入储备库。"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        return redirect("voting:staff_call", pk=call.pk)
    return render(request, "voting/staff_call.html", {
        "call": call,
        "proposals": selectors.proposals_for_staff(call).order_by("status", "-created_at"),
        "projects": call.projects.select_related("responsible_unit").order_by("status", "pk"),
        "reserve": selectors.reserve_pool(call.congress),
        "ballots": call.ballots.order_by("pk"),
    })


@login_required
def staff_new_ballot(request, pk):
    """A new ballot of one of the staff's own calls, with its candidates; the
    thresholds shown are the policy's, copied onto the ballot when voting opens."""
    _staff_only(request)
    call = get_object_or_404(roles.scope_to_congress(ProjectCall.objects.select_related("congress"), request.user), pk=pk)
    form = forms.NewBallotForm(
        request.POST or None, call=call, projects=selectors.ballot_candidates_to_pick(call),
        sessions=selectors.sessions_for_ballot(call),
    )
    policy = VotingPolicy.for_congress(call.congress_id)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = services.draft_ballot(call=call, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("已拟定票决“%(title)s”：候选项目%(n)s个，应选%(seats)s个。下一步：提交审议。") % {
                "title": ballot.title, "n": len(form.cleaned_data["projects"]), "seats": ballot.seats})
            return redirect("voting:staff_ballot", pk=ballot.pk)
    return render(request, "voting/staff_new_ballot.html", {
        "call": call, "form": form, "quorum": percent(policy.quorum_share), "majority": percent(policy.majority_share),
    })


STAFF_ACTIONS = {
    "submit_review": lambda b, u: services.submit_for_review(ballot=b, actor=u),
    "open": lambda b, u: services.open_voting(ballot=b, actor=u),
    "close": lambda b, u: services.close_voting(ballot=b, actor=u),
    "tally": lambda b, u: services.tally_ballot(ballot=b, actor=u),
    "publish": lambda b, u: services.publish_results(ballot=b, actor=u),
    "declare_invalid": lambda b, u: services.declare_invalid(ballot=b, actor=u),
    "runoff": lambda b, u: services.start_runoff(ballot=b, actor=u),
}


@login_required
def staff_ballot(request, pk):
    """One ballot for staff: shortlist, review, attendance, paper batches, the tally."""
    _staff_only(request)
    ballot = get_object_or_404(selectors.ballot_overview(request.user), pk=pk)
    candidates = list(ballot.candidates.select_related("project__responsible_unit").order_by("order"))
    electors = list(selectors.roll_call(ballot)) if ballot.status != BallotStatus.DRAFT else []
    paper_form = forms.PaperBatchForm(
        candidates=candidates, electors=[e for e in electors if e.present and not e.has_voted]
    )
    selectable = Project.objects.filter(congress=ballot.congress).filter(
        Q(status=ProjectStatus.CANDIDATE) | Q(candidacies__ballot=ballot)
    ).distinct().order_by("pk")
    round_, next_stage = services.next_review_stage(ballot)
    recount = services.recount(ballot)[1] if ballot.status in (BallotStatus.TALLIED, BallotStatus.PUBLISHED) else None
    return render(request, "voting/staff_ballot.html", {
        "ballot": ballot, "candidates": candidates, "electors": electors, "paper_form": paper_form,
        "candidates_form": forms.CandidatesForm(projects=selectable, initial={"projects": [c.project_id for c in candidates]}),
        "review_form": forms.ReviewForm(initial={"decided_on": timezone.localdate()}), "next_stage": next_stage, "review_round": round_,
        "decisions": ballot.review_decisions.select_related("stage").order_by("round", "stage__order"),
        "lines": selectors.result_sheet(ballot), "recount": recount,
        "summary": getattr(ballot, "summary", None) if ballot.status in (BallotStatus.TALLIED, BallotStatus.PUBLISHED) else None,
    })


@require_POST
@login_required
def staff_ballot_action(request, pk, action):
    """A staff move on a ballot. The moves that cannot be undone (CONFIRMED_MOVES)
    first answer a page saying what they will do (turnout against the quorum,
    the result sheet, what is published); the move is made when that page is
    sent back with ``confirmed``."""
    _staff_only(request)
    ballot = get_object_or_404(selectors.ballots_run_by(request.user), pk=pk)
    if action in CONFIRMED_MOVES and request.POST.get("confirmed") != "1":
        return render(request, "voting/confirm.html", {
            "ballot": ballot, "action": action, "button": CONFIRMED_MOVES[action],
            "consequence": consequence(ballot, action),
        })
    try:
        done = _staff_move(request, ballot, action)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        if action == "runoff":
            messages.success(request, _("已创建再次投票：%(title)s。") % {"title": done.title})
            return redirect("voting:staff_ballot", pk=done.pk)
        messages.success(request, done)
    return redirect("voting:staff_ballot", pk=ballot.pk)


def _staff_move(request, ballot, action):
    """Make the move; returns what to tell staff (the new ballot for a run-off)."""
    if action in STAFF_ACTIONS:
        result = STAFF_ACTIONS[action](ballot, request.user)
        return result if action == "runoff" else _done(ballot, action)
    if action == "candidates":
        selectable = Project.objects.filter(congress=ballot.congress)
        form = forms.CandidatesForm(request.POST, projects=selectable)
        if not form.is_valid():
            raise ValidationError(_("请选择候选项目。"))
        chosen = sorted(form.cleaned_data["projects"], key=lambda p: p.pk)
        services.set_candidates(ballot=ballot, projects=chosen, actor=request.user)
        return _("候选项目已保存：共%(n)s个。") % {"n": len(chosen)}
    if action == "review":
        form = forms.ReviewForm(request.POST)
        _round, stage = services.next_review_stage(ballot)
        if not form.is_valid() or stage is None:
            raise ValidationError(_("请填写审议日期和结果。"))
        services.record_review(ballot=ballot, stage=stage, actor=request.user, **form.cleaned_data)
        return _("已记录%(stage)s的审议结果。") % {"stage": stage}
    if action == "attendance":
        present = [int(pk) for pk in request.POST.getlist("present")]
        on_roll = set(ballot.electors.values_list("deputy_id", flat=True))
        services.record_attendance(
            ballot=ballot, present_deputy_ids=present, absent_deputy_ids=on_roll - set(present) - _voted(ballot), actor=request.user
        )
        return _("出席登记已保存：出席%(n)s人。") % {"n": ballot.electors.filter(present=True).count()}
    if action == "paper":
        electors = list(selectors.roll_call(ballot))
        candidates = list(ballot.candidates.order_by("order"))
        form = forms.PaperBatchForm(request.POST, candidates=candidates, electors=electors)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.enter_paper_batch(
            ballot=ballot, label=form.cleaned_data["label"], deputy_ids=form.cleaned_data["deputies"],
            ballots=form.cleaned_data["ballots"], actor=request.user,
        )
        return _("纸质选票“%(label)s”已录入：%(n)s张。") % {"label": form.cleaned_data["label"], "n": len(form.cleaned_data["ballots"])}
    raise Http404


def _done(ballot, action):
    """What a ballot move did, in words (read back after the move)."""
    ballot.refresh_from_db()
    if action == "submit_review":
        return _("已提交审议：%(title)s。") % {"title": ballot.title}
    if action == "open":
        return _("投票已开始：参加票决代表%(n)s人，候选项目%(c)s个，不再变更。") % {
            "n": ballot.electors.count(), "c": ballot.candidates.count()}
    if action == "close":
        return _("投票已结束：已投票%(cast)s人，出席%(present)s人，全体代表%(total)s人。") % {
            "cast": ballot.participations.count(), "present": ballot.electors.filter(present=True).count(),
            "total": ballot.electorate_size}
    if action == "tally":
        chosen = ballot.results.filter(outcome=CandidateResult.Outcome.CHOSEN).count()
        return _("计票完成：%(chosen)s个项目当选（应选%(seats)s个），结果尚未公布。") % {"chosen": chosen, "seats": ballot.seats}
    if action == "publish":
        chosen = ballot.results.filter(outcome=CandidateResult.Outcome.CHOSEN).count()
        return _("结果已公布：%(chosen)s个当选项目转入实施。") % {"chosen": chosen}
    if action == "declare_invalid":
        return _("本次票决已宣布无效，候选项目已退回项目库。")
    return _("已完成：%(status)s。") % {"status": ballot.get_status_display()}


def _voted(ballot):
    return set(ballot.participations.values_list("deputy_id", flat=True))
