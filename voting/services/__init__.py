"""Every write of the ballot cycle. Keyword-only functions that raise Django's
ValidationError / PermissionDenied; the API, the pages and the admin call them.

Split by the work they do: ``calls`` (the call for proposals and the year-end
rating), ``projects`` (candidate projects and their implementation),
``ballots`` (shortlist, review, opening, attendance, closing), ``casting``
(electronic and paper ballots), ``tally`` (counting, publication, run-offs);
``common`` holds the staff check and the ballot's advisory lock. Status changes
go through the tables of moves in ``voting.lifecycles``."""
from .ballots import (
    close_voting,
    create_ballot,
    draft_ballot,
    next_review_stage,
    open_voting,
    record_attendance,
    record_review,
    roll_preview,
    set_candidates,
    shuffle_contents,
    shuffle_participations,
    submit_for_review,
)
from .calls import (
    adopt_proposals,
    client_fingerprint,
    create_call,
    open_rating,
    publish_ratings,
    rate_project,
    reject_proposal,
    submit_proposal,
    submit_public_proposal,
)
from .casting import (
    RECEIPT_ALPHABET,
    already_voted_message,
    cast_ballot,
    closed_message,
    enter_paper_batch,
    new_receipt_code,
    receipt_hash,
)
from .common import BALLOT_LOCK_NAMESPACE
from .projects import (
    add_milestone,
    complete_milestone,
    merge_projects,
    move_to_reserve,
    record_inspection,
    submit_progress_report,
    take_from_reserve,
)
from .rules import congress_rules, save_congress_rules
from .tally import CandidateCount, Tally, count_ballot, declare_invalid, publish_results, recount, start_runoff, tally_ballot

__all__ = [
    "BALLOT_LOCK_NAMESPACE", "RECEIPT_ALPHABET", "CandidateCount", "Tally", "add_milestone", "adopt_proposals",
    "already_voted_message", "cast_ballot", "client_fingerprint", "close_voting", "closed_message",
    "complete_milestone", "count_ballot", "create_ballot", "create_call", "draft_ballot", "declare_invalid", "enter_paper_batch",
    "merge_projects", "move_to_reserve", "new_receipt_code", "next_review_stage", "open_rating", "open_voting",
    "publish_ratings", "publish_results", "rate_project", "receipt_hash", "record_attendance", "record_inspection",
    "record_review", "recount", "reject_proposal", "roll_preview", "set_candidates", "shuffle_contents", "shuffle_participations",
    "start_runoff", "submit_for_review", "submit_progress_report", "submit_proposal", "submit_public_proposal",
    "take_from_reserve", "tally_ballot", "congress_rules", "save_congress_rules",
]
