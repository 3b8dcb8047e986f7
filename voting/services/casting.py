"""Casting ballots: a deputy's electronic ballot and staff's counted batches of
paper ballots. Not moves of the ballot's lifecycle and recorded in no event:
each writes a participation (that a deputy voted) and a content row (what some
ballot said) under the ballot's shared advisory lock (``common``), and reads
the ballot's status only once that lock is granted."""
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from ..models import Ballot, BallotContent, BallotParticipation, BallotStatus, Channel, Choice, Elector, PaperBatch
from .common import _ballot_lock_key, _require_staff

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


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
                raise PermissionDenied(_("您不在本次参加票决代表名单中。"))
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
    _require_staff(actor, ballot)
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
        raise ValidationError(_("批次中有代表不在本次参加票决代表名单中。"))
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
