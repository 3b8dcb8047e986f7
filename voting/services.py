"""Every write of the ballot cycle. Keyword-only functions that raise Django's
ValidationError / PermissionDenied; the API, the pages and the admin call them."""
import hashlib
import hmac
import secrets
from datetime import timedelta
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.models import Mandate, MandateStatus

from . import permissions
from .models import (
    Ballot,
    BallotCandidate,
    BallotContent,
    BallotParticipation,
    BallotStatus,
    CandidateResult,
    Channel,
    Choice,
    Elector,
    Inspection,
    Milestone,
    PaperBatch,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCall,
    ProjectRating,
    ProjectStatus,
    Proposal,
    ProposalSource,
    ReviewDecision,
    ReviewStage,
    TallySummary,
    VotingPolicy,
)

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def _require_staff(actor):
    if not permissions.can_manage(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以进行此操作。"))


def _lock_ballot(ballot):
    # NO KEY UPDATE: staff's changes to a ballot serialise among themselves but do
    # not wait for the KEY SHARE locks that voters' foreign-key checks hold on the row.
    return Ballot.objects.select_for_update(no_key=True).get(pk=ballot.pk)


# Voters and staff meet on an advisory lock per ballot (namespace, ballot id):
# writing a ballot holds it shared, closing the vote and attendance hold it
# exclusive. A row lock would do the same but is unfair: a FOR UPDATE waiting
# behind FOR SHARE holders lets new FOR SHARE lockers pass, so under a steady
# stream of voters "close" waited until the stream dried up. The lock manager
# queues a shared request behind a waiting exclusive one, so a close waits only
# for the ballots already being written and every later one is refused.
BALLOT_LOCK_NAMESPACE = 0x766F7465  # "vote"


def _ballot_lock_key(ballot):
    return [BALLOT_LOCK_NAMESPACE, ballot.pk & 0x7FFFFFFF]


def _exclude_voters(ballot):
    """Wait for the ballots being written to commit and keep new ones out until
    this transaction ends (PostgreSQL; SQLite serialises every write anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _ballot_lock_key(ballot))


def _require_status(ballot, *allowed):
    if ballot.status not in allowed:
        raise ValidationError(
            _("票决当前状态为“%(status)s”，不能进行此操作。") % {"status": ballot.get_status_display()}, code="conflict"
        )


# =========================================================================== collection
def create_call(*, congress, year, title, opens_on, closes_on, description="", actor):
    _require_staff(actor)
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("征集截止日期早于开始日期。")})
    if ProjectCall.objects.filter(congress=congress, year=year).exists():
        raise ValidationError(_("该人大本年度已有项目征集。"), code="conflict")
    return ProjectCall.objects.create(
        congress=congress, year=year, title=title, opens_on=opens_on, closes_on=closes_on, description=description
    )


def _require_call_open(call, today=None):
    today = today or timezone.localdate()
    if not call.is_open_on(today):
        raise ValidationError(_("项目征集时间为%(start)s至%(end)s，当前不在征集期内。") % {"start": call.opens_on, "end": call.closes_on})


def client_fingerprint(address):
    """A keyed hash of the sender's address: enough to rate-limit, useless to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def submit_public_proposal(
    *, call, title, description, client_address, estimated_budget=None, responsible_department="", area="",
    proposer_name="", proposer_contact="", today=None, now=None,
):
    """The public form. Rate limited per sender address by the policy's hourly limit,
    counted in the database so every process sees the same count."""
    _require_call_open(call, today)
    now = now or timezone.now()
    fingerprint = client_fingerprint(client_address)
    limit = VotingPolicy.for_congress(call.congress_id).public_proposals_per_hour
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialise one sender's submissions so parallel posts cannot pass the count together.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [fingerprint])
        recent = Proposal.objects.filter(
            client_fingerprint=fingerprint, created_at__gte=now - timedelta(hours=1)
        ).count()
        if recent >= limit:
            raise ValidationError(_("提交过于频繁，请一小时后再试。"), code="throttled")
        return Proposal.objects.create(
            call=call, source=ProposalSource.PUBLIC, title=title, description=description,
            estimated_budget=estimated_budget, responsible_department=responsible_department, area=area,
            proposer_name=proposer_name, proposer_contact=proposer_contact, client_fingerprint=fingerprint,
        )


def submit_proposal(*, call, actor, title, description, estimated_budget=None, responsible_department="", area="", today=None):
    """A deputy of the call's congress or a department member proposes a project."""
    _require_call_open(call, today)
    fields = dict(
        call=call, title=title, description=description, estimated_budget=estimated_budget,
        responsible_department=responsible_department, area=area, submitted_by=actor,
    )
    if permissions.can_propose_as_deputy(actor, call):
        return Proposal.objects.create(source=ProposalSource.DEPUTY, deputy=roles.deputy_of(actor), **fields)
    if permissions.can_propose_as_department(actor):
        unit = actor.handling_unit
        return Proposal.objects.create(
            source=ProposalSource.DEPARTMENT, department=unit,
            **{**fields, "responsible_department": responsible_department or unit.name},
        )
    raise PermissionDenied(_("只有本级人大代表和政府部门可以通过账号提出项目，公众请使用公开征集表。"))


@transaction.atomic
def adopt_proposals(*, proposals, actor, project=None, title="", description="", estimated_budget=None, responsible_unit=None, area=""):
    """Adopt one or more proposals as a project, merging duplicates: into ``project``
    when given, else into a new project built from the fields (or the first proposal)."""
    _require_staff(actor)
    proposals = list(Proposal.objects.select_for_update().filter(pk__in=[p.pk for p in proposals]).order_by("pk"))
    if not proposals:
        raise ValidationError(_("请选择要采纳的建议项目。"))
    calls = {p.call_id for p in proposals}
    if len(calls) != 1:
        raise ValidationError(_("只能合并同一征集中的建议项目。"))
    if any(p.status != Proposal.Status.SUBMITTED for p in proposals):
        raise ValidationError(_("所选建议项目中有已处理的项目。"), code="conflict")
    call = proposals[0].call
    if project is None:
        first = proposals[0]
        project = Project.objects.create(
            congress_id=call.congress_id, call=call, title=title or first.title,
            description=description or first.description,
            estimated_budget=estimated_budget if estimated_budget is not None else first.estimated_budget,
            responsible_unit=responsible_unit, area=area or first.area,
        )
    elif project.call_id != call.pk:
        raise ValidationError(_("项目与建议不属于同一征集。"))
    elif project.status not in (ProjectStatus.CANDIDATE, ProjectStatus.RESERVE):
        raise ValidationError(_("该项目已进入票决，不能再并入建议。"), code="conflict")
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(status=Proposal.Status.ADOPTED, project=project)
    return project


def reject_proposal(*, proposal, actor, note):
    _require_staff(actor)
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("该建议项目已处理。"), code="conflict")
    proposal.status = Proposal.Status.REJECTED
    proposal.staff_note = note
    proposal.save(update_fields=["status", "staff_note"])
    return proposal


@transaction.atomic
def merge_projects(*, keep, duplicates, actor):
    """Fold duplicate projects into one: their proposals move to ``keep``."""
    _require_staff(actor)
    movable = (ProjectStatus.CANDIDATE, ProjectStatus.RESERVE)
    projects = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=[keep.pk, *[d.pk for d in duplicates]])}
    keep = projects[keep.pk]
    for duplicate in duplicates:
        duplicate = projects[duplicate.pk]
        if duplicate.pk == keep.pk:
            continue
        if duplicate.congress_id != keep.congress_id or duplicate.status not in movable or keep.status not in movable:
            raise ValidationError(_("只能合并同一人大、尚未进入票决的项目。"))
        duplicate.proposals.update(project=keep)
        duplicate.status = ProjectStatus.MERGED
        duplicate.merged_into = keep
        duplicate.save(update_fields=["status", "merged_into"])
    return keep


def move_to_reserve(*, project, actor):
    _require_staff(actor)
    if project.status != ProjectStatus.CANDIDATE:
        raise ValidationError(_("只有待审候选项目可以转入储备库。"), code="conflict")
    project.status = ProjectStatus.RESERVE
    project.save(update_fields=["status"])
    return project


def take_from_reserve(*, project, call, actor):
    """Bring a reserved project into a (later) year's call as a candidate."""
    _require_staff(actor)
    if project.status not in (ProjectStatus.RESERVE, ProjectStatus.NOT_CHOSEN):
        raise ValidationError(_("只有储备库或未当选的项目可以重新列入候选。"), code="conflict")
    if call.congress_id != project.congress_id:
        raise ValidationError(_("项目与征集不属于同一人大。"))
    project.call = call
    project.status = ProjectStatus.CANDIDATE
    project.save(update_fields=["call", "status"])
    return project


# =========================================================================== review
def create_ballot(*, call, title, seats, actor, session=None):
    _require_staff(actor)
    if session is not None and session.term.congress_id != call.congress_id:
        raise ValidationError({"session": _("会议不属于该人民代表大会。")})
    return Ballot.objects.create(congress_id=call.congress_id, call=call, title=title, seats=seats, session=session)


@transaction.atomic
def set_candidates(*, ballot, projects, actor):
    """Replace the shortlist. Only while the ballot is being drafted: once it goes to
    review the candidates are fixed (a returned review reopens the draft)."""
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.DRAFT)
    ids = [p.pk for p in projects]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("候选项目重复。"))
    locked = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=ids)}
    current = set(ballot.candidates.values_list("project_id", flat=True))
    for pk in ids:
        project = locked[pk]
        if project.congress_id != ballot.congress_id:
            raise ValidationError(_("项目“%(title)s”不属于该人大。") % {"title": project.title})
        if project.status != ProjectStatus.CANDIDATE and pk not in current:
            raise ValidationError(_("项目“%(title)s”不是待审候选项目。") % {"title": project.title})
    Project.objects.filter(pk__in=current - set(ids)).update(status=ProjectStatus.CANDIDATE)
    ballot.candidates.all().delete()
    BallotCandidate.objects.bulk_create(
        [BallotCandidate(ballot=ballot, project_id=pk, order=i) for i, pk in enumerate(ids, start=1)]
    )
    Project.objects.filter(pk__in=ids).update(status=ProjectStatus.SHORTLISTED)
    return ballot


def _require_more_candidates_than_seats(ballot):
    count = ballot.candidates.count()
    if count <= ballot.seats:
        raise ValidationError(
            _("候选项目数（%(count)s）须多于应选项目数（%(seats)s），实行差额票决。") % {"count": count, "seats": ballot.seats}
        )


@transaction.atomic
def submit_for_review(*, ballot, actor):
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.DRAFT)
    _require_more_candidates_than_seats(ballot)
    ballot.status = BallotStatus.REVIEW
    ballot.save(update_fields=["status"])
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
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.REVIEW)
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
        ballot.status = BallotStatus.DRAFT
        ballot.save(update_fields=["status"])
    elif next_review_stage(ballot)[1] is None:
        ballot.status = BallotStatus.READY
        ballot.save(update_fields=["status"])
    return ballot


# =========================================================================== the ballot
@transaction.atomic
def open_voting(*, ballot, actor, now=None):
    """Freeze the electorate (deputies serving in the congress now) and the
    thresholds, then open voting. Nothing on the roll or the shortlist changes after."""
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.READY)
    _require_more_candidates_than_seats(ballot)
    mandates = Mandate.objects.filter(congress_id=ballot.congress_id, status=MandateStatus.SERVING)
    if ballot.session_id:
        mandates = mandates.filter(term_id=ballot.session.term_id)
    roll = {}
    for mandate_id, deputy_id in mandates.order_by("deputy_id", "-start_date").values_list("pk", "deputy_id"):
        roll.setdefault(deputy_id, mandate_id)
    if not roll:
        raise ValidationError(_("该人大没有在任代表，不能开始投票。"))
    Elector.objects.bulk_create([Elector(ballot=ballot, deputy_id=d, mandate_id=m) for d, m in roll.items()], batch_size=1000)
    policy = VotingPolicy.for_congress(ballot.congress_id)
    ballot.electorate_size = len(roll)
    ballot.quorum_share = policy.quorum_share
    ballot.majority_share = policy.majority_share
    ballot.status = BallotStatus.OPEN
    ballot.opened_at = now or timezone.now()
    ballot.save(update_fields=["electorate_size", "quorum_share", "majority_share", "status", "opened_at"])
    return ballot


@transaction.atomic
def record_attendance(*, ballot, present_deputy_ids, actor, absent_deputy_ids=()):
    """Mark deputies of the frozen roll present (or absent). Deputies not on the
    roll are refused; a deputy who has voted cannot be marked absent."""
    _require_staff(actor)
    _exclude_voters(ballot)  # "has this deputy voted?" must not change under us
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.OPEN)
    present_ids, absent_ids = set(present_deputy_ids), set(absent_deputy_ids)
    on_roll = set(ballot.electors.filter(deputy_id__in=present_ids | absent_ids).values_list("deputy_id", flat=True))
    if (present_ids | absent_ids) - on_roll:
        raise ValidationError(_("选举人名册已在开始投票时确定，名册以外的代表不能登记出席。"), code="conflict")
    if ballot.participations.filter(deputy_id__in=absent_ids).exists():
        raise ValidationError(_("已投票的代表不能登记为缺席。"), code="conflict")
    ballot.electors.filter(deputy_id__in=present_ids).update(present=True)
    ballot.electors.filter(deputy_id__in=absent_ids).update(present=False)
    return ballot.electors.filter(present=True).count()


def _hold_open_ballot(ballot):
    """Read the ballot's status under the ballot's shared advisory lock, held to the
    end of the writer's transaction: voters do not block one another, closing waits
    for the ballots being written, and a ballot written after closing is refused.
    The status is read after the lock is granted, so it sees a committed close."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", _ballot_lock_key(ballot))
    status, seats = Ballot.objects.filter(pk=ballot.pk).values_list("status", "seats").get()
    if status in (BallotStatus.DRAFT, BallotStatus.REVIEW, BallotStatus.READY):
        raise ValidationError(_("投票尚未开始，不能提交选票。"), code="conflict")
    if status != BallotStatus.OPEN:
        raise ValidationError(closed_message(), code="conflict")
    return seats


def closed_message():
    return _("投票已经结束，本张选票未被接受，不会计入。")


def _normalise_marks(candidate_ids, marks, *, complete):
    """{candidate id: choice} with string keys. Electronic ballots must mark every
    candidate; on paper an unmarked candidate counts as an abstention."""
    valid_choices = set(Choice.values)
    normalised = {}
    for key, value in (marks or {}).items():
        try:
            key = int(key)
        except (TypeError, ValueError):
            raise ValidationError(_("选票中有不在本次票决中的项目。"))
        if key not in candidate_ids:
            raise ValidationError(_("选票中有不在本次票决中的项目。"))
        if value not in valid_choices:
            raise ValidationError(_("每个项目只能选择赞成、反对或弃权。"))
        normalised[str(key)] = value
    missing = candidate_ids - {int(k) for k in normalised}
    if missing and complete:
        raise ValidationError(_("请对每一个候选项目表明赞成、反对或弃权。"))
    for key in missing:
        normalised[str(key)] = Choice.ABSTAIN
    return normalised


def _approvals(marks):
    return sum(1 for v in marks.values() if v == Choice.FOR)


def new_receipt_code():
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_hash(code):
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def already_voted_message():
    return _("您已经投过票，每位代表只能投一次票，不能重复提交。")


def cast_ballot(*, ballot, actor, marks):
    """A present deputy's electronic ballot. Returns the receipt code, which is
    shown to the deputy once and stored nowhere except as a hash on the content.

    The participation row (that this deputy voted) and the content row (what
    some ballot said) are written in the same transaction; the unique constraint
    on the participation row is what makes a second ballot impossible."""
    deputy = roles.deputy_of(actor)
    if deputy is None:
        raise PermissionDenied(_("只有人大代表可以投票。"))
    candidate_ids = set(ballot.candidates.values_list("pk", flat=True))
    normalised = _normalise_marks(candidate_ids, marks, complete=True)
    code = new_receipt_code()
    try:
        with transaction.atomic():
            seats = _hold_open_ballot(ballot)
            if _approvals(normalised) > seats:
                raise ValidationError(_("赞成的项目不能超过应选项目数%(seats)s个。") % {"seats": seats})
            elector = Elector.objects.filter(ballot=ballot, deputy=deputy).values_list("present", flat=True).first()
            if elector is None:
                raise PermissionDenied(_("您不在本次票决的选举人名册中。"))
            if not elector:
                raise ValidationError(_("您尚未登记出席本次会议，请先到大会秘书处签到。"), code="conflict")
            BallotParticipation.objects.create(ballot=ballot, deputy=deputy, channel=Channel.ELECTRONIC)
            BallotContent.objects.create(ballot=ballot, marks=normalised, receipt_hash=receipt_hash(code))
    except IntegrityError as exc:
        if "one_ballot_per_deputy" in str(exc) or BallotParticipation.objects.filter(ballot=ballot, deputy=deputy).exists():
            raise ValidationError(already_voted_message(), code="conflict") from None
        raise
    return code


@transaction.atomic
def enter_paper_batch(*, ballot, label, deputy_ids, ballots, actor):
    """A counted batch of paper ballots: the deputies who handed in a paper ballot
    (they may not also vote on the phone) and the ballots' contents, as many of each.
    A ballot approving more than N is stored as invalid (废票)."""
    _require_staff(actor)
    deputy_ids = list(deputy_ids)
    if len(set(deputy_ids)) != len(deputy_ids):
        raise ValidationError(_("同一代表在批次中重复出现。"))
    if len(deputy_ids) != len(ballots):
        raise ValidationError(
            _("批次中的代表人数（%(deputies)s）与选票张数（%(ballots)s）不一致。") % {"deputies": len(deputy_ids), "ballots": len(ballots)}
        )
    if not ballots:
        raise ValidationError(_("批次中没有选票。"))
    seats = _hold_open_ballot(ballot)
    electors = dict(Elector.objects.filter(ballot=ballot, deputy_id__in=deputy_ids).values_list("deputy_id", "present"))
    if len(electors) != len(deputy_ids):
        raise ValidationError(_("批次中有代表不在本次票决的选举人名册中。"))
    if not all(electors.values()):
        raise ValidationError(_("批次中有代表未登记出席。"), code="conflict")
    if BallotParticipation.objects.filter(ballot=ballot, deputy_id__in=deputy_ids).exists():
        raise ValidationError(_("批次中有代表已经投过票，不能重复计入。"), code="conflict")
    candidate_ids = set(ballot.candidates.values_list("pk", flat=True))
    contents = []
    for marks in ballots:
        normalised = _normalise_marks(candidate_ids, marks, complete=False)
        contents.append(BallotContent(ballot=ballot, marks=normalised, is_valid=_approvals(normalised) <= seats))
    secrets.SystemRandom().shuffle(contents)
    batch = PaperBatch.objects.create(ballot=ballot, label=label, ballots_count=len(contents), entered_by=actor)
    try:
        with transaction.atomic():
            BallotParticipation.objects.bulk_create(
                [BallotParticipation(ballot=ballot, deputy_id=d, channel=Channel.PAPER, paper_batch=batch) for d in deputy_ids]
            )
    except IntegrityError:
        raise ValidationError(_("批次中有代表已经投过票，不能重复计入。"), code="conflict") from None
    BallotContent.objects.bulk_create(contents)
    return batch


@transaction.atomic
def close_voting(*, ballot, actor, now=None):
    """Close voting, then rewrite the ballot's content rows in a random order in one
    transaction, so neither their physical order nor their transaction ids still
    follow the order in which deputies voted. The ballots being written when the
    close comes are waited for (and counted); later ones are refused."""
    _require_staff(actor)
    _exclude_voters(ballot)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.OPEN)
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = now or timezone.now()
    ballot.save(update_fields=["status", "closed_at"])
    shuffle_contents(ballot)
    return ballot


def shuffle_contents(ballot):
    rows = list(BallotContent.objects.filter(ballot=ballot).values_list("marks", "is_valid", "receipt_hash"))
    secrets.SystemRandom().shuffle(rows)
    BallotContent.objects.filter(ballot=ballot).delete()
    BallotContent.objects.bulk_create(
        [BallotContent(ballot=ballot, marks=m, is_valid=v, receipt_hash=h) for m, v, h in rows], batch_size=1000
    )
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_contents)


def _vacuum_contents():
    # Dead tuples of the old rows would keep the old order on disk until vacuumed.
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM voting_ballotcontent")


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
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.CLOSED)
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
    ballot.status = BallotStatus.TALLIED
    ballot.tallied_at = now or timezone.now()
    ballot.save(update_fields=["status", "tallied_at"])
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
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.CLOSED)
    if count_ballot(ballot).quorum_met:
        raise ValidationError(_("出席人数已达法定比例，应当计票。"), code="conflict")
    ballot.status = BallotStatus.INVALID
    ballot.save(update_fields=["status"])
    Project.objects.filter(candidacies__ballot=ballot).update(status=ProjectStatus.CANDIDATE)
    return ballot


@transaction.atomic
def publish_results(*, ballot, actor, now=None):
    """Publish the result sheet; chosen projects go on to implementation."""
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.TALLIED)
    outcomes = dict(ballot.results.values_list("candidate__project_id", "outcome"))
    chosen = [p for p, o in outcomes.items() if o == CandidateResult.Outcome.CHOSEN]
    lost = [p for p, o in outcomes.items() if o in (CandidateResult.Outcome.NO_MAJORITY, CandidateResult.Outcome.OUTRANKED)]
    Project.objects.filter(pk__in=chosen).update(status=ProjectStatus.CHOSEN)
    Project.objects.filter(pk__in=lost).update(status=ProjectStatus.NOT_CHOSEN)
    ballot.status = BallotStatus.PUBLISHED
    ballot.published_at = now or timezone.now()
    ballot.save(update_fields=["status", "published_at"])
    return ballot


@transaction.atomic
def start_runoff(*, ballot, actor, title=""):
    """A new ballot among the candidates tied at the cut-off, for the seats left.
    The shortlist already passed review, so it is ready to open."""
    _require_staff(actor)
    ballot = _lock_ballot(ballot)
    _require_status(ballot, BallotStatus.TALLIED, BallotStatus.PUBLISHED)
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
    return runoff


# =========================================================================== implementation
def add_milestone(*, project, title, due_on, actor):
    _require_staff(actor)
    return Milestone.objects.create(project=project, title=title, due_on=due_on)


def complete_milestone(*, milestone, done_on, actor):
    if not (permissions.can_manage(actor) or permissions.can_report_progress(actor, milestone.project)):
        raise PermissionDenied(_("只有责任单位或工作人员可以更新项目节点。"))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def submit_progress_report(*, project, actor, reported_on, percent_done, narrative, problems="", photos=()):
    """The responsible unit reports progress, with photos ((file, caption) pairs)."""
    if not permissions.can_report_progress(actor, project):
        raise PermissionDenied(_("只有该项目的责任单位可以报送进展。"))
    if not 0 <= percent_done <= 100:
        raise ValidationError({"percent_done": _("完成进度应在0到100之间。")})
    max_bytes = settings.PORTAL_MAX_ATTACHMENT_BYTES
    for upload, _caption in photos:
        if upload.size > max_bytes:
            raise ValidationError({"photos": _("照片不能超过%(mb)sMB。") % {"mb": max_bytes // (1024 * 1024)}})
    project = Project.objects.select_for_update().get(pk=project.pk)
    report = ProgressReport.objects.create(
        project=project, reported_on=reported_on, percent_done=percent_done, narrative=narrative, problems=problems,
        submitted_by=actor,
    )
    for upload, caption in photos:
        photo = ProgressPhoto(report=report, image=upload, caption=caption)
        photo.full_clean(exclude=["report"])
        photo.save()
    latest = project.progress_reports.order_by("-reported_on", "-pk").values_list("percent_done", flat=True).first()
    project.percent_done = latest
    project.status = ProjectStatus.COMPLETED if latest == 100 else ProjectStatus.CHOSEN
    project.save(update_fields=["percent_done", "status"])
    return report


def record_inspection(*, project, inspected_on, deputies, findings, actor):
    if not (permissions.can_manage(actor) or (permissions.serves_in(actor, project.congress_id) and roles.deputy_of(actor) in deputies)):
        raise PermissionDenied(_("只有工作人员或参加视察的代表可以记录视察。"))
    if project.status not in (ProjectStatus.CHOSEN, ProjectStatus.COMPLETED):
        raise ValidationError(_("只能视察票决当选的项目。"))
    inspection = Inspection.objects.create(project=project, inspected_on=inspected_on, findings=findings, recorded_by=actor)
    inspection.deputies.set(deputies)
    return inspection


# =========================================================================== year-end rating
def open_rating(*, call, actor):
    _require_staff(actor)
    if call.rating_status != ProjectCall.RatingStatus.NOT_STARTED:
        raise ValidationError(_("满意度测评已经开始。"), code="conflict")
    call.rating_status = ProjectCall.RatingStatus.OPEN
    call.save(update_fields=["rating_status"])
    return call


def rate_project(*, project, actor, rating, comment=""):
    """A deputy of the congress rates a chosen project while the call's rating is
    open; a second rating replaces the first (one row per deputy and project)."""
    if not permissions.can_rate(actor, project):
        raise PermissionDenied(_("只有本级人大代表可以对票决项目进行测评。"))
    status = ProjectCall.objects.filter(pk=project.call_id).values_list("rating_status", flat=True).get()
    if status != ProjectCall.RatingStatus.OPEN:
        raise ValidationError(_("满意度测评未开放。"), code="conflict")
    row, _created = ProjectRating.objects.update_or_create(
        project=project, deputy=roles.deputy_of(actor), defaults={"rating": rating, "comment": comment}
    )
    return row


def publish_ratings(*, call, actor):
    _require_staff(actor)
    if call.rating_status != ProjectCall.RatingStatus.OPEN:
        raise ValidationError(_("满意度测评未在进行中。"), code="conflict")
    call.rating_status = ProjectCall.RatingStatus.PUBLISHED
    call.save(update_fields=["rating_status"])
    return call
