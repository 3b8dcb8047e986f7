"""Every write that matters on suggestions: one keyword-only function per move.

The API, the pages, the admin actions, the import and the tasks all call these.
They raise Django's ValidationError (code "conflict" for a concurrent change,
"invalid_move" for a move the state table does not allow) or PermissionDenied.
Status changes go through ``workflow.transition``; the row lock it takes also
serialises every write to the suggestion's assignments, replies and ratings."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.workdays import add_working_days, due_date_after_months, end_of_day, local_today
from deputies.models import Level, MandateStatus

from . import workflow
from .models import (
    Assignment,
    AssignmentState,
    CoOpinion,
    CoSignature,
    CoSignState,
    ContactLog,
    ContactStage,
    Decision,
    Disclosure,
    DisclosureDecision,
    FollowUpItem,
    FollowUpRound,
    HandlingMode,
    KeySupervision,
    NumberCounter,
    Rating,
    ReassignmentRequest,
    Reply,
    ReplyAttachment,
    ReplyKind,
    Satisfaction,
    Status,
    Suggestion,
    SuggestionAttachment,
    SuggestionPolicy,
    UnitRole,
)

OPEN_ASSIGNMENT_STATES = (
    AssignmentState.PENDING,
    AssignmentState.ACKNOWLEDGED,
    AssignmentState.REASSIGNMENT_REQUESTED,
    AssignmentState.REHANDLING,
)


def _required(value, field, message):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: message}, code="required")


def _reload_assignment(assignment, suggestion):
    """The assignment as it is now (the suggestion row is locked), checked to
    belong to ``suggestion``."""
    fresh = Assignment.objects.select_related("unit").get(pk=assignment.pk)
    if fresh.suggestion_id != suggestion.pk:
        raise ValidationError(_("交办记录不属于该建议。"))
    return fresh


def _check_own_unit(actor, assignment):
    if roles.unit_id_of(actor) != assignment.unit_id or not assignment.is_active:
        raise PermissionDenied(_("只有承办该建议的单位才能办理此事项。"))


def _deputy_level(lead_deputy, session):
    if session is not None:
        return session.term.congress.level
    mandate = lead_deputy.mandates.filter(status=MandateStatus.SERVING).order_by("-start_date").first()
    return mandate.level if mandate else Level.PROVINCIAL


def _due_at(day):
    return end_of_day(day)


# ---------------------------------------------------------------- 提出、附议


def _check_complete(*, title, content, category, during_session, session, year=None):
    """What a suggestion needs to be submitted (a draft may lack any of it)."""
    _required(title, "title", _("请填写标题。"))
    _required(content, "content", _("请填写建议内容。"))
    _required(category, "category", _("请选择类别。"))
    if not category.is_active:
        raise ValidationError({"category": _("该类别已停用。")})
    if during_session and session is None:
        raise ValidationError({"session": _("大会期间提出的建议须选择会议。")})
    if session is not None and year is not None and session.year != year:
        raise ValidationError({"year": _("年度与会议年度不一致。")})


def _check_co_signers(lead_deputy, co_signers):
    co_signers = list(dict.fromkeys(co_signers))
    if lead_deputy in co_signers:
        raise ValidationError({"co_signers": _("领衔代表不能同时作为附议代表。")})
    return co_signers


def submit_suggestion(
    *,
    lead_deputy,
    title,
    content,
    category,
    actor,
    during_session=False,
    session=None,
    year=None,
    disclosure_consent=True,
    co_signers=(),
    attachments=(),
    submitted_at=None,
):
    """A lead deputy submits a suggestion, or staff enter a paper one on the
    deputy's behalf (then ``entered_by_staff`` is set). Co-signers are invited
    and confirm or decline with ``respond_to_cosign``. ``attachments`` are
    Django File objects."""
    entered_by_staff = roles.is_staff_member(actor)
    if not entered_by_staff and roles.deputy_of(actor) != lead_deputy:
        raise PermissionDenied(_("只能以本人名义领衔提出建议。"))
    _check_complete(title=title, content=content, category=category, during_session=during_session, session=session, year=year)
    co_signers = _check_co_signers(lead_deputy, co_signers)
    submitted_at = submitted_at or timezone.now()
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            lead_deputy=lead_deputy,
            title=title.strip(),
            content=content.strip(),
            category=category,
            during_session=during_session,
            session=session,
            year=session.year if session is not None else (year or timezone.localtime(submitted_at).year),
            deputy_level=_deputy_level(lead_deputy, session),
            disclosure_consent=disclosure_consent,
            entered_by_staff=entered_by_staff,
            entered_by=actor if entered_by_staff else None,
            submitted_at=submitted_at,
        )
        CoSignature.objects.bulk_create(CoSignature(suggestion=suggestion, deputy=d) for d in co_signers)
        for f in attachments:
            SuggestionAttachment.objects.create(suggestion=suggestion, file=f, name=getattr(f, "name", "")[:255], uploaded_by=actor)
        workflow.record_event(
            suggestion=suggestion,
            move="submit",
            from_status="",
            to_status=suggestion.status,
            actor=actor,
            note=_("工作人员代为录入") if entered_by_staff else "",
        )
    return suggestion


# ---------------------------------------------------------------- 草稿

DRAFT_FIELDS = ("title", "content", "category", "during_session", "session", "disclosure_consent")


def _check_draft_values(values):
    category = values.get("category")
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("该类别已停用。")})
    for name in ("title", "content"):
        values[name] = (values.get(name) or "").strip()
    if len(values["title"]) > Suggestion._meta.get_field("title").max_length:
        raise ValidationError({"title": _("标题不能超过200个字。")})
    if not values["title"] and not values["content"]:
        raise ValidationError({"title": _("草稿至少要有标题或内容。")})


def _check_attachments(attachments):
    from congress_portal.forms import validate_attachment

    errors = []
    for f in attachments:
        try:
            validate_attachment(f)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({"attachments": errors})


def _add_attachments(suggestion, attachments, actor):
    for f in attachments:
        SuggestionAttachment.objects.create(suggestion=suggestion, file=f, name=getattr(f, "name", "")[:255], uploaded_by=actor)


def _delete_files_after_commit(attachments):
    files = [a.file for a in attachments if a.file]
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


def save_draft(
    *,
    lead_deputy,
    actor,
    title="",
    content="",
    category=None,
    during_session=False,
    session=None,
    disclosure_consent=True,
    co_signers=(),
    attachments=(),
):
    """保存草稿: a deputy keeps an unfinished suggestion, with its attachments and
    the co-signers it will invite, to finish later (on any device). Only its
    author sees it; nothing is checked but what was typed (``submit_draft``
    checks the rest). Co-signers are told only when it is submitted."""
    if roles.deputy_of(actor) is None or roles.deputy_of(actor) != lead_deputy:
        raise PermissionDenied(_("只能以本人名义保存建议草稿。"))
    values = {
        "title": title, "content": content, "category": category, "during_session": bool(during_session),
        "session": session, "disclosure_consent": bool(disclosure_consent),
    }  # fmt: skip
    _check_draft_values(values)
    co_signers = _check_co_signers(lead_deputy, co_signers)
    _check_attachments(attachments)
    now = timezone.now()
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            lead_deputy=lead_deputy,
            status=Status.DRAFT,  # the creation move "save_draft" of the state table
            year=session.year if session is not None else timezone.localtime(now).year,
            deputy_level=_deputy_level(lead_deputy, session),
            submitted_at=now,
            **values,
        )
        CoSignature.objects.bulk_create(CoSignature(suggestion=suggestion, deputy=d, state=CoSignState.PROPOSED) for d in co_signers)
        _add_attachments(suggestion, attachments, actor)
        workflow.record_event(suggestion=suggestion, move="save_draft", from_status="", to_status=Status.DRAFT, actor=actor)
    return suggestion


def update_draft(*, suggestion, actor, attachments=(), remove_attachments=(), co_signers=None, **changes):
    """修改草稿: change any of ``DRAFT_FIELDS`` (those not given stay), replace
    the co-signers to invite (when ``co_signers`` is given), add attachments and
    remove some (ids or SuggestionAttachment objects of this draft)."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"update_draft: unknown fields {sorted(unknown)}")
    _check_attachments(attachments)
    remove_ids = {getattr(a, "pk", a) for a in remove_attachments}
    removed = []

    def apply(locked):
        values = {name: getattr(locked, name) for name in DRAFT_FIELDS}
        values.update(changes)
        _check_draft_values(values)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.year = locked.session.year if locked.session_id else locked.year
        locked.deputy_level = _deputy_level(locked.lead_deputy, locked.session)
        if co_signers is not None:
            wanted = _check_co_signers(locked.lead_deputy, co_signers)
            CoSignature.objects.filter(suggestion=locked).exclude(deputy__in=wanted).delete()
            have = set(CoSignature.objects.filter(suggestion=locked).values_list("deputy_id", flat=True))
            CoSignature.objects.bulk_create(
                CoSignature(suggestion=locked, deputy=d, state=CoSignState.PROPOSED) for d in wanted if d.pk not in have
            )
        if remove_ids:
            gone = list(SuggestionAttachment.objects.filter(suggestion=locked, pk__in=remove_ids))
            if len(gone) != len(remove_ids):
                raise ValidationError({"remove_attachments": _("要删除的附件不属于该草稿。")})
            SuggestionAttachment.objects.filter(pk__in=[a.pk for a in gone]).delete()
            removed.extend(gone)
        _add_attachments(locked, attachments, actor)

    with transaction.atomic():
        workflow.transition(
            suggestion=suggestion,
            move="update_draft",
            actor=actor,
            fields=[*DRAFT_FIELDS, "year", "deputy_level"],
            apply=apply,
        )
        _delete_files_after_commit(removed)
    return suggestion


def submit_draft(*, suggestion, actor):
    """提出 a draft: it must now be complete (title, content, an active
    category, the session if during a plenary). It becomes 待审核 with the
    time of submission, and the co-signers it names are invited."""

    def apply(locked):
        _check_complete(
            title=locked.title, content=locked.content, category=locked.category,
            during_session=locked.during_session, session=locked.session,
        )  # fmt: skip
        now = timezone.now()
        locked.submitted_at = now
        locked.year = locked.session.year if locked.session_id else timezone.localtime(now).year
        locked.deputy_level = _deputy_level(locked.lead_deputy, locked.session)
        CoSignature.objects.filter(suggestion=locked, state=CoSignState.PROPOSED).update(state=CoSignState.INVITED, invited_at=now)

    return workflow.transition(
        suggestion=suggestion,
        move="submit_draft",
        actor=actor,
        expected_status=Status.DRAFT,
        fields=["submitted_at", "year", "deputy_level"],
        apply=apply,
    )


def delete_draft(*, suggestion, actor):
    """删除草稿 by its author: the row, its attachments (and their files), the
    co-signers it named and its events go."""
    with transaction.atomic():
        locked = workflow.lock(suggestion)
        workflow.check_move(locked, "delete_draft", actor)
        attachments = list(locked.attachments.all())
        locked.delete()
        _delete_files_after_commit(attachments)


def respond_to_cosign(*, suggestion, actor, accept):
    """An invited co-signer confirms (``accept=True``) or declines."""
    deputy = roles.deputy_of(actor)

    def apply(locked):
        CoSignature.objects.filter(suggestion=locked, deputy=deputy, state=CoSignState.INVITED).update(
            state=CoSignState.CONFIRMED if accept else CoSignState.DECLINED, responded_at=timezone.now()
        )

    note = _("确认附议") if accept else _("谢绝附议")
    return workflow.transition(suggestion=suggestion, move="respond_cosign", actor=actor, note=f"{deputy}：{note}", apply=apply)


def withdraw_suggestion(*, suggestion, actor, reason=""):
    return workflow.transition(
        suggestion=suggestion, move="withdraw", actor=actor, note=reason, expected_status=suggestion.status
    )


# ---------------------------------------------------------------- 审核


def _next_number(suggestion):
    scope = f"session:{suggestion.session_id}" if suggestion.session_id else f"year:{suggestion.year}"
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(scope=scope)
    except IntegrityError:  # created by a concurrent registration
        pass
    counter = NumberCounter.objects.select_for_update().get(scope=scope)
    taken = Suggestion.objects.filter(number__isnull=False)
    taken = taken.filter(session_id=suggestion.session_id) if suggestion.session_id else taken.filter(session__isnull=True, year=suggestion.year)
    number = counter.last_number + 1
    while taken.filter(number=number).exists():  # numbers given by hand (e.g. an import)
        number += 1
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    return number


def register_suggestion(*, suggestion, actor, note=""):
    """立案: the suggestion gets the next number of its session (or year).
    Invitations not answered by now lapse."""

    def apply(locked):
        locked.number = _next_number(locked)
        locked.registered_at = timezone.now()
        CoSignature.objects.filter(suggestion=locked, state=CoSignState.INVITED).update(state=CoSignState.LAPSED)

    return workflow.transition(
        suggestion=suggestion,
        move="register",
        actor=actor,
        note=note,
        expected_status=suggestion.status,
        fields=["number", "registered_at"],
        apply=apply,
    )


def reject_suggestion(*, suggestion, actor, reason, forward_as_letter=False):
    """不予立案, with the reason; optionally 转为来信 forwarded as a letter."""
    _required(reason, "reason", _("请填写不予立案的理由。"))

    def apply(locked):
        locked.not_registered_reason = reason.strip()
        locked.forwarded_as_letter = bool(forward_as_letter)

    note = reason.strip() + ("（" + _("转为来信处理") + "）" if forward_as_letter else "")
    return workflow.transition(
        suggestion=suggestion,
        move="reject",
        actor=actor,
        note=note,
        expected_status=suggestion.status,
        fields=["not_registered_reason", "forwarded_as_letter"],
        apply=apply,
    )


# ---------------------------------------------------------------- 交办


def _new_assignment(suggestion, unit, role, actor, policy, today, now, part=""):
    return Assignment.objects.create(
        suggestion=suggestion,
        unit=unit,
        role=role,
        part=part,
        assigned_at=now,
        assigned_by=actor,
        reassignment_deadline=add_working_days(today, policy.reassignment_window_working_days),
        opinion_due_at=_due_at(due_date_after_months(today, policy.co_opinion_months)) if role == UnitRole.CO else None,
        reply_due_at=_due_at(due_date_after_months(today, policy.reply_months)) if role != UnitRole.CO else None,
    )


def assign_suggestion(*, suggestion, actor, mode=HandlingMode.LEAD, lead_unit=None, co_units=(), split_units=(), note=""):
    """交办. ``mode=lead``: one ``lead_unit`` and any ``co_units``;
    ``mode=split`` (分办): ``split_units``, each a unit or a ``(unit, part)`` pair,
    every one replying on its own part. The reply is due ``reply_months``
    (default 3) after today, moved to the next working day if it falls on a rest
    day; re-assignment may be asked within the working-day window."""
    if mode == HandlingMode.LEAD:
        _required(lead_unit, "lead_unit", _("请选择主办单位。"))
        co_units = list(dict.fromkeys(co_units))
        if lead_unit in co_units:
            raise ValidationError({"co_units": _("主办单位不能同时作为协办单位。")})
        plan = [(lead_unit, UnitRole.LEAD, "")] + [(u, UnitRole.CO, "") for u in co_units]
    elif mode == HandlingMode.SPLIT:
        pairs = [u if isinstance(u, (tuple, list)) else (u, "") for u in split_units]
        if len(pairs) < 2:
            raise ValidationError({"split_units": _("分办须至少选择两个承办单位。")})
        if len({u.pk for u, _part in pairs}) != len(pairs):
            raise ValidationError({"split_units": _("分办单位不能重复。")})
        plan = [(u, UnitRole.SPLIT, part) for u, part in pairs]
    else:
        raise ValidationError({"mode": _("未知的办理方式。")})
    inactive = [str(u) for u, _r, _p in plan if not u.is_active]
    if inactive:
        raise ValidationError(_("承办单位已停用：%(units)s。") % {"units": "、".join(inactive)})

    policy = SuggestionPolicy.current()

    def apply(locked):
        now, today = timezone.now(), local_today()
        created = [_new_assignment(locked, u, role, actor, policy, today, now, part) for u, role, part in plan]
        locked.handling_mode = mode
        locked.assigned_at = now
        locked.reply_due_at = max(a.reply_due_at for a in created if a.reply_due_at)

    units_text = "、".join(f"{u}（{role.label}）" for u, role, _p in plan)
    return workflow.transition(
        suggestion=suggestion,
        move="assign",
        actor=actor,
        note=(note + " " if note else "") + units_text,
        expected_status=suggestion.status,
        fields=["handling_mode", "assigned_at", "reply_due_at"],
        apply=apply,
    )


def mark_key_supervision(*, suggestion, actor, supervising_leader, supervising_committee="", government_leader="", note=""):
    """重点督办: mark (or update) with the supervising leader and committee."""
    _required(supervising_leader, "supervising_leader", _("请填写牵头督办领导。"))

    def apply(locked):
        KeySupervision.objects.update_or_create(
            suggestion=locked,
            defaults={
                "supervising_leader": supervising_leader,
                "supervising_committee": supervising_committee,
                "government_leader": government_leader,
                "note": note,
                "marked_by": actor,
            },
        )

    return workflow.transition(
        suggestion=suggestion, move="mark_key", actor=actor, note=f"{supervising_leader} {supervising_committee}".strip(), apply=apply
    )


def extend_deadline(*, suggestion, actor, new_due_date, reason):
    """Staff extend the reply deadline of a wide-reaching, hard item, with a
    reason, up to ``max_reply_months`` (default 6) after assignment."""
    _required(reason, "reason", _("请填写延期理由。"))
    policy = SuggestionPolicy.current()

    def apply(locked):
        if locked.status != Status.ASSIGNED:
            raise ValidationError(_("只有办理中的建议可以延期。"), code="invalid_move")
        assigned_day = timezone.localtime(locked.assigned_at).date()
        limit = due_date_after_months(assigned_day, policy.max_reply_months)
        if new_due_date > limit:
            raise ValidationError(
                {"new_due_date": _("答复期限最长至交办后%(months)s个月（%(limit)s）。") % {"months": policy.max_reply_months, "limit": limit}}
            )
        due_at = _due_at(new_due_date)
        if locked.reply_due_at and due_at <= locked.reply_due_at:
            raise ValidationError({"new_due_date": _("新的答复期限须晚于原期限。")})
        Assignment.objects.active().replying().filter(state__in=OPEN_ASSIGNMENT_STATES, suggestion=locked).update(reply_due_at=due_at)
        locked.reply_due_at = due_at
        locked.extension_reason = reason.strip()

    return workflow.transition(
        suggestion=suggestion,
        move="extend_deadline",
        actor=actor,
        note=f"{new_due_date:%Y-%m-%d}：{reason.strip()}",
        fields=["reply_due_at", "extension_reason"],
        apply=apply,
    )


# ---------------------------------------------------------------- 签收、申请调整


def acknowledge_assignment(*, assignment, actor):
    """签收 by the assigned unit."""

    def apply(locked):
        a = _reload_assignment(assignment, locked)
        _check_own_unit(actor, a)
        if a.state != AssignmentState.PENDING:
            raise ValidationError(_("该交办已签收或正在调整，不能重复签收。"), code="invalid_move")
        a.state, a.acknowledged_at = AssignmentState.ACKNOWLEDGED, timezone.now()
        a.save(update_fields=["state", "acknowledged_at"])

    return workflow.transition(suggestion=assignment.suggestion, move="acknowledge", actor=actor, unit=assignment.unit, apply=apply)


def request_reassignment(*, assignment, actor, reason, suggested_unit=None):
    """申请调整: within the window (default 5 working days after assignment)."""
    _required(reason, "reason", _("请填写申请调整的理由。"))
    result = {}

    def apply(locked):
        a = _reload_assignment(assignment, locked)
        _check_own_unit(actor, a)
        if a.state not in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED):
            raise ValidationError(_("该交办当前不能申请调整。"), code="invalid_move")
        if a.reassignment_deadline and local_today() > a.reassignment_deadline:
            raise ValidationError(
                _("申请调整的期限已过（%(date)s）。") % {"date": f"{a.reassignment_deadline:%Y-%m-%d}"}, code="window_closed"
            )
        result["request"] = ReassignmentRequest.objects.create(
            assignment=a, reason=reason.strip(), suggested_unit=suggested_unit, requested_by=actor
        )
        a.state = AssignmentState.REASSIGNMENT_REQUESTED
        a.save(update_fields=["state"])

    workflow.transition(
        suggestion=assignment.suggestion, move="request_reassignment", actor=actor, unit=assignment.unit, note=reason, apply=apply
    )
    return result["request"]


def decide_reassignment(*, request, actor, approve, note="", new_unit=None):
    """Staff approve a re-assignment (the unit's assignment ends; ``new_unit``
    takes its place with fresh deadlines) or refuse it (the unit handles it)."""
    if not approve:
        _required(note, "note", _("不同意调整时请说明理由。"))
    policy = SuggestionPolicy.current()
    suggestion = request.assignment.suggestion

    def apply(locked):
        req = ReassignmentRequest.objects.select_related("assignment").get(pk=request.pk)
        a = req.assignment
        if req.decision != Decision.PENDING:
            raise ValidationError(_("该调整申请已经审批。"), code="invalid_move")
        now = timezone.now()
        req.decision = Decision.APPROVED if approve else Decision.REFUSED
        req.decision_note, req.decided_by, req.decided_at = note, actor, now
        if approve:
            if new_unit is None and a.role != UnitRole.CO:
                raise ValidationError({"new_unit": _("请选择改由承办的单位。")})
            a.is_active, a.state = False, AssignmentState.WITHDRAWN
            a.save(update_fields=["is_active", "state"])
            if new_unit is not None:
                if Assignment.objects.active().filter(suggestion=locked, unit=new_unit).exists():
                    raise ValidationError({"new_unit": _("该单位已承办此建议。")})
                req.new_assignment = _new_assignment(locked, new_unit, a.role, actor, policy, local_today(), now, a.part)
                due = [d for d in Assignment.objects.active().replying().filter(suggestion=locked).values_list("reply_due_at", flat=True) if d]
                locked.reply_due_at = max(due) if due else locked.reply_due_at
        else:
            a.state = AssignmentState.ACKNOWLEDGED
            a.acknowledged_at = a.acknowledged_at or now
            a.save(update_fields=["state", "acknowledged_at"])
        req.save()

    if approve:
        text = _("同意调整") + (f"，{_('改由')}{new_unit}" if new_unit else "")
    else:
        text = _("不同意调整")
    return workflow.transition(
        suggestion=suggestion,
        move="decide_reassignment",
        actor=actor,
        unit=request.assignment.unit,
        note=f"{text}。{note}".rstrip("。") + "。" if note else text,
        fields=["reply_due_at"],
        apply=apply,
    )


# ---------------------------------------------------------------- 办理


def submit_co_opinion(*, assignment, actor, content):
    """协办意见 from a co-handling unit to the lead unit."""
    _required(content, "content", _("请填写协办意见。"))
    result = {}

    def apply(locked):
        a = _reload_assignment(assignment, locked)
        _check_own_unit(actor, a)
        if a.role != UnitRole.CO:
            raise ValidationError(_("只有协办单位提交协办意见。"), code="invalid_move")
        if a.state == AssignmentState.REASSIGNMENT_REQUESTED:
            raise ValidationError(_("调整申请审批前不能提交协办意见。"), code="invalid_move")
        result["opinion"] = CoOpinion.objects.create(assignment=a, content=content.strip(), submitted_by=actor)
        a.state = AssignmentState.OPINION_SUBMITTED
        a.acknowledged_at = a.acknowledged_at or timezone.now()
        a.save(update_fields=["state", "acknowledged_at"])

    workflow.transition(suggestion=assignment.suggestion, move="co_opinion", actor=actor, unit=assignment.unit, apply=apply)
    return result["opinion"]


def log_contact(*, assignment, actor, stage, method, contacted_at, note):
    """办前联系、办中沟通、办后回访 with the deputy."""
    _required(note, "note", _("请填写联系情况。"))
    if stage not in ContactStage.values:
        raise ValidationError({"stage": _("未知的联系阶段。")})
    result = {}

    def apply(locked):
        a = _reload_assignment(assignment, locked)
        _check_own_unit(actor, a)
        result["log"] = ContactLog.objects.create(
            suggestion=locked, assignment=a, stage=stage, method=method, contacted_at=contacted_at, note=note.strip(), logged_by=actor
        )

    workflow.transition(
        suggestion=assignment.suggestion,
        move="log_contact",
        actor=actor,
        unit=assignment.unit,
        note=str(ContactStage(stage).label),
        apply=apply,
    )
    return result["log"]


# ---------------------------------------------------------------- 答复


def reply_to_suggestion(*, assignment, actor, letter, result_category, signed_off_by, replied_at=None, attachments=()):
    """答复 by a lead or split unit: the letter, the result category, the leader
    who signed it off. The suggestion becomes 已答复 when every unit that owes a
    reply has given it (split handling waits for all parts)."""
    _required(letter, "letter", _("请填写答复内容。"))
    _required(result_category, "result_category", _("请选择办理结果类别。"))
    _required(signed_off_by, "signed_off_by", _("请填写签发领导。"))
    if not result_category.is_active:
        raise ValidationError({"result_category": _("该办理结果类别已停用。")})
    result = {}
    suggestion = assignment.suggestion

    def prepare(locked):
        a = _reload_assignment(assignment, locked)
        _check_own_unit(actor, a)
        if a.role == UnitRole.CO:
            raise ValidationError(_("协办单位不直接答复，请将协办意见送主办单位。"), code="invalid_move")
        expected = AssignmentState.REHANDLING if locked.status == Status.REHANDLING else AssignmentState.ACKNOWLEDGED
        if a.state == AssignmentState.PENDING:
            raise ValidationError(_("请先签收再答复。"), code="invalid_move")
        if a.state != expected:
            raise ValidationError(_("该单位当前没有待答复的事项。"), code="invalid_move")
        return a

    with transaction.atomic():
        locked = workflow.lock(suggestion)
        a = prepare(locked)
        others_pending = (
            Assignment.objects.active().replying().filter(suggestion=locked).exclude(pk=a.pk).filter(state__in=OPEN_ASSIGNMENT_STATES).exists()
        )
        move = "reply_part" if others_pending else "reply"

        def apply(locked):
            now = timezone.now()
            Reply.objects.filter(assignment=a, is_current=True).update(is_current=False)
            reply = Reply.objects.create(
                suggestion=locked,
                assignment=a,
                kind=ReplyKind.REHANDLING if locked.status == Status.REHANDLING else ReplyKind.FIRST,
                letter=letter.strip(),
                result_category=result_category,
                signed_off_by=signed_off_by.strip(),
                replied_at=replied_at or now,
                submitted_by=actor,
            )
            for f in attachments:
                ReplyAttachment.objects.create(reply=reply, file=f, name=getattr(f, "name", "")[:255])
            a.state, a.replied_at = AssignmentState.REPLIED, reply.replied_at
            a.save(update_fields=["state", "replied_at"])
            locked.replied_at = reply.replied_at
            result["reply"] = reply

        workflow.transition(
            suggestion=locked,
            move=move,
            actor=actor,
            unit=a.unit,
            note=f"{a.unit}：{result_category}",
            fields=["replied_at"],
            apply=apply,
        )
    for name in ("status", "replied_at"):
        setattr(suggestion, name, getattr(locked, name))
    return result["reply"]


# ---------------------------------------------------------------- 测评、办结


def rate_reply(*, reply, actor, process_rating, result_rating, comment=""):
    """测评 by the lead deputy, process and result separately. When every
    current reply is rated: any 不满意 sends the unrated units back to 重新办理
    (due ``rehandling_months`` later, at most ``max_rehandlings`` times);
    otherwise the suggestion is 办结."""
    for field, value in (("process_rating", process_rating), ("result_rating", result_rating)):
        if value not in Satisfaction.values:
            raise ValidationError({field: _("请选择满意、基本满意或不满意。")})
    not_satisfied = Satisfaction.NOT_SATISFIED in (process_rating, result_rating)
    if not_satisfied:
        _required(comment, "comment", _("不满意时请说明意见。"))
    policy = SuggestionPolicy.current()
    suggestion = reply.suggestion
    result = {}

    with transaction.atomic():
        locked = workflow.lock(suggestion)
        fresh = Reply.objects.select_related("assignment").get(pk=reply.pk)
        workflow.check_move(locked, "rate_part", actor)  # refuses early: wrong status or not the lead deputy
        if fresh.suggestion_id != locked.pk or not fresh.is_current or not fresh.assignment.is_active:
            raise ValidationError(_("该答复不是当前有效的答复。"), code="invalid_move")
        if Rating.objects.filter(reply=fresh).exists():
            raise ValidationError(_("该答复已经测评。"), code="invalid_move")
        rating = Rating.objects.create(
            reply=fresh, process_rating=process_rating, result_rating=result_rating, comment=comment.strip(), rated_by=actor
        )
        result["rating"] = rating
        current = list(
            Reply.objects.filter(suggestion=locked, is_current=True, assignment__is_active=True, assignment__role__in=[UnitRole.LEAD, UnitRole.SPLIT])
            .select_related("rating")
        )
        ratings = [r.rating if hasattr(r, "rating") else None for r in current]
        if any(rt is None for rt in ratings):
            move, fields, apply = "rate_part", [], None
        else:
            # Replies rated not satisfied in this round (older rounds' ratings were answered by re-handling).
            unhappy = [r for r, rt in zip(current, ratings) if not rt.is_satisfied and r.assignment.state == AssignmentState.REPLIED]
            if unhappy and locked.rehandling_count < policy.max_rehandlings:
                move, fields = "rate_not_satisfied", ["rehandling_count", "reply_due_at"]

                def apply(locked):
                    due_at = _due_at(due_date_after_months(local_today(), policy.rehandling_months))
                    Assignment.objects.filter(pk__in=[r.assignment_id for r in unhappy]).update(
                        state=AssignmentState.REHANDLING, reply_due_at=due_at, replied_at=None
                    )
                    locked.rehandling_count += 1
                    locked.reply_due_at = due_at
            else:
                move, fields = "rate", ["closed_at"]

                def apply(locked):
                    locked.closed_at = timezone.now()

        workflow.transition(
            suggestion=locked,
            move=move,
            actor=actor,
            unit=fresh.assignment.unit,
            note=f"{fresh.assignment.unit}：{rating}" + (f"。{comment.strip()}" if comment.strip() else ""),
            fields=fields,
            apply=apply,
        )
    for name in ("status", "rehandling_count", "reply_due_at", "closed_at"):
        setattr(suggestion, name, getattr(locked, name))
    return result["rating"]


def close_suggestion(*, suggestion, actor, note=""):
    """办结 by staff: a replied item the deputy has not rated, or the end of a
    follow-up round."""

    def apply(locked):
        locked.closed_at = timezone.now()

    return workflow.transition(
        suggestion=suggestion, move="close", actor=actor, note=note, expected_status=suggestion.status, fields=["closed_at"], apply=apply
    )


# ---------------------------------------------------------------- 回头看


def open_followup_round(*, title, suggestions, due_date, actor, note=""):
    """回头看 over a chosen set of 办结 suggestions (see
    selectors.followup_candidates): every unit that replied gives a second
    reply by ``due_date``. All or nothing."""
    _required(title, "title", _("请填写名称。"))
    if due_date <= local_today():
        raise ValidationError({"due_date": _("二次答复期限须晚于今天。")})
    suggestions = list(suggestions)
    if not suggestions:
        raise ValidationError({"suggestions": _("请至少选择一件建议。")})
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以组织回头看。"))
    with transaction.atomic():
        rnd = FollowUpRound.objects.create(title=title.strip(), note=note, due_date=due_date, opened_by=actor)
        for suggestion in suggestions:

            def apply(locked):
                units = Assignment.objects.active().replying().filter(suggestion=locked)
                FollowUpItem.objects.bulk_create(FollowUpItem(round=rnd, suggestion=locked, assignment=a) for a in units)

            try:
                workflow.transition(
                    suggestion=suggestion,
                    move="open_followup",
                    actor=actor,
                    note=f"{rnd.title}，{_('二次答复期限')} {due_date:%Y-%m-%d}",
                    expected_status=suggestion.status,
                    apply=apply,
                )
            except ValidationError as exc:  # say which one of the set, keep the code (409 for a conflict)
                raise ValidationError(f"{suggestion}：{'；'.join(exc.messages)}", code=getattr(exc, "code", None)) from exc
    return rnd


def _current_items(locked):
    latest = FollowUpItem.objects.filter(suggestion=locked).order_by("-round_id").values_list("round_id", flat=True).first()
    return FollowUpItem.objects.filter(suggestion=locked, round_id=latest).select_related("assignment__unit")


def submit_second_reply(*, item, actor, content, result_category=None):
    """二次答复: what was actually done since the first reply."""
    _required(content, "content", _("请填写二次答复内容。"))
    suggestion = item.suggestion
    with transaction.atomic():
        locked = workflow.lock(suggestion)
        fresh = FollowUpItem.objects.select_related("assignment__unit").get(pk=item.pk)
        _check_own_unit(actor, fresh.assignment)
        if fresh.replied_at is not None:
            raise ValidationError(_("已经提交过二次答复。"), code="invalid_move")
        others = [i for i in _current_items(locked) if i.pk != fresh.pk and i.replied_at is None]
        if fresh.round_id != _current_items(locked).first().round_id:
            raise ValidationError(_("该回头看事项已结束。"), code="invalid_move")

        def apply(locked):
            fresh.second_reply, fresh.result_category = content.strip(), result_category
            fresh.replied_by, fresh.replied_at = actor, timezone.now()
            fresh.save(update_fields=["second_reply", "result_category", "replied_by", "replied_at"])

        workflow.transition(
            suggestion=locked,
            move="second_reply_part" if others else "second_reply",
            actor=actor,
            unit=fresh.assignment.unit,
            note=str(fresh.assignment.unit),
            apply=apply,
        )
    suggestion.status = locked.status
    return fresh


def rate_second_reply(*, suggestion, actor, rating, comment=""):
    """The deputy rates the follow-up's second replies (optional: staff may
    close the round without it)."""
    if rating not in Satisfaction.values:
        raise ValidationError({"rating": _("请选择满意、基本满意或不满意。")})

    def apply(locked):
        _current_items(locked).update(rating=rating, rating_comment=comment.strip(), rated_at=timezone.now())
        locked.closed_at = timezone.now()

    return workflow.transition(
        suggestion=suggestion,
        move="rate_second_reply",
        actor=actor,
        note=str(Satisfaction(rating).label) + (f"。{comment.strip()}" if comment.strip() else ""),
        expected_status=suggestion.status,
        fields=["closed_at"],
        apply=apply,
    )


# ---------------------------------------------------------------- 公开


def decide_disclosure(*, suggestion, actor, mode, reason="", summary=""):
    """Staff decide whether and how a replied suggestion is published: ``full``,
    ``summary`` (with the summary text) or ``none`` (with the reason). Publishing
    against the deputy's wish needs a reason too."""
    if mode not in Disclosure.values or mode == Disclosure.UNDECIDED:
        raise ValidationError({"mode": _("请选择全文公开、摘要公开或不公开。")})
    if mode == Disclosure.NONE:
        _required(reason, "reason", _("不公开时请说明理由。"))
    if mode == Disclosure.SUMMARY:
        _required(summary, "summary", _("摘要公开时请填写公开摘要。"))
    if mode != Disclosure.NONE and not suggestion.disclosure_consent:
        _required(reason, "reason", _("代表不同意公开，如需公开请说明理由。"))

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


def update_policy(*, actor, **values):
    """Staff change the deadline policy (also editable in the admin)."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以修改办理期限设置。"))
    policy = SuggestionPolicy.current()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy

