"""Every write that matters on suggestions: one keyword-only function per move.

The API, the pages, the admin actions, the import and the tasks all call these
(as ``services.<name>``, re-exported here from the module that does the work).
They raise Django's ValidationError (code "conflict" for a concurrent change,
"invalid_move" for a move the state table does not allow) or PermissionDenied.
Status changes go through ``workflow.transition``; the row lock it takes also
serialises every write to the suggestion's assignments, replies and ratings.

- ``submission``: submit, drafts, co-signing, withdrawal;
- ``review``: register or not;
- ``assignment``: assign, key supervision, extensions, acknowledgement, re-assignment;
- ``handling``: co-handling opinions, contacts, the reply;
- ``rating``: the deputy's rating, closing;
- ``followup``: follow-up rounds (回头看);
- ``disclosure``: publication;
- ``policy``: the deadline policy;
- ``letters``: deputies' letters (代表来信), including 转来信;
- ``motions``: motions (议案), the presidium's decision, the committee's report;
- ``motion_drafts``: motions deputies propose online (draft, invite joint signers, agree or decline, propose;
  a delegation's motion approved by its head first);
- ``supervision``: 督办 records;
- ``doc_templates``: the editable parts of the Word documents;
- ``handover``: 交办会 (prepare, items, hold: the whole batch assigned at once);
- ``merge``: 并案办理 (merge, unmerge, the merged items' ratings)."""
from .assignment import (
    acknowledge_assignment,
    assign_suggestion,
    decide_reassignment,
    extend_deadline,
    mark_key_supervision,
    request_reassignment,
)
from .common import OPEN_ASSIGNMENT_STATES
from .disclosure import decide_disclosure
from .doc_templates import save_document_template
from .followup import open_followup_round, rate_second_reply, submit_second_reply
from .handling import log_contact, reply_to_suggestion, submit_co_opinion
from .letters import (
    answer_letter,
    close_letter,
    forward_letter,
    register_letter,
    return_answer,
    turn_suggestion_into_letter,
)
from .delegation import approve_by_head, draft_delegation_suggestion, return_by_head, submit_to_head
from .handover import add_item as add_handover_item
from .handover import hold_meeting as hold_handover_meeting
from .handover import prepare_meeting as prepare_handover_meeting
from .handover import remove_item as remove_handover_item
from .merge import merge_suggestions, rate_merged_reply, unmerge_suggestion
from .motion_drafts import (
    approve_motion_by_head,
    draft_motion,
    invite_signers,
    respond_to_invitation,
    return_motion_by_head,
    submit_motion_draft,
    submit_motion_to_head,
    update_motion_draft,
)
from .motions import (
    handle_as_suggestion,
    place_on_agenda,
    propose_motion,
    record_review_report,
    withdraw_motion,
)
from .policy import update_policy
from .rating import close_suggestion, rate_reply
from .review import register_suggestion, reject_suggestion
from .submission import (
    DRAFT_FIELDS,
    delete_draft,
    respond_to_cosign,
    save_draft,
    submit_draft,
    submit_suggestion,
    update_draft,
    withdraw_suggestion,
)
from .supervision import record_supervision_visit

__all__ = [
    "save_document_template",
    "draft_motion",
    "invite_signers",
    "respond_to_invitation",
    "submit_motion_draft",
    "submit_motion_to_head",
    "approve_motion_by_head",
    "return_motion_by_head",
    "update_motion_draft",
    "add_handover_item",
    "hold_handover_meeting",
    "prepare_handover_meeting",
    "remove_handover_item",
    "DRAFT_FIELDS",
    "approve_by_head",
    "draft_delegation_suggestion",
    "return_by_head",
    "submit_to_head",
    "OPEN_ASSIGNMENT_STATES",
    "acknowledge_assignment",
    "assign_suggestion",
    "close_suggestion",
    "decide_disclosure",
    "decide_reassignment",
    "delete_draft",
    "extend_deadline",
    "log_contact",
    "handle_as_suggestion",
    "place_on_agenda",
    "propose_motion",
    "record_review_report",
    "record_supervision_visit",
    "withdraw_motion",
    "answer_letter",
    "close_letter",
    "forward_letter",
    "register_letter",
    "return_answer",
    "turn_suggestion_into_letter",
    "mark_key_supervision",
    "merge_suggestions",
    "rate_merged_reply",
    "unmerge_suggestion",
    "open_followup_round",
    "rate_reply",
    "rate_second_reply",
    "register_suggestion",
    "reject_suggestion",
    "reply_to_suggestion",
    "request_reassignment",
    "respond_to_cosign",
    "save_draft",
    "submit_co_opinion",
    "submit_draft",
    "submit_second_reply",
    "submit_suggestion",
    "update_draft",
    "update_policy",
    "withdraw_suggestion",
]
