"""Deputies' suggestions (代表建议、批评和意见) through their whole life.

The status of a Suggestion is written by one function only,
``suggestions.workflow.transition``, following the table in
``suggestions.workflow.MOVES``. Everything else about a suggestion (its units,
replies, ratings, follow-up rounds, disclosure) lives in the models below and is
written by ``suggestions.services``.

- ``choices``: the states and kinds (Status, AssignmentState, ...), no tables;
- ``reference``: the deadline policy, categories, result categories, number counters;
- ``suggestion``: Suggestion and what belongs to it alone (attachments,
  co-signatures, key supervision, disclosure decisions, events, admin proxies);
- ``assignment``: a unit's Assignment, re-assignment requests, co-opinions, contacts;
- ``reply``: replies, their attachments, ratings;
- ``followup``: follow-up rounds and their items;
- ``letters``: deputies' letters (代表来信) and their events;
- ``motions``: motions (议案), their signers, events, thresholds and proposal windows;
- ``supervision``: 督办 records of supervision groups' visits;
- ``handover``: 交办会 meetings, their items and events;
- ``doc_templates``: the editable parts of the Word documents, per congress;
- ``merge``: 并案办理 links, merged items' ratings, units' functions keywords.
- ``summary``: the staff dashboard's figures kept as rows (suggestions/summary.py).

Every name is importable from ``suggestions.models``."""
from .assignment import INBOX_DUE, INBOX_RANK, Assignment, AssignmentQuerySet, CoOpinion, ContactLog, ReassignmentRequest
from .choices import (
    AWAITING_REPLY,
    LEAD_UNIT_FIRST,
    OPEN_STATUSES,
    REPLIED_STATUSES,
    AssignmentState,
    ContactMethod,
    ContactStage,
    CoSignState,
    Decision,
    Disclosure,
    HandlingMode,
    ReplyKind,
    Satisfaction,
    Status,
    UnitRole,
)
from .doc_templates import DocumentKind, DocumentTemplate
from .followup import FollowUpItem, FollowUpRound
from .handover import HandoverEvent, HandoverItem, HandoverMeeting, HandoverMeetingQuerySet, HandoverStatus
from .letters import Letter, LetterEvent, LetterQuerySet, LetterStatus
from .merge import MergedRating, MergeLink, UnitFunctions
from .motions import (
    InvitationState,
    Motion,
    MotionEvent,
    MotionInvitation,
    MotionQuerySet,
    MotionSigner,
    MotionStatus,
    MotionThreshold,
    ProposalWindow,
)
from .reference import NumberCounter, ResultCategory, SuggestionCategory, SuggestionPolicy
from .reply import Rating, Reply, ReplyAttachment
from .suggestion import (
    AssignmentQueue,
    CoSignature,
    DisclosureDecision,
    KeySupervision,
    OverdueSuggestion,
    ReviewQueue,
    Suggestion,
    SuggestionAttachment,
    SuggestionEvent,
    SuggestionQuerySet,
    attachment_path,
)
from .supervision import SupervisionVisit

from .summary import DashboardSummary

__all__ = [
    "DashboardSummary",
    "AWAITING_REPLY",
    "LEAD_UNIT_FIRST",
    "OPEN_STATUSES",
    "MergeLink",
    "MergedRating",
    "UnitFunctions",
    "REPLIED_STATUSES",
    "Assignment",
    "INBOX_DUE",
    "INBOX_RANK",
    "AssignmentQuerySet",
    "AssignmentQueue",
    "AssignmentState",
    "CoOpinion",
    "CoSignState",
    "CoSignature",
    "ContactLog",
    "ContactMethod",
    "ContactStage",
    "Decision",
    "Disclosure",
    "DocumentKind",
    "DocumentTemplate",
    "DisclosureDecision",
    "FollowUpItem",
    "FollowUpRound",
    "HandlingMode",
    "HandoverEvent",
    "HandoverItem",
    "HandoverMeeting",
    "HandoverMeetingQuerySet",
    "HandoverStatus",
    "KeySupervision",
    "Letter",
    "LetterEvent",
    "LetterQuerySet",
    "LetterStatus",
    "InvitationState",
    "Motion",
    "MotionInvitation",
    "MotionEvent",
    "MotionQuerySet",
    "MotionSigner",
    "MotionStatus",
    "MotionThreshold",
    "NumberCounter",
    "OverdueSuggestion",
    "ProposalWindow",
    "Rating",
    "ReassignmentRequest",
    "Reply",
    "ReplyAttachment",
    "ReplyKind",
    "ResultCategory",
    "ReviewQueue",
    "Satisfaction",
    "Status",
    "Suggestion",
    "SuggestionAttachment",
    "SuggestionCategory",
    "SuggestionEvent",
    "SuggestionPolicy",
    "SuggestionQuerySet",
    "SupervisionVisit",
    "UnitRole",
    "attachment_path",
]
