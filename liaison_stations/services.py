"""Every write that matters at liaison stations. Keyword-only functions that
raise Django's ValidationError / PermissionDenied; the API, the pages, the
admin and the seed command all call these."""
import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.scoping import check_units_serve

from . import constituents, permissions
from .models import (
    ISSUE_LIFECYCLE,
    RELEASED_STATUSES,
    Activity,
    ConstituentRating,
    Issue,
    IssueSource,
    IssueStatus,
    ModelStation,
    ReceptionRule,
    StationPolicy,
    Visit,
    Visitor,
    new_tracking_code,
)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- recording

def record_visit(*, station, received_on, actor, people_count=None, deputies=(), visitors=(), issues=(), summary="",
                 activity=None):
    """Register a reception: the deputies present, the people received
    (``visitors``: dicts with optional name, contact, consents_to_contact) and
    the issues they raised (dicts with content, category, and optionally the
    visitor's name/contact/consent). Returns the Visit."""
    if not permissions.can_record_at(actor, station):
        raise PermissionDenied(_("您不是该联络站的管理员。"))
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("接待日期不能晚于今天。")})
    if activity is not None and activity.station_id != station.pk:
        raise ValidationError({"activity": _("该活动不属于本联络站。")})
    deputies = list(deputies)
    stationed = set(station.stationings.filter(deputy__in=deputies).values_list("deputy_id", flat=True))
    strangers = [d for d in deputies if d.pk not in stationed]
    if strangers:
        raise ValidationError({"deputies": _("以下代表未在本站进站：%(names)s") % {"names": "、".join(map(str, strangers))}})
    visitors = [v for v in visitors if any(v.values())]
    issues = [i for i in issues if (i.get("content") or "").strip()]
    people_count = people_count or max(len(visitors), 1)
    if people_count < len(visitors):
        raise ValidationError({"people_count": _("接待人数少于登记的来访群众人数。")})
    with transaction.atomic():
        visit = Visit.objects.create(
            station=station, received_on=received_on, people_count=people_count, summary=summary,
            activity=activity, recorded_by=actor,
        )
        visit.deputies.set(deputies)
        Visitor.objects.bulk_create(
            [
                Visitor(
                    visit=visit, name=(v.get("name") or "").strip(), contact=(v.get("contact") or "").strip(),
                    consents_to_contact=bool(v.get("consents_to_contact")),
                )
                for v in visitors
            ]
        )
        now = timezone.now()
        for data in issues:
            issue = _create_issue(
                station=station, source=IssueSource.VISIT, visit=visit, category=data.get("category"),
                content=data["content"].strip(), raised_by_name=(data.get("raised_by_name") or "").strip(),
                raised_by_contact=(data.get("raised_by_contact") or "").strip(),
                consents_to_contact=bool(data.get("consents_to_contact")), created_by=actor, created_at=now,
            )
            ISSUE_LIFECYCLE.record_event(obj=issue, move_name="register_at_visit", old="", new=IssueStatus.OPEN,
                                         actor=actor, note=_("来访登记"), at=now)
    return visit


def save_reception_rule(*, station, actor, rule=None, deputies=None, **fields):
    """Create a reception rule for ``station`` or change ``rule``."""
    if not permissions.can_record_at(actor, station):
        raise PermissionDenied(_("您不是该联络站的管理员。"))
    rule = rule or ReceptionRule(station=station)
    if rule.station_id != station.pk:
        raise PermissionDenied(_("该接待安排不属于本联络站。"))
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    _check_on_duty(station, deputies)
    with transaction.atomic():
        rule.save()
        if deputies is not None:
            rule.deputies.set(deputies)
    return rule


def save_activity(*, station, actor, activity=None, deputies=None, **fields):
    if not permissions.can_record_at(actor, station):
        raise PermissionDenied(_("您不是该联络站的管理员。"))
    activity = activity or Activity(station=station, recorded_by=actor)
    if activity.station_id != station.pk:
        raise PermissionDenied(_("该活动不属于本联络站。"))
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    _check_on_duty(station, deputies)
    with transaction.atomic():
        activity.save()
        if deputies is not None:
            activity.deputies.set(deputies)
    return activity


TRACKING_CODE_ATTEMPTS = 5


def _create_issue(**fields):
    """Create an issue with a fresh tracking code. Two random codes colliding is
    a one-in-a-trillion event, but the unique constraint is what decides: on a
    clash the row is tried again with another code (inside a savepoint, so the
    surrounding transaction goes on)."""
    for attempt in range(TRACKING_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Issue.objects.create(tracking_code=new_tracking_code(), **fields)
        except IntegrityError as error:
            if "tracking_code" not in str(error) or attempt == TRACKING_CODE_ATTEMPTS - 1:
                raise


def _check_on_duty(station, deputies):
    if not deputies:
        return
    stationed = set(station.stationings.filter(is_active=True).values_list("deputy_id", flat=True))
    if any(d.pk not in stationed for d in deputies):
        raise ValidationError({"deputies": _("值班代表须是本站进站代表。")})


# ---------------------------------------------------------------- messages from the public

class RateLimited(ValidationError):
    pass


def _rate_key(client_ip, kind="msg"):
    # The address itself is personal data: only a keyed hash goes to the cache.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip}".encode()).hexdigest()[:32]
    hour = timezone.now().strftime("%Y%m%d%H")
    return f"stations:{kind}:{digest}:{hour}"


def _count_this_hour(client_ip, kind):
    """Count one more request of ``kind`` from ``client_ip`` this hour and return the count.
    cache.add + incr are atomic in Redis and the local-memory cache."""
    key = _rate_key(client_ip or "unknown", kind)
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return 1


def check_message_rate(*, client_ip, policy=None):
    """Count one message from ``client_ip``; refuse beyond the hourly limit."""
    policy = policy or StationPolicy.current()
    if _count_this_hour(client_ip, "msg") > policy.message_rate_limit:
        raise RateLimited(_("留言过于频繁，请稍后再试。"), code="rate_limited")


def check_tracking_rate(*, client_ip, policy=None):
    """Count one tracking-code lookup from ``client_ip``; refuse beyond the
    hourly limit. Every lookup counts, found or not, so that the answer to a
    guess never depends on whether it was right."""
    policy = policy or StationPolicy.current()
    if _count_this_hour(client_ip, "track") > policy.tracking_rate_limit:
        raise RateLimited(_("查询过于频繁，请稍后再试。"), code="rate_limited")


def submit_public_message(*, station, content, client_ip, deputy=None, name="", contact="", consents_to_contact=False):
    """A message left by the public (码上说) on a station's or a deputy's page.
    It lands in the station's issue queue as an open issue. Content is kept as
    typed; every page escapes it on output."""
    policy = StationPolicy.current()
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写留言内容。")})
    if len(content) > policy.message_max_length:
        raise ValidationError({"content": _("留言不能超过%(n)d字。") % {"n": policy.message_max_length}})
    if not station.is_active:
        raise ValidationError(_("该联络站已停用。"))
    if deputy is not None and not station.stationings.filter(deputy=deputy, is_active=True).exists():
        raise ValidationError({"deputy": _("该代表未在本站进站。")})
    contact = (contact or "").strip()
    if consents_to_contact and not contact:
        raise ValidationError({"contact": _("同意联系的，请留下联系方式。")})
    check_message_rate(client_ip=client_ip, policy=policy)
    with transaction.atomic():
        issue = _create_issue(
            station=station, source=IssueSource.MESSAGE, addressed_to=deputy, content=content,
            raised_by_name=(name or "").strip()[:64], raised_by_contact=contact[:64],
            consents_to_contact=bool(consents_to_contact),
        )
        ISSUE_LIFECYCLE.record_event(obj=issue, move_name="leave_message", old="", new=IssueStatus.OPEN, actor=None,
                                     note=_("扫码留言"))
    return issue


# ---------------------------------------------------------------- the issue lifecycle

def _move(issue, move_name, *, actor, note="", **changes):
    """Make ``move_name`` through ISSUE_LIFECYCLE (the row lock, the table, the
    actor, the event row, the notices after commit) with ``changes`` as the
    move's own fields; returns ``issue`` with the new state and fields."""
    def apply(locked):
        for name, value in changes.items():
            setattr(locked, name, value)

    ISSUE_LIFECYCLE.transition(issue, move_name, actor=actor, note=note, apply=apply, fields=list(changes),
                               related=("station",))
    return issue


def answer_issue(*, issue, answer, actor):
    """Answered on the spot (当场答复)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复意见。")})
    now = timezone.now()
    return _move(issue, "answer", actor=actor, note=answer, answer=answer, outcome=answer, resolved_at=now)


def default_feedback_due_on(today=None, policy=None):
    policy = policy or StationPolicy.current()
    return (today or timezone.localdate()) + datetime.timedelta(days=policy.feedback_days)


def forward_issue(*, issue, unit, actor, due_on=None, note=""):
    """Forward (转办) to a handling unit with a feedback due date (default from the policy row)."""
    if unit is None or not unit.is_active:
        raise ValidationError({"unit": _("请选择启用中的承办单位。")})
    check_units_serve(issue.station.congress, [unit], "unit")
    today = timezone.localdate()
    due_on = due_on or default_feedback_due_on(today)
    if due_on < today:
        raise ValidationError({"due_on": _("反馈期限不能早于今天。")})
    # Forwarding again after the unit's feedback is its own move on the timeline.
    move_name = "re_forward" if issue.status == IssueStatus.FEEDBACK else "forward"
    return _move(
        issue, move_name, actor=actor, note=note or str(unit), forwarded_unit=unit,
        forwarded_at=timezone.now(), feedback_due_on=due_on, feedback="", feedback_at=None, feedback_by=None,
    )


def give_feedback(*, issue, feedback, actor):
    """The unit's feedback on a forwarded issue; the keeper then sees it as the outcome."""
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError({"feedback": _("请填写反馈意见。")})
    now = timezone.now()
    return _move(issue, "feed_back", actor=actor, note=feedback, feedback=feedback, feedback_at=now, feedback_by=actor,
                 outcome=feedback, resolved_at=now)


def close_issue(*, issue, actor, outcome=""):
    """办结: the station closes the issue, with the outcome told to the person who raised it."""
    changes = {"resolved_at": issue.resolved_at or timezone.now()}
    outcome = (outcome or "").strip()
    if outcome:
        changes["outcome"] = outcome
    elif not issue.outcome:
        raise ValidationError({"outcome": _("请填写办理结果。")})
    return _move(issue, "close", actor=actor, note=outcome, **changes)


def take_up_as_suggestion(*, issue, deputy, actor, title, category, content=None):
    """A stationed deputy takes the issue up as a formal suggestion (staff may
    enter it on the deputy's behalf). The suggestion is submitted through the
    suggestions service; the issue keeps the link and the suggestion reaches
    back through ``suggestion.station_issues``."""
    from suggestions import services as suggestion_services

    if deputy is None or not issue.station.stationings.filter(deputy=deputy, is_active=True).exists():
        raise ValidationError({"deputy": _("须由本站进站代表领衔提出建议。")})
    if not permissions.can_take_up_as_suggestion(actor, issue.station):
        raise PermissionDenied(_("您无权将该问题转为代表建议。"))

    def submit(locked):
        # Inside the row lock, so that two deputies cannot both turn the same issue into a suggestion.
        suggestion = suggestion_services.submit_suggestion(
            lead_deputy=deputy, title=title, content=(content or "").strip() or issue.content, category=category,
            actor=actor,
        )
        locked.taken_up_by, locked.suggestion, locked.resolved_at = deputy, suggestion, timezone.now()
        locked.outcome = _("已转为代表建议：%(title)s") % {"title": suggestion.title}

    # Only an open issue is taken up: whatever else the deputy finds, someone moved it first.
    ISSUE_LIFECYCLE.transition(
        issue, "take_up_as_suggestion", actor=actor, note=(title or "").strip(), expected_status=IssueStatus.OPEN,
        apply=submit, fields=["taken_up_by", "suggestion", "resolved_at", "outcome"], related=("station",),
    )
    return issue


# ---------------------------------------------------------------- the person's rating

MOBILE_CHECK_FAILURES = 5  # wrong last-four answers per issue and hour


class MobileCheckFailed(ValidationError):
    pass


def rate_issue(*, issue, rating, comment="", mobile_last4=""):
    """The person who raised ``issue`` rates the released answer (满意/基本满意/不满意), once.

    The caller found the issue by its tracking code; when a mobile number was
    left on the issue, its last four digits are asked as well, so a code seen
    over a shoulder is not enough. 不满意 does not reopen the issue by itself:
    the keepers are told and find it in their follow-up list, and decide
    whether to take it up again (``reopen_issue``) or to explain once more."""
    if rating not in ConstituentRating.values:
        raise ValidationError({"rating": _("请选择满意、基本满意或不满意。")})
    comment = (comment or "").strip()
    if len(comment) > StationPolicy.current().message_max_length:
        raise ValidationError({"comment": _("评价意见过长。")})
    if rating == ConstituentRating.NOT_SATISFIED and not comment:
        raise ValidationError({"comment": _("不满意的，请说明原因。")})
    # The contact is read here only, for the check: the public page never loads it.
    mobile = constituents.mobile_of(Issue.objects.filter(pk=issue.pk).values_list("raised_by_contact", flat=True).first())
    if mobile:
        # Four digits are few: wrong answers are counted per issue as well as per address.
        failures_key = f"stations:mobile-check:{issue.pk}:{timezone.now():%Y%m%d%H}"
        if (cache.get(failures_key) or 0) >= MOBILE_CHECK_FAILURES:
            raise RateLimited(_("尝试次数过多，请一小时后再试。"), code="rate_limited")
        if not hmac.compare_digest(mobile[-4:], (mobile_last4 or "").strip()):
            cache.add(failures_key, 0, timeout=3600)
            cache.incr(failures_key)
            raise MobileCheckFailed({"mobile_last4": _("手机号后4位不符。")}, code="mobile_check")

    def apply(locked):
        # Inside the row lock: two submissions at once give one rating.
        if locked.rated_at is not None:
            raise ValidationError(_("该问题已评价，感谢您的反馈。"), code="already_rated")
        locked.rating, locked.rating_comment, locked.rated_at = rating, comment, timezone.now()

    if issue.status not in RELEASED_STATUSES:
        raise ValidationError(_("答复公布后才能评价。"), code="not_released")
    ISSUE_LIFECYCLE.transition(issue, "rate", actor=None, note=str(ConstituentRating(rating).label), apply=apply,
                               fields=["rating", "rating_comment", "rated_at"], related=("station",))
    return issue


def reopen_issue(*, issue, actor, note=""):
    """重新办理: the station takes up again an issue whose answer the person rated 不满意.
    The rating is cleared (the timeline keeps it), so the new answer can be rated."""
    if issue.rating != ConstituentRating.NOT_SATISFIED:
        raise ValidationError(_("只有群众评价为不满意的问题才能重新办理。"), code="not_unsatisfied")
    return _move(issue, "reopen", actor=actor, note=(note or "").strip(), rating="", rating_comment="", rated_at=None)


# ---------------------------------------------------------------- model stations

def designate_model_station(*, station, year, actor, score=None, note=""):
    if not permissions.can_designate_model_station(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以评定示范站。"))
    try:
        with transaction.atomic():
            return ModelStation.objects.create(station=station, year=year, score=score, note=note, designated_by=actor)
    except IntegrityError:
        # The unique constraint decides, also when two staff click at once.
        raise ValidationError(_("该站已是%(year)d年度示范站。") % {"year": year}, code="conflict") from None
