"""What a ballot move that cannot be undone will do, said before it is made:
the confirmation page of 结束投票, 计票, 公布结果 and 宣布无效 shows these
figures, computed here from the stored rows (nothing is written)."""
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django.core.exceptions import ValidationError

from .models import BallotStatus, CandidateResult, VotingPolicy
from .models.ballots import _more_than
from .services import count_ballot, roll_preview
from .services.ballots import _require_more_candidates_than_seats

# The moves that ask for a confirmation first, with the button that confirms.
CONFIRMED_MOVES = {
    "open": gettext_lazy("开始投票"),
    "close": gettext_lazy("结束投票"),
    "tally": gettext_lazy("计票"),
    "publish": gettext_lazy("公布结果"),
    "declare_invalid": gettext_lazy("宣布本次票决无效"),
}


@dataclass
class Consequence:
    verdict: str  # the one sentence that matters, shown first
    facts: list = field(default_factory=list)
    blocked: bool = False  # the service will refuse: the page says why and offers no button


def _turnout(ballot):
    present = ballot.electors.filter(present=True).count()
    cast = ballot.participations.count()
    return {"cast": cast, "present": present, "total": ballot.electorate_size or 0, "needed": ballot.quorum_needed or 0}


def _titles(ballot):
    return dict(ballot.candidates.values_list("pk", "project__title"))


def consequence(ballot, move):
    return {"open": _open, "close": _close, "tally": _tally, "publish": _publish, "declare_invalid": _declare_invalid}[move](ballot)


def percent(share):
    return f"{(share * 100).normalize():f}%"


def _day(day):
    return date_format(day, "DATE_FORMAT")  # 2026年3月1日, or Mar. 1, 2026 in English


def _open(ballot):
    """The roll ``open_voting`` will freeze: its day, term and size, and the
    thresholds of the policy it will copy. The refusals are the service's own."""
    if ballot.status != BallotStatus.READY:
        return Consequence(_("票决当前状态为“%(status)s”，不能开始投票。") % {"status": ballot.get_status_display()}, blocked=True)
    try:
        _require_more_candidates_than_seats(ballot)
    except ValidationError as exc:
        return Consequence("；".join(exc.messages), blocked=True)
    day, term, size = roll_preview(ballot)
    if term is None:
        return Consequence(_("该人大在投票日没有已开始的届次，不能开始投票。"), blocked=True)
    if not size:
        return Consequence(_("该人大没有在任代表，不能开始投票。"), blocked=True)
    policy = VotingPolicy.for_congress(ballot.congress_id)
    verdict = _("参加票决代表名单按%(term)s于%(day)s在任的代表确定，共%(size)s名；开始投票后名单和%(candidates)s个候选项目不再变更。") % {
        "term": term, "day": _day(day), "size": size, "candidates": ballot.candidates.count(),
    }
    facts = [
        _("出席代表须超过全体代表的%(share)s，即至少%(n)s人，票决方为有效。") % {
            "share": percent(policy.quorum_share), "n": _more_than(size, policy.quorum_share)},
        _("候选项目赞成票须超过全体代表的%(share)s，即至少%(n)s票，方可当选；应选%(seats)s个。") % {
            "share": percent(policy.majority_share), "n": _more_than(size, policy.majority_share), "seats": ballot.seats},
    ]
    return Consequence(verdict, facts)


def _close(ballot):
    t = _turnout(ballot)
    if t["present"] < t["needed"]:
        verdict = _("已投票%(cast)s人，出席%(present)s人，全体代表%(total)s人，出席未过半数（须%(needed)s人），本次票决无效：结束后只能宣布无效，不能计票。") % t
    else:
        verdict = _("已投票%(cast)s人，出席%(present)s人，全体代表%(total)s人，出席已过半数（须%(needed)s人）：结束后即可计票。") % t
    facts = [_("结束投票后，代表不能再投票，也不能再录入纸质选票。")]
    if t["present"] > t["cast"]:
        facts.append(_("还有%(n)s名出席代表没有投票。") % {"n": t["present"] - t["cast"]})
    return Consequence(verdict, facts)


def _tally(ballot):
    tally = count_ballot(ballot)
    if not tally.quorum_met:
        return Consequence(
            _("出席%(present)s人，全体代表%(total)s人，未过半数（须%(needed)s人），不能计票，只能宣布本次票决无效。")
            % {"present": tally.present, "total": tally.electorate_size, "needed": tally.quorum_needed},
            blocked=True,
        )
    titles = _titles(ballot)
    outcome = dict(CandidateResult.Outcome.choices)
    chosen = sum(1 for line in tally.lines if line.outcome == CandidateResult.Outcome.CHOSEN)
    verdict = _("计票后结果表即写定，不能再改：按现有%(cast)s张选票（有效%(valid)s张），%(chosen)s个项目当选（应选%(seats)s个，赞成票须达%(majority)s票）。") % {
        "cast": tally.ballots_cast, "valid": tally.ballots_valid, "chosen": chosen, "seats": ballot.seats,
        "majority": tally.majority_needed,
    }
    facts = [
        _("%(title)s：赞成%(votes)s票，%(outcome)s") % {"title": titles.get(line.candidate_id, ""), "votes": line.votes_for, "outcome": outcome.get(line.outcome, "")}
        for line in tally.lines
    ]
    return Consequence(verdict, facts)


def _publish(ballot):
    chosen = list(
        ballot.results.filter(outcome=CandidateResult.Outcome.CHOSEN).order_by("rank").values_list("candidate__project__title", flat=True)
    )
    verdict = _("公布后，计票结果向社会公开，不能撤回；当选的%(n)s个项目转入实施，由承办单位报告进展。") % {"n": len(chosen)}
    return Consequence(verdict, [_("当选：%(title)s") % {"title": title} for title in chosen])


def _declare_invalid(ballot):
    n = ballot.candidates.count()
    return Consequence(_("宣布无效后，本次票决不产生当选项目；%(n)s个候选项目退回项目库，可以另行安排票决。") % {"n": n})
