"""Reads of the ballot cycle, with their joins. Nothing here joins a ballot's
content to a deputy: participation and content are only ever counted apart."""
import datetime
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, Exists, F, FloatField, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from congress_portal.accounts import roles
from deputies.models import Session

from . import permissions
from .models import (
    Ballot,
    BallotCandidate,
    BallotContent,
    BallotParticipation,
    BallotStatus,
    CandidateResult,
    Elector,
    ProgressReport,
    Project,
    ProjectCall,
    ProjectRating,
    ProjectStatus,
    Proposal,
    Satisfaction,
    VotingPolicy,
)


def _count(model, **filters):
    """A correlated COUNT subquery on ballot=OuterRef('pk'): keeps list queries flat."""
    qs = model.objects.filter(ballot=OuterRef("pk"), **filters).order_by().values("ballot").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(qs, output_field=IntegerField()), Value(0))


def ballots_visible_to(user):
    """Staff: their own congress's ballots and those of the congresses below it
    (and published ones, like everyone). Deputies: ballots they are on the roll
    of, and published ones. The public: published ones."""
    qs = Ballot.objects.select_related("congress", "call", "session")
    if permissions.can_manage(user):
        seen = roles.seen_congresses(user)
        return qs if seen is None else qs.filter(Q(congress__in=seen) | Q(status=BallotStatus.PUBLISHED))
    deputy = roles.deputy_of(user)
    if deputy is not None:
        on_roll = Elector.objects.filter(ballot=OuterRef("pk"), deputy=deputy)
        return qs.filter(Q(status=BallotStatus.PUBLISHED) | Q(Exists(on_roll)))
    return qs.published()


def ballots_run_by(user):
    """The ballots a staff user runs: its own congress's (404 for the others)."""
    return roles.scope_to_congress(Ballot.objects.select_related("congress", "call", "session"), user)


def ballot_overview(user):
    """Every ballot the user may see, with its figures, for the side-by-side table
    (staff: their own congress's and those below it)."""
    visible = ballots_visible_to(user)
    if permissions.can_manage(user):
        visible = roles.scope_to_congress(visible, user, supervise=True)
    return (
        visible
        .annotate(
            candidate_count=_count(BallotCandidate),
            present_count=_count(Elector, present=True),
            cast_count=_count(BallotParticipation),
            chosen_count=_count(CandidateResult, outcome=CandidateResult.Outcome.CHOSEN),
        )
        .order_by("-call__year", "congress__area__code", "pk")
    )


# --------------------------------------------------------------------------- side by side
VOTED_STATUSES = (BallotStatus.OPEN, BallotStatus.CLOSED, BallotStatus.TALLIED, BallotStatus.PUBLISHED)
CHOSEN_STATUSES = (ProjectStatus.CHOSEN, ProjectStatus.COMPLETED)


def _per_call(queryset, value, output_field):
    """A correlated subquery grouping ``queryset`` (already filtered on the call) by call."""
    qs = queryset.order_by().values("g").annotate(v=value).values("v")
    return Subquery(qs, output_field=output_field)


def comparison_calls(*, user, year=None, level=None, area=None):
    """One row per congress and year (a call): candidates, chosen, completed, mean
    percent done of the chosen projects and the year-end satisfaction counts. The
    ballot figures (attendance, turnout) come from ``attach_ballot_figures``."""
    calls = ProjectCall.objects.select_related("congress__area")
    calls = roles.scope_to_congress(calls, user, supervise=True)  # the congresses the staff user supervises
    if year:
        calls = calls.filter(year=year)
    if level:
        calls = calls.filter(congress__level=level)
    if area is not None:
        calls = calls.filter(Q(congress__area=area) | Q(congress__area__path__startswith=f"{area.path}/"))
    candidates = (
        BallotCandidate.objects.filter(ballot__call=OuterRef("pk"), ballot__runoff_of__isnull=True)
        .exclude(ballot__status=BallotStatus.INVALID).annotate(g=F("ballot__call"))
    )
    chosen = Project.objects.filter(call=OuterRef("pk"), status__in=CHOSEN_STATUSES).annotate(g=F("call"))
    ratings = ProjectRating.objects.filter(project__call=OuterRef("pk"), project__status__in=CHOSEN_STATUSES).annotate(g=F("project__call"))
    return calls.annotate(
        candidate_count=Coalesce(_per_call(candidates, Count("project", distinct=True), IntegerField()), Value(0)),
        chosen_count=Coalesce(_per_call(chosen, Count("*"), IntegerField()), Value(0)),
        completed_count=Coalesce(_per_call(chosen.filter(status=ProjectStatus.COMPLETED), Count("*"), IntegerField()), Value(0)),
        mean_percent_done=_per_call(chosen, Avg("percent_done"), FloatField()),
        ratings_count=Coalesce(_per_call(ratings, Count("*"), IntegerField()), Value(0)),
        satisfied_count=Coalesce(_per_call(ratings.filter(rating__in=[Satisfaction.SATISFIED, Satisfaction.MOSTLY]), Count("*"), IntegerField()), Value(0)),
    ).order_by("-year", "congress__area__path", "congress__level")


def _share(part, whole):
    return None if not whole else round(100 * part / whole, 1)


def attach_ballot_figures(calls):
    """Give each call its main ballot (the latest that was voted on, not a run-off;
    else the latest) with attendance and turnout in percent of all deputies,
    and its satisfaction rate. One query for the whole page."""
    calls = list(calls)
    ballots = (
        Ballot.objects.filter(call_id__in=[c.pk for c in calls], runoff_of__isnull=True)
        .annotate(present_count=_count(Elector, present=True), cast_count=_count(BallotParticipation))
        .order_by("call_id", "-pk")
    )
    latest, voted = {}, {}
    for ballot in ballots:
        latest.setdefault(ballot.call_id, ballot)
        if ballot.status in VOTED_STATUSES:
            voted.setdefault(ballot.call_id, ballot)
    for call in calls:
        ballot = voted.get(call.pk) or latest.get(call.pk)
        call.main_ballot = ballot
        voted_on = ballot is not None and ballot.status in VOTED_STATUSES
        call.attendance_percent = _share(ballot.present_count, ballot.electorate_size) if voted_on else None
        call.turnout_percent = _share(ballot.cast_count, ballot.electorate_size) if voted_on else None
        call.implementation_percent = None if call.mean_percent_done is None else round(call.mean_percent_done, 1)
        call.satisfaction_percent = _share(call.satisfied_count, call.ratings_count)
    return calls


def deputy_open_ballots(user):
    """Open ballots on the deputy's roll, each with whether they are present and have voted."""
    deputy = roles.deputy_of(user)
    if deputy is None:
        return Ballot.objects.none()
    voted = BallotParticipation.objects.filter(ballot=OuterRef("pk"), deputy=deputy)
    present = Elector.objects.filter(ballot=OuterRef("pk"), deputy=deputy, present=True)
    return (
        Ballot.objects.filter(status=BallotStatus.OPEN, electors__deputy=deputy)
        .select_related("congress", "call")
        .annotate(has_voted=Exists(voted), is_present=Exists(present))
        .order_by("-opened_at", "pk")
    )


def ballot_for_voting(ballot_id):
    return Ballot.objects.select_related("congress", "call").prefetch_related("candidates__project__responsible_unit").get(pk=ballot_id)


def has_voted(user, ballot):
    deputy = roles.deputy_of(user)
    return deputy is not None and BallotParticipation.objects.filter(ballot=ballot, deputy=deputy).exists()


def result_sheet(ballot):
    """The per-candidate lines of the result sheet, best first."""
    return (
        CandidateResult.objects.filter(ballot=ballot)
        .select_related("candidate__project__responsible_unit")
        .order_by("rank", "candidate__order")
    )


def published_results():
    return ballot_overview(None).filter(status=BallotStatus.PUBLISHED)


def roll_call(ballot):
    """Who is on the roll, present, and has voted (never how): staff's attendance sheet."""
    voted = BallotParticipation.objects.filter(ballot=ballot, deputy=OuterRef("deputy"))
    return (
        Elector.objects.filter(ballot=ballot)
        .select_related("deputy", "mandate__electoral_unit", "mandate__delegation")
        .annotate(has_voted=Exists(voted))
        .order_by("deputy__name", "pk")
    )


@dataclass
class ReceiptCheck:
    found: bool
    ballot_title: str = ""
    counted: bool = False
    valid: bool = False


def check_receipt(code):
    """Whether the ballot with this receipt is stored (and counted once tallied).
    It does not say how the ballot was marked: a receipt that showed the choices
    would let a deputy prove their vote to whoever pressures them."""
    from .services import receipt_hash

    row = BallotContent.objects.filter(receipt_hash=receipt_hash(code)).select_related("ballot").first()
    if row is None:
        return ReceiptCheck(found=False)
    counted = row.ballot.status in (BallotStatus.TALLIED, BallotStatus.PUBLISHED)
    return ReceiptCheck(found=True, ballot_title=row.ballot.title, counted=counted, valid=row.is_valid)


# --------------------------------------------------------------------------- collection
def proposals_for_staff(call=None):
    qs = Proposal.objects.select_related("call__congress", "deputy", "department", "project")
    return qs.filter(call=call) if call is not None else qs


def open_calls(today=None):
    today = today or timezone.localdate()
    return ProjectCall.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("congress").order_by("congress__area__code")


def projects_visible_to(user):
    """Staff see their own congress's projects and those below it; a unit its
    own; everyone the ones chosen by a published ballot."""
    qs = Project.objects.select_related("congress", "call", "responsible_unit")
    if permissions.can_manage(user):
        return roles.scope_to_congress(qs, user, supervise=True)
    public = Q(status__in=[ProjectStatus.CHOSEN, ProjectStatus.COMPLETED])
    unit_id = roles.unit_id_of(user)
    if unit_id is not None:
        return qs.filter(public | Q(responsible_unit_id=unit_id))
    return qs.filter(public)


def reserve_pool(congress=None):
    qs = Project.objects.filter(status=ProjectStatus.RESERVE).select_related("congress", "call")
    return qs.filter(congress=congress) if congress is not None else qs


# --------------------------------------------------------------------------- implementation
@dataclass
class ReportDue:
    project: Project
    due_on: datetime.date
    overdue: bool


def _with_report_dates(projects):
    """Annotate the last report's date and when the project was chosen (the
    report cycle starts from the later of the two)."""
    last_report = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-reported_on").values("reported_on")[:1]
    return projects.annotate(last_reported_on=Subquery(last_report)).annotate(chosen_at=Subquery(
        CandidateResult.objects.filter(candidate__project=OuterRef("pk"), outcome=CandidateResult.Outcome.CHOSEN)
        .order_by("-ballot__published_at").values("ballot__published_at")[:1]
    ))


def _next_report_dates(projects):
    """[(project, next report due on or None, reminder lead days)], with every
    congress's own policy row and the default read in one query."""
    rows = {p.congress_id: p for p in VotingPolicy.objects.filter(Q(congress__isnull=True) | Q(congress_id__in={p.congress_id for p in projects}))}
    default = rows.get(None) or VotingPolicy()
    dates = []
    for project in projects:
        policy = rows.get(project.congress_id, default)
        start = project.last_reported_on or (timezone.localtime(project.chosen_at).date() if project.chosen_at else None)
        due_on = None if start is None else start + datetime.timedelta(days=policy.report_interval_days)
        dates.append((project, due_on, policy.report_reminder_days))
    return dates


def progress_reports_due(*, today=None, unit_id=None, user=None):
    """Chosen projects whose next progress report is due within the reminder lead
    time or overdue: (project, due date, overdue). For the notifications work to
    remind the responsible unit; the cycle comes from the congress's policy."""
    today = today or timezone.localdate()
    projects = Project.objects.filter(status=ProjectStatus.CHOSEN).select_related("congress", "call", "responsible_unit")
    if unit_id is not None:
        projects = projects.filter(responsible_unit_id=unit_id)
    if user is not None:
        projects = roles.scope_to_congress(projects, user, supervise=True)
    due = []
    for project, due_on, lead_days in _next_report_dates(list(_with_report_dates(projects).order_by("pk"))):
        if due_on is not None and due_on - datetime.timedelta(days=lead_days) <= today:
            due.append(ReportDue(project=project, due_on=due_on, overdue=due_on < today))
    return due


def unit_projects(unit_id):
    """A handling unit's chosen projects (in progress or completed), newest year first."""
    return (
        Project.objects.filter(responsible_unit_id=unit_id, status__in=[ProjectStatus.CHOSEN, ProjectStatus.COMPLETED])
        .select_related("congress", "call", "responsible_unit")
        .order_by("-call__year", "status", "pk")
    )


def unit_project_list(unit_id, *, today=None):
    """The unit's projects page: each project with its milestones, its last report
    and when the next one is due (``next_report_on``, ``report_overdue``)."""
    today = today or timezone.localdate()
    projects = list(_with_report_dates(unit_projects(unit_id)).prefetch_related("milestones"))
    for project, due_on, _lead in _next_report_dates(projects):
        # A completed project reports no more.
        project.next_report_on = due_on if project.status == ProjectStatus.CHOSEN else None
        project.report_overdue = project.next_report_on is not None and project.next_report_on < today
    return projects


def unit_project_detail(unit_id, project_id, *, today=None):
    """One of the unit's projects with milestones, reports and photos; another
    unit's project (or one not chosen) raises Project.DoesNotExist."""
    project = (
        _with_report_dates(unit_projects(unit_id))
        .prefetch_related("milestones", "progress_reports__photos")
        .get(pk=project_id)
    )
    [(project, due_on, _lead)] = _next_report_dates([project])
    today = today or timezone.localdate()
    project.next_report_on = due_on if project.status == ProjectStatus.CHOSEN else None
    project.report_overdue = project.next_report_on is not None and project.next_report_on < today
    return project


def project_detail(project_id):
    return (
        Project.objects.select_related("congress", "call", "responsible_unit")
        .prefetch_related("milestones", "progress_reports__photos", "inspections__deputies")
        .get(pk=project_id)
    )


# --------------------------------------------------------------------------- rating
def rating_results(call):
    """Per chosen project of the call: how many deputies rated it satisfied, mostly, not."""
    return (
        Project.objects.filter(call=call, status__in=[ProjectStatus.CHOSEN, ProjectStatus.COMPLETED])
        .select_related("responsible_unit")
        .annotate(
            satisfied=Count("ratings", filter=Q(ratings__rating=Satisfaction.SATISFIED)),
            mostly=Count("ratings", filter=Q(ratings__rating=Satisfaction.MOSTLY)),
            not_satisfied=Count("ratings", filter=Q(ratings__rating=Satisfaction.NOT)),
            rated=Count("ratings"),
        )
        .annotate(satisfied_or_mostly=F("satisfied") + F("mostly"))
        .order_by("pk")
    )


def my_rating(user, project):
    deputy = roles.deputy_of(user)
    if deputy is None:
        return None
    return ProjectRating.objects.filter(project=project, deputy=deputy).first()


def ballot_candidates_to_pick(call):
    """The projects a new ballot of ``call`` may list: its congress's adopted
    projects not yet on a ballot (the shortlist move starts from 待审候选),
    this call's first."""
    return (
        Project.objects.filter(congress_id=call.congress_id, status=ProjectStatus.CANDIDATE)
        .annotate(this_call=Case(When(call_id=call.pk, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("this_call", "pk")
    )


def sessions_for_ballot(call):
    """The plenaries a ballot of ``call`` can be held at: its congress's, of the call's year or later."""
    return Session.objects.filter(term__congress_id=call.congress_id, year__gte=call.year).select_related("term__congress").order_by("year", "number")
