"""提出 and 附议: a deputy (or staff, for a paper one) submits a suggestion,
keeps a draft to finish later, and the co-signers confirm or decline."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.uploads import ATTACHMENT_TYPES, check_uploads

from .. import workflow
from deputies.models import MandateStatus

from ..models import CoSignature, CoSignState, Status, Suggestion, SuggestionAttachment
from .common import addressed_congress, required


def _check_complete(*, title, content, category, during_session, session, year=None):
    """What a suggestion needs to be submitted (a draft may lack any of it)."""
    required(title, "title", _("请填写标题。"))
    required(content, "content", _("请填写建议内容。"))
    required(category, "category", _("请选择类别。"))
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
    congress=None,
):
    """A lead deputy submits a suggestion, or staff enter a paper one on the
    deputy's behalf (then ``entered_by_staff`` is set). Co-signers are invited
    and confirm or decline with ``respond_to_cosign``. ``attachments`` are
    Django File objects. ``congress``: between plenaries, the congress of one of
    the deputy's serving mandates it is addressed to (default: the latest)."""
    entered_by_staff = roles.is_staff_member(actor)
    if not entered_by_staff and roles.deputy_of(actor) != lead_deputy:
        raise PermissionDenied(_("只能以本人名义领衔提出建议。"))
    level, congress_id = addressed_congress(lead_deputy, session, congress)
    own = roles.congress_of(actor)
    if entered_by_staff and own is not None and congress_id != own.pk:
        # Staff enter paper suggestions for their own congress's deputies only.
        if session is not None or not lead_deputy.mandates.filter(congress=own, status=MandateStatus.SERVING).exists():
            raise PermissionDenied(_("只能录入本级人大代表向本级人大提出的建议。"))
        level, congress_id = own.level, own.pk
    _check_complete(title=title, content=content, category=category, during_session=during_session, session=session, year=year)
    co_signers = _check_co_signers(lead_deputy, co_signers)
    _check_attachments(attachments)
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
            deputy_level=level,
            congress_id=congress_id,
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

DRAFT_FIELDS = ("title", "content", "category", "during_session", "session", "disclosure_consent", "congress")


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
    check_uploads(attachments, field="attachments", types=ATTACHMENT_TYPES)


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
    congress=None,
):
    """保存草稿: a deputy keeps an unfinished suggestion, with its attachments and
    the co-signers it will invite, to finish later (on any device). Only its
    author sees it; nothing is checked but what was typed (``submit_draft``
    checks the rest). Co-signers are told only when it is submitted."""
    if roles.deputy_of(actor) is None or roles.deputy_of(actor) != lead_deputy:
        raise PermissionDenied(_("只能以本人名义保存建议草稿。"))
    values = {
        "title": title, "content": content, "category": category, "during_session": bool(during_session),
        "session": session, "disclosure_consent": bool(disclosure_consent), "congress": congress,
    }  # fmt: skip
    _check_draft_values(values)
    level, values["congress_id"] = addressed_congress(lead_deputy, session, values.pop("congress"))
    co_signers = _check_co_signers(lead_deputy, co_signers)
    _check_attachments(attachments)
    now = timezone.now()
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            lead_deputy=lead_deputy,
            status=Status.DRAFT,  # the creation move "save_draft" of the state table
            year=session.year if session is not None else timezone.localtime(now).year,
            deputy_level=level,
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
        locked.deputy_level, locked.congress_id = addressed_congress(locked.lead_deputy, locked.session, locked.congress)
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
            fields=[*DRAFT_FIELDS, "year", "deputy_level", "congress"],
            apply=apply,
        )
        _delete_files_after_commit(removed)
    return suggestion


def submit_draft(*, suggestion, actor):
    """提出 a draft: it must now be complete (title, content, an active
    category, the session if during a plenary). It becomes 待审查 with the
    time of submission, and the co-signers it names are invited."""

    def apply(locked):
        if locked.delegation_id:
            raise ValidationError(_("全团建议须送代表团团长审定后提出。"), code="delegation")
        _check_complete(
            title=locked.title, content=locked.content, category=locked.category,
            during_session=locked.during_session, session=locked.session,
        )  # fmt: skip
        now = timezone.now()
        locked.submitted_at = now
        locked.year = locked.session.year if locked.session_id else timezone.localtime(now).year
        locked.deputy_level, locked.congress_id = addressed_congress(locked.lead_deputy, locked.session, locked.congress)
        CoSignature.objects.filter(suggestion=locked, state=CoSignState.PROPOSED).update(state=CoSignState.INVITED, invited_at=now)

    return workflow.transition(
        suggestion=suggestion,
        move="submit_draft",
        actor=actor,
        expected_status=Status.DRAFT,
        fields=["submitted_at", "year", "deputy_level", "congress"],
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
