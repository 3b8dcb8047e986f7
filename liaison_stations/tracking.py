"""The public status of an issue, looked up by its tracking code (查询码):
what the person who raised it may see, and nothing else. No names, no
contact details, not the message itself (it may hold them), and not the
unit's feedback until the station releases it by closing the issue."""
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django.urls import reverse

from .models import RELEASED_STATUSES, Issue, IssueStatus, normalise_tracking_code
from .notices import current_replies

# The state in words for the person who raised it (the staff labels say less to them).
PUBLIC_STATE = {
    IssueStatus.OPEN: _("已收到，等待联络站处理"),
    IssueStatus.ANSWERED: _("联络站已当场答复"),
    IssueStatus.FORWARDED: _("已转交承办单位办理"),
    IssueStatus.FEEDBACK: _("承办单位已反馈，联络站正在审核办理结果"),
    IssueStatus.SUGGESTION: _("已由代表转为代表建议办理"),
    IssueStatus.CLOSED: _("已办结"),
}
# The only columns the public page reads; personal fields are never loaded.
PUBLIC_FIELDS = (
    "id", "tracking_code", "status", "created_at", "answer", "outcome", "resolved_at", "forwarded_at",
    "feedback_due_on", "station__id", "station__name", "forwarded_unit__id", "forwarded_unit__name",
    "suggestion__id", "suggestion__number", "suggestion__status", "suggestion__disclosure", "suggestion__published_at",
    "category__id", "category__name", "rating", "rated_at",
)


@dataclass(frozen=True)
class PublicStatus:
    code: str
    received_on: object
    station: str
    category: str
    state: str
    forwarded_to: str
    forwarded_on: object
    feedback_due_on: object
    answer: str
    resolved_on: object
    suggestion_number: str
    suggestion_state: str
    # The suggestion's current replies as (unit, result category, date): what came back to the issue.
    suggestion_replies: tuple
    suggestion_link: str
    rating: str
    can_rate: bool


def tracked_issue(*, code):
    """The issue with tracking code ``code`` as typed; Issue.DoesNotExist for a
    missing, wrong or malformed code alike. One query."""
    code = normalise_tracking_code(code)
    if not code:
        raise Issue.DoesNotExist
    return (
        Issue.objects.select_related("station", "forwarded_unit", "suggestion", "category")
        .only(*PUBLIC_FIELDS)
        .get(tracking_code=code)
    )


def public_status(issue):
    """What the public page shows of ``issue``."""
    released = issue.status in RELEASED_STATUSES
    suggestion = issue.suggestion
    forwarded = issue.forwarded_unit is not None and issue.status != IssueStatus.OPEN
    return PublicStatus(
        code=issue.tracking_code_display,
        received_on=timezone.localdate(issue.created_at),
        station=issue.station.name,
        category=issue.category.name if issue.category else "",
        state=str(PUBLIC_STATE[issue.status]),
        forwarded_to=issue.forwarded_unit.name if forwarded else "",
        forwarded_on=timezone.localdate(issue.forwarded_at) if forwarded and issue.forwarded_at else None,
        # The due date matters only while the unit is still working on it.
        feedback_due_on=issue.feedback_due_on if issue.status == IssueStatus.FORWARDED else None,
        answer=(issue.outcome or issue.answer) if released else "",
        resolved_on=timezone.localdate(issue.resolved_at) if released and issue.resolved_at else None,
        suggestion_number=(suggestion.number_label or str(_("编号待定"))) if suggestion else "",
        suggestion_state=suggestion.get_status_display() if suggestion else "",
        suggestion_replies=_replies(suggestion),
        suggestion_link=(reverse("suggestions:public_detail", args=[suggestion.pk])
                         if suggestion and suggestion.is_published else ""),
        rating=issue.get_rating_display(),
        can_rate=released and issue.rated_at is None,
    )


def _replies(suggestion):
    """Which unit replied with which result, and when: no reply letter (it is
    public only once the suggestion is published, and then linked). One query."""
    if suggestion is None:
        return ()
    return tuple(
        (reply.assignment.unit.name, str(reply.result_category), timezone.localdate(reply.replied_at))
        for reply in current_replies([suggestion.pk])[suggestion.pk]
    )
