"""全团建议: a suggestion in the name of a delegation (代表团). Its contact (联络员)
drafts it (the draft is the contact's, as any draft), sends it to the head (团长),
who approves it — it is then 待审查 like any suggestion, numbered at review — or
returns it with the reason. It has no co-signers: it speaks for the delegation.
In duty records it is the delegation's, not the contact's own suggestion."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.models import Delegation

from .. import workflow
from ..models import Status, Suggestion
from .common import required
from .submission import _check_complete, save_draft


def delegations_of_contact(deputy):
    """The delegations (of terms not yet ended) whose contact ``deputy`` is."""
    if deputy is None:
        return Delegation.objects.none()
    return Delegation.objects.filter(contact=deputy, term__end_date__gte=timezone.localdate()).select_related("term__congress")


def draft_delegation_suggestion(*, delegation, actor, title="", content="", category=None, during_session=False,
                                session=None, disclosure_consent=True):
    """起草全团建议: the delegation's contact keeps a draft in the delegation's name."""
    deputy = roles.deputy_of(actor)
    if deputy is None or delegation.contact_id != deputy.pk:
        raise PermissionDenied(_("只有代表团联络员可以起草全团建议。"))
    if session is not None and session.term_id != delegation.term_id:
        raise ValidationError({"session": _("会议须是该代表团所在届次的会议。")})
    with transaction.atomic():
        suggestion = save_draft(
            lead_deputy=deputy, actor=actor, title=title, content=content, category=category,
            during_session=during_session, session=session, disclosure_consent=disclosure_consent,
        )
        # It belongs to the congress the delegation sits in, whatever the contact's own mandates.
        congress_id = delegation.term.congress_id
        Suggestion.objects.filter(pk=suggestion.pk).update(delegation=delegation, congress_id=congress_id)
        suggestion.delegation, suggestion.congress_id = delegation, congress_id
    return suggestion


def submit_to_head(*, suggestion, actor):
    """送团长审定: the draft must be complete; the head is told."""
    if not suggestion.delegation_id:
        raise ValidationError(_("这不是全团建议。"))
    if not Delegation.objects.filter(pk=suggestion.delegation_id, head__isnull=False).exists():
        raise ValidationError(_("该代表团尚未设团长，请联系代表工作委员会。"))

    def apply(locked):
        _check_complete(
            title=locked.title, content=locked.content, category=locked.category,
            during_session=locked.during_session, session=locked.session,
        )  # fmt: skip

    return workflow.transition(
        suggestion=suggestion, move="submit_to_head", actor=actor, expected_status=Status.DRAFT, apply=apply,
    )


def approve_by_head(*, suggestion, actor, note=""):
    """团长审定: the suggestion is proposed in the delegation's name and waits for review."""

    def apply(locked):
        now = timezone.now()
        locked.submitted_at = now
        locked.year = locked.session.year if locked.session_id else timezone.localtime(now).year
        # Addressed to the congress the delegation sits in.
        locked.deputy_level = locked.delegation.term.congress.level
        locked.congress_id = locked.delegation.term.congress_id

    return workflow.transition(
        suggestion=suggestion, move="approve_by_head", actor=actor, note=note.strip(),
        expected_status=Status.AWAITING_HEAD, fields=["submitted_at", "year", "deputy_level", "congress"], apply=apply,
    )


def return_by_head(*, suggestion, actor, reason):
    """团长退回: back to the contact's drafts, with what to change."""
    required(reason, "reason", _("请填写退回修改的意见。"))
    return workflow.transition(
        suggestion=suggestion, move="return_by_head", actor=actor, note=reason.strip(),
        expected_status=Status.AWAITING_HEAD,
    )
