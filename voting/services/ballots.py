"""The ballot from its shortlist to the end of voting: candidates, the review
stages (三审), opening (the frozen roll), attendance and closing. Every change
of the ballot's status is a move of ``lifecycles.BALLOTS``."""
import secrets

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deputies.models import Mandate, MandateStatus

from ..lifecycles import BALLOTS, PROJECTS
from ..models import (
    Ballot,
    BallotCandidate,
    BallotContent,
    BallotParticipation,
    Elector,
    Project,
    ReviewDecision,
    ReviewStage,
    VotingPolicy,
)
from .common import _exclude_voters, _require_staff


def _lock_ballot(ballot):
    return BALLOTS.lock(ballot)


@transaction.atomic
def create_ballot(*, call, title, seats, actor, session=None):
    _require_staff(actor, call)
    if session is not None and session.term.congress_id != call.congress_id:
        raise ValidationError({"session": _("会议不属于该人民代表大会。")})
    ballot = Ballot.objects.create(congress_id=call.congress_id, call=call, title=title, seats=seats, session=session)
    BALLOTS.record_event(obj=ballot, move_name="create", old="", new=ballot.status, actor=actor)
    return ballot


@transaction.atomic
def draft_ballot(*, call, title, seats, projects, actor, session=None):
    """A new ballot with its shortlist, in one transaction: the page that
    creates a ballot names its candidates at once (``create_ballot`` and
    ``set_candidates`` keep their own rules)."""
    ballot = create_ballot(call=call, title=title, seats=seats, actor=actor, session=session)
    if projects:
        set_candidates(ballot=ballot, projects=projects, actor=actor)
    return ballot


@transaction.atomic
def set_candidates(*, ballot, projects, actor):
    """Replace the shortlist. Only while the ballot is being drafted: once it goes to
    review the candidates are fixed (a returned review reopens the draft)."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "set_candidates", actor)
    ids = [p.pk for p in projects]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("候选项目重复。"))
    locked = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=ids)}
    current = set(ballot.candidates.values_list("project_id", flat=True))
    for pk in ids:
        project = locked[pk]
        if project.congress_id != ballot.congress_id:
            raise ValidationError(_("项目“%(title)s”不属于该人大。") % {"title": project.title})
        if pk not in current:
            PROJECTS.check(project, "shortlist", actor)
    for project in Project.objects.select_for_update().filter(pk__in=current - set(ids)).order_by("pk"):
        PROJECTS.transition(project, "unshortlist", actor=actor, expected_status=project.status, note=ballot.title)
    ballot.candidates.all().delete()
    BallotCandidate.objects.bulk_create(
        [BallotCandidate(ballot=ballot, project_id=pk, order=i) for i, pk in enumerate(ids, start=1)]
    )
    for pk in ids:
        if pk not in current:
            PROJECTS.transition(locked[pk], "shortlist", actor=actor, expected_status=locked[pk].status, note=ballot.title)
    BALLOTS.transition(ballot, "set_candidates", actor=actor, expected_status=ballot.status)
    return ballot


def _require_more_candidates_than_seats(ballot):
    count = ballot.candidates.count()
    if count <= ballot.seats:
        raise ValidationError(
            _("候选项目数（%(count)s）须多于应选项目数（%(seats)s），实行差额票决。") % {"count": count, "seats": ballot.seats}
        )


@transaction.atomic
def submit_for_review(*, ballot, actor):
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "submit_for_review", actor)
    _require_more_candidates_than_seats(ballot)
    BALLOTS.transition(ballot, "submit_for_review", actor=actor, expected_status=ballot.status)
    return ballot


def next_review_stage(ballot):
    """(round, stage) the shortlist waits for, or (round, None) when all have approved."""
    decisions = list(ballot.review_decisions.order_by("round", "stage__order"))
    current_round = max([d.round for d in decisions], default=1)
    if decisions and decisions[-1].decision == ReviewDecision.Decision.RETURNED:
        current_round += 1
    done = {d.stage_id for d in decisions if d.round == current_round}
    for stage in ReviewStage.sequence_for(ballot.congress_id):
        if stage.pk not in done:
            return current_round, stage
    return current_round, None


@transaction.atomic
def record_review(*, ballot, stage, decided_on, decision, actor, note=""):
    """Record one stage's decision. Stages go in their configured order; the last
    approval makes the ballot ready; a return sends the shortlist back to draft."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "approve_stage", actor)
    round_, expected = next_review_stage(ballot)
    if expected is None or stage.pk != expected.pk:
        raise ValidationError(_("请按顺序审议：下一个环节是“%(stage)s”。") % {"stage": expected})
    last = ballot.review_decisions.filter(round=round_).order_by("-stage__order").first()
    if last is not None and decided_on < last.decided_on:
        raise ValidationError({"decided_on": _("审议日期早于上一个环节。")})
    ReviewDecision.objects.create(
        ballot=ballot, stage=stage, round=round_, decided_on=decided_on, decision=decision, note=note, recorded_by=actor
    )
    if decision == ReviewDecision.Decision.RETURNED:
        move = "return_for_changes"
    elif next_review_stage(ballot)[1] is None:
        move = "approve_last_stage"
    else:
        move = "approve_stage"
    BALLOTS.transition(ballot, move, actor=actor, expected_status=ballot.status, note=f"{stage.name}：{note}" if note else stage.name)
    return ballot


# =========================================================================== voting
def roll_day_and_term(ballot, today):
    """The day whose valid mandates make the roll, and the term they belong to.

    A ballot at a session: the voting day when it falls within the session,
    otherwise its opening day; the session's term. A ballot without a session:
    the voting day, and the congress's current term on it (the latest begun)."""
    from deputies.models import Term

    if ballot.session_id:
        session = ballot.session
        day = today if session.start_date <= today <= session.end_date else session.start_date
        return day, session.term
    term = Term.objects.filter(congress_id=ballot.congress_id, start_date__lte=today).order_by("-start_date").first()
    return today, term


def roll_mandates(*, congress_id, term, day):
    """参加票决代表名单: the mandates of ``term`` valid on ``day`` (begun, not
    ended, status serving), one per deputy."""
    from django.db.models import Q

    return Mandate.objects.filter(congress_id=congress_id, term=term, status=MandateStatus.SERVING, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def roll_preview(ballot, *, now=None):
    """What ``open_voting`` would freeze, read without writing: (day, term,
    number of deputies on the roll); term is None when none has begun."""
    day, term = roll_day_and_term(ballot, timezone.localdate(now or timezone.now()))
    if term is None:
        return day, None, 0
    size = roll_mandates(congress_id=ballot.congress_id, term=term, day=day).values("deputy_id").distinct().count()
    return day, term, size


@transaction.atomic
def open_voting(*, ballot, actor, now=None):
    """Freeze the electorate and the thresholds, then open voting. The roll is
    the deputies whose mandate in the congress's current term is valid on the
    voting day (``roll_day_and_term``); the opening event names that day and
    term. Nothing on the roll or the shortlist changes after."""
    _require_staff(actor, ballot)
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "open", actor)
    _require_more_candidates_than_seats(ballot)
    opened_at = now or timezone.now()
    day, term = roll_day_and_term(ballot, timezone.localdate(opened_at))
    if term is None:
        raise ValidationError(_("该人大在投票日没有已开始的届次，不能开始投票。"))
    roll = {}
    mandates = roll_mandates(congress_id=ballot.congress_id, term=term, day=day)
    for mandate_id, deputy_id in mandates.order_by("deputy_id", "-start_date").values_list("pk", "deputy_id"):
        roll.setdefault(deputy_id, mandate_id)
    if not roll:
        raise ValidationError(_("该人大没有在任代表，不能开始投票。"))
    Elector.objects.bulk_create([Elector(ballot=ballot, deputy_id=d, mandate_id=m) for d, m in roll.items()], batch_size=1000)
    policy = VotingPolicy.for_congress(ballot.congress_id)

    def freeze(locked):
        locked.electorate_size = len(roll)
        locked.quorum_share = policy.quorum_share
        locked.majority_share = policy.majority_share
        locked.opened_at = opened_at

    note = _("参加票决代表名单：%(term)s于%(day)s在任代表，共%(count)d名。") % {
        "term": term.label, "day": date_format(day, "DATE_FORMAT"), "count": len(roll),
    }
    BALLOTS.transition(
        ballot, "open", actor=actor, expected_status=ballot.status, apply=freeze, note=note,
        fields=["electorate_size", "quorum_share", "majority_share", "opened_at"],
    )
    return ballot


@transaction.atomic
def record_attendance(*, ballot, present_deputy_ids, actor, absent_deputy_ids=()):
    """Mark deputies of the frozen roll present (or absent). Deputies not on the
    roll are refused; a deputy who has voted cannot be marked absent."""
    _require_staff(actor, ballot)
    _exclude_voters(ballot)  # "has this deputy voted?" must not change under us
    ballot = _lock_ballot(ballot)
    BALLOTS.check(ballot, "record_attendance", actor)
    present_ids, absent_ids = set(present_deputy_ids), set(absent_deputy_ids)
    on_roll = set(ballot.electors.filter(deputy_id__in=present_ids | absent_ids).values_list("deputy_id", flat=True))
    if (present_ids | absent_ids) - on_roll:
        raise ValidationError(_("参加票决代表名单已在开始投票时确定，名单以外的代表不能登记出席。"), code="conflict")
    if ballot.participations.filter(deputy_id__in=absent_ids).exists():
        raise ValidationError(_("已投票的代表不能登记为缺席。"), code="conflict")
    ballot.electors.filter(deputy_id__in=present_ids).update(present=True)
    ballot.electors.filter(deputy_id__in=absent_ids).update(present=False)
    present = ballot.electors.filter(present=True).count()
    # The event says how many are present, never who: attendance is not secret,
    # but an event per deputy would sit next to the voting in time.
    BALLOTS.transition(ballot, "record_attendance", actor=actor, expected_status=ballot.status, note=str(present))
    return present


@transaction.atomic
def close_voting(*, ballot, actor, now=None):
    """Close voting, then rewrite the ballot's content and participation rows in a
    random order in one transaction, so neither their physical order, their
    transaction ids nor the participations' ids still follow the order in which
    deputies voted. The ballots being written when the close comes are waited
    for (and counted); later ones are refused."""
    _require_staff(actor, ballot)
    _exclude_voters(ballot)
    ballot = _lock_ballot(ballot)

    def close(locked):
        locked.closed_at = now or timezone.now()
        shuffle_participations(locked)
        shuffle_contents(locked)

    BALLOTS.transition(ballot, "close", actor=actor, expected_status=ballot.status, fields=["closed_at"], apply=close)
    return ballot


def shuffle_contents(ballot):
    rows = list(BallotContent.objects.filter(ballot=ballot).values_list("marks", "is_valid", "receipt_hash"))
    secrets.SystemRandom().shuffle(rows)
    BallotContent.objects.filter(ballot=ballot).delete()
    BallotContent.objects.bulk_create(
        [BallotContent(ballot=ballot, marks=m, is_valid=v, receipt_hash=h) for m, v, h in rows], batch_size=1000
    )
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum)


def shuffle_participations(ballot):
    """Re-insert the participations in a random order: their new ids are a random
    permutation of the voters, not the order in which they voted."""
    rows = list(BallotParticipation.objects.filter(ballot=ballot).values_list("deputy_id", "channel", "paper_batch_id"))
    secrets.SystemRandom().shuffle(rows)
    BallotParticipation.objects.filter(ballot=ballot).delete()
    BallotParticipation.objects.bulk_create(
        [BallotParticipation(ballot=ballot, deputy_id=d, channel=c, paper_batch_id=b) for d, c, b in rows], batch_size=1000
    )


def _vacuum():
    # Dead tuples of the old rows would keep the old order on disk until vacuumed.
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM voting_ballotcontent")
        cursor.execute("VACUUM voting_ballotparticipation")
