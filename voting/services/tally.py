"""Counting (计票), the result sheet, recounts, publication and run-offs."""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..lifecycles import BALLOTS, PROJECTS
from ..models import Ballot, BallotCandidate, BallotContent, BallotStatus, CandidateResult, Choice, Project, ProjectStatus, TallySummary
from .ballots import _lock_ballot
from .common import _require_staff


@dataclass
class CandidateCount:
    candidate_id: int
    order: int
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    rank: int = 0
    outcome: str = ""


@dataclass
class Tally:
    electorate_size: int
    present: int
    ballots_cast: int
    ballots_valid: int
    ballots_invalid: int
    majority_needed: int
    quorum_needed: int
    runoff_seats: int = 0
    lines: list = field(default_factory=list)

    @property
    def quorum_met(self):
        return self.present >= self.quorum_needed

    def as_comparable(self):
        return (
            self.ballots_cast, self.ballots_valid, self.ballots_invalid,
            sorted((c.candidate_id, c.votes_for, c.votes_against, c.votes_abstain, c.rank, c.outcome) for c in self.lines),
        )


def count_ballot(ballot):
    """Count the stored ballots from scratch and apply the rules. Pure: writes nothing."""
    candidates = list(ballot.candidates.order_by("order").values_list("pk", "order"))
    lines = {pk: CandidateCount(candidate_id=pk, order=order) for pk, order in candidates}
    cast = valid = 0
    for marks, is_valid in BallotContent.objects.filter(ballot=ballot).values_list("marks", "is_valid").iterator(chunk_size=2000):
        cast += 1
        if not is_valid:
            continue
        valid += 1
        for key, choice in marks.items():
            line = lines[int(key)]
            if choice == Choice.FOR:
                line.votes_for += 1
            elif choice == Choice.AGAINST:
                line.votes_against += 1
            else:
                line.votes_abstain += 1
    tally = Tally(
        electorate_size=ballot.electorate_size,
        present=ballot.electors.filter(present=True).count(),
        ballots_cast=cast,
        ballots_valid=valid,
        ballots_invalid=cast - valid,
        majority_needed=ballot.majority_needed,
        quorum_needed=ballot.quorum_needed,
        lines=sorted(lines.values(), key=lambda c: (-c.votes_for, c.order)),
    )
    _apply_rules(tally, ballot.seats)
    return tally


def _apply_rules(tally, seats):
    """Chosen: more than the majority share of ALL deputies approve, ranked by
    approvals, top N. Equal approvals across the N-th place are not decided here:
    they are marked for a run-off for the seats left."""
    previous, rank = None, 0
    for position, line in enumerate(tally.lines, start=1):
        if line.votes_for != previous:
            rank, previous = position, line.votes_for
        line.rank = rank
    qualifying = [c for c in tally.lines if c.votes_for >= tally.majority_needed]
    for line in tally.lines:
        if line.votes_for < tally.majority_needed:
            line.outcome = CandidateResult.Outcome.NO_MAJORITY
    if len(qualifying) <= seats:
        for line in qualifying:
            line.outcome = CandidateResult.Outcome.CHOSEN
        return
    cutoff = qualifying[seats - 1].votes_for
    tie_at_cutoff = qualifying[seats].votes_for == cutoff
    for position, line in enumerate(qualifying):
        if tie_at_cutoff and line.votes_for == cutoff:
            line.outcome = CandidateResult.Outcome.RUNOFF
        elif line.votes_for > cutoff or (not tie_at_cutoff and position < seats):
            line.outcome = CandidateResult.Outcome.CHOSEN
        else:
            line.outcome = CandidateResult.Outcome.OUTRANKED
    if tie_at_cutoff:
        tally.runoff_seats = seats - sum(1 for c in qualifying if c.outcome == CandidateResult.Outcome.CHOSEN)


@transaction.atomic
def tally_ballot(*, ballot, actor, now=None):
    """Count the closed ballot and write the result sheet. Refused without a quorum."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "tally", actor)
    tally = count_ballot(ballot)
    if not tally.quorum_met:
        raise ValidationError(
            _("出席代表%(present)s人，未超过全体代表%(total)s人的法定比例（需至少%(needed)s人），票决无效，不能计票。")
            % {"present": tally.present, "total": tally.electorate_size, "needed": tally.quorum_needed},
            code="no_quorum",
        )
    participations = ballot.participations.count()
    if participations != tally.ballots_cast:
        # Nothing lost, nothing counted twice: every participation has exactly one content.
        raise ValidationError(
            _("投票记录（%(p)s）与选票（%(c)s）数量不一致，不能计票。") % {"p": participations, "c": tally.ballots_cast}
        )
    CandidateResult.objects.bulk_create(
        [
            CandidateResult(
                ballot=ballot, candidate_id=c.candidate_id, votes_for=c.votes_for, votes_against=c.votes_against,
                votes_abstain=c.votes_abstain, rank=c.rank, outcome=c.outcome,
            )
            for c in tally.lines
        ]
    )
    TallySummary.objects.create(
        ballot=ballot, electorate_size=tally.electorate_size, present=tally.present, ballots_cast=tally.ballots_cast,
        ballots_valid=tally.ballots_valid, ballots_invalid=tally.ballots_invalid,
        majority_needed=tally.majority_needed, runoff_seats=tally.runoff_seats, tallied_by=actor,
    )

    def stamp(locked):
        locked.tallied_at = now or timezone.now()

    BALLOTS.transition(ballot, "tally", actor=actor, expected_status=ballot.status, fields=["tallied_at"], apply=stamp)
    return tally


def recount(ballot):
    """Count again from the stored ballots and compare with the stored result sheet.
    Returns (fresh tally, list of differences); an empty list means the same numbers."""
    fresh = count_ballot(ballot)
    summary = TallySummary.objects.filter(ballot=ballot).first()
    if summary is None:
        return fresh, [_("尚未计票。")]
    differences = []
    for name in ("ballots_cast", "ballots_valid", "ballots_invalid", "present", "majority_needed", "runoff_seats"):
        if getattr(summary, name) != getattr(fresh, name):
            differences.append(f"{name}: {getattr(summary, name)} != {getattr(fresh, name)}")
    stored = {r.candidate_id: r for r in CandidateResult.objects.filter(ballot=ballot)}
    for line in fresh.lines:
        row = stored.get(line.candidate_id)
        got = (line.votes_for, line.votes_against, line.votes_abstain, line.rank, line.outcome)
        want = None if row is None else (row.votes_for, row.votes_against, row.votes_abstain, row.rank, row.outcome)
        if got != want:
            differences.append(f"candidate {line.candidate_id}: {want} != {got}")
    return fresh, differences


@transaction.atomic
def declare_invalid(*, ballot, actor):
    """A closed ballot without a quorum is declared invalid; its shortlist may go to a new ballot."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "declare_invalid", actor)
    if count_ballot(ballot).quorum_met:
        raise ValidationError(_("出席人数已达法定比例，应当计票。"), code="conflict")
    BALLOTS.transition(ballot, "declare_invalid", actor=actor, expected_status=ballot.status)
    shortlisted = Project.objects.select_for_update().filter(candidacies__ballot=ballot).exclude(status=ProjectStatus.CANDIDATE)
    for project in shortlisted.order_by("pk"):
        PROJECTS.transition(project, "release", actor=actor, expected_status=project.status, note=ballot.title)
    return ballot


@transaction.atomic
def publish_results(*, ballot, actor, now=None):
    """Publish the result sheet; chosen projects go on to implementation."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "publish", actor)
    outcomes = dict(ballot.results.values_list("candidate__project_id", "outcome"))
    chosen = [p for p, o in outcomes.items() if o == CandidateResult.Outcome.CHOSEN]
    lost = [p for p, o in outcomes.items() if o in (CandidateResult.Outcome.NO_MAJORITY, CandidateResult.Outcome.OUTRANKED)]
    moves = {ProjectStatus.CHOSEN: ("choose", chosen), ProjectStatus.NOT_CHOSEN: ("not_choose", lost)}
    for target, (move, ids) in moves.items():
        for project in Project.objects.select_for_update().filter(pk__in=ids).exclude(status=target).order_by("pk"):
            PROJECTS.transition(project, move, actor=actor, expected_status=project.status, note=ballot.title)

    def stamp(locked):
        locked.published_at = now or timezone.now()

    BALLOTS.transition(ballot, "publish", actor=actor, expected_status=ballot.status, fields=["published_at"], apply=stamp)
    return ballot


@transaction.atomic
def start_runoff(*, ballot, actor, title=""):
    """A new ballot among the candidates tied at the cut-off, for the seats left.
    The shortlist already passed review, so it is ready to open."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "start_runoff", actor)
    tied = list(
        ballot.results.filter(outcome=CandidateResult.Outcome.RUNOFF).order_by("candidate__order").values_list("candidate__project_id", flat=True)
    )
    if not tied:
        raise ValidationError(_("本次票决没有需要再次投票的项目。"), code="conflict")
    if ballot.runoffs.exists():
        raise ValidationError(_("已经为本次票决安排了再次投票。"), code="conflict")
    runoff = Ballot.objects.create(
        congress_id=ballot.congress_id, call_id=ballot.call_id, session_id=ballot.session_id, runoff_of=ballot,
        title=title or _("%(title)s（再次投票）") % {"title": ballot.title}, seats=ballot.summary.runoff_seats,
        status=BallotStatus.READY,
    )
    BallotCandidate.objects.bulk_create(
        [BallotCandidate(ballot=runoff, project_id=pk, order=i) for i, pk in enumerate(tied, start=1)]
    )
    BALLOTS.transition(ballot, "start_runoff", actor=actor, expected_status=ballot.status, note=runoff.title)
    BALLOTS.record_event(obj=runoff, move_name="create_runoff", old="", new=runoff.status, actor=actor, note=ballot.title)
    return runoff
