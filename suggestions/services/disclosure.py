"""公开: staff decide whether and how a replied suggestion is published."""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Disclosure, DisclosureDecision
from .common import required


def decide_disclosure(*, suggestion, actor, mode, reason="", summary=""):
    """Staff decide whether and how a replied suggestion is published: ``full``,
    ``summary`` (with the summary text) or ``none`` (with the reason). Publishing
    against the deputy's wish needs a reason too."""
    if mode not in Disclosure.values or mode == Disclosure.UNDECIDED:
        raise ValidationError({"mode": _("请选择全文公开、摘要公开或不公开。")})
    if mode == Disclosure.NONE:
        required(reason, "reason", _("不公开时请说明理由。"))
    if mode == Disclosure.SUMMARY:
        required(summary, "summary", _("摘要公开时请填写公开摘要。"))
    if mode != Disclosure.NONE and not suggestion.disclosure_consent:
        required(reason, "reason", _("代表不同意公开，如需公开请说明理由。"))

    def apply(locked):
        DisclosureDecision.objects.create(suggestion=locked, mode=mode, reason=reason.strip(), summary=summary.strip(), decided_by=actor)
        locked.disclosure = mode
        locked.public_summary = summary.strip()
        if mode == Disclosure.NONE:
            locked.published_at = None
        elif locked.published_at is None:
            locked.published_at = timezone.now()

    return workflow.transition(
        suggestion=suggestion,
        move="decide_disclosure",
        actor=actor,
        note=str(Disclosure(mode).label) + (f"：{reason.strip()}" if reason.strip() else ""),
        fields=["disclosure", "public_summary", "published_at"],
        apply=apply,
    )
