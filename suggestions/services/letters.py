"""代表来信: register a letter (or turn a suggestion not handled as a
suggestion into one), forward it to a unit with a due date, the unit's
answer, closing. Status changes go through ``lifecycles.LETTERS``."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.models import MandateStatus
from deputies.scoping import check_units_serve

from .. import workflow
from ..lifecycles import LETTERS
from ..models import Letter, LetterStatus, NumberCounter
from .common import required


def _letter_congress_id(actor, deputy, from_suggestion):
    """The suggestion's congress, else the registering officer's, else that of
    the deputy's serving mandate at the highest level."""
    if from_suggestion is not None and from_suggestion.congress_id:
        return from_suggestion.congress_id
    own = roles.congress_of(actor)
    if own is not None:
        return own.pk
    mandate = deputy.mandates.filter(status=MandateStatus.SERVING).order_by("level_rank", "-start_date").first()
    return mandate.congress_id if mandate else None


def _next_letter_number(year, congress_id=None):
    """Letters are numbered apart from suggestions, per congress and year."""
    return NumberCounter.take_next(f"letter:{year}" + (f":congress:{congress_id}" if congress_id else ""))


def _create_letter(*, actor, deputy, title, content, received_on, from_suggestion=None, note=""):
    received_on = received_on or timezone.localdate()
    congress_id = _letter_congress_id(actor, deputy, from_suggestion)
    letter = Letter.objects.create(
        deputy=deputy, congress_id=congress_id, year=received_on.year,
        number=_next_letter_number(received_on.year, congress_id), title=title.strip(),
        content=content.strip(), received_on=received_on, from_suggestion=from_suggestion,
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    LETTERS.record_event(obj=letter, move_name="register", old="", new=LetterStatus.REGISTERED, actor=actor, note=note)
    return letter


def register_letter(*, actor, deputy, title, content, received_on=None):
    """登记来信: staff register a letter a deputy sent."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以登记来信。"))
    required(title, "title", _("请填写来信事由。"))
    required(content, "content", _("请填写来信内容。"))
    if deputy is None:
        raise ValidationError({"deputy": _("请选择来信代表。")}, code="required")
    if received_on is not None and received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收信日期不能晚于今天。")}, code="future")
    with transaction.atomic():
        return _create_letter(actor=actor, deputy=deputy, title=title, content=content, received_on=received_on)


def letter_from_rejected(locked_suggestion, *, actor):
    """The letter of a suggestion just not handled as a suggestion (called
    inside its reject move, on the locked row)."""
    return _create_letter(
        actor=actor, deputy=locked_suggestion.lead_deputy, title=locked_suggestion.title,
        content=locked_suggestion.content, received_on=timezone.localdate(), from_suggestion=locked_suggestion,
        note=_("由不作为代表建议处理的建议转来。"),
    )


def turn_suggestion_into_letter(*, suggestion, actor):
    """转来信: a suggestion not handled as a suggestion becomes a letter (once);
    the suggestion's timeline says so and links to it. Returns the letter."""
    created = {}

    def apply(locked):
        if locked.forwarded_as_letter and Letter.objects.filter(from_suggestion=locked).exists():
            raise ValidationError(_("该建议已转为来信。"), code="already_letter")
        locked.forwarded_as_letter = True
        created["letter"] = letter_from_rejected(locked, actor=actor)

    with transaction.atomic():
        workflow.transition(
            suggestion=suggestion, move="forward_as_letter", actor=actor, expected_status=suggestion.status,
            fields=["forwarded_as_letter"], apply=apply,
        )
    return created["letter"]


def forward_letter(*, letter, actor, unit, due_date, note=""):
    """转办: to a unit, with the date its answer is due. On a forwarded letter
    (``reforward``) it changes the unit or the date."""
    if unit is None:
        raise ValidationError({"unit": _("请选择转办单位。")}, code="required")
    if not unit.is_active:
        raise ValidationError({"unit": _("该单位已停用。")}, code="inactive_unit")
    check_units_serve(letter.congress, [unit], "unit")
    if due_date is None or due_date <= timezone.localdate():
        raise ValidationError({"due_date": _("答复期限应晚于今天。")}, code="due_date")
    move_name = "reforward" if letter.status == LetterStatus.FORWARDED else "forward"

    def apply(locked):
        locked.unit = unit
        locked.due_date = due_date
        if move_name == "forward":
            locked.forwarded_at = timezone.now()

    return LETTERS.transition(
        letter, move_name, actor=actor, note=note.strip(), fields=["unit", "due_date", "forwarded_at"],
        apply=apply, event={"unit": unit},
    )


def answer_letter(*, letter, actor, answer):
    """答复: the unit's answer to the deputy."""
    required(answer, "answer", _("请填写答复内容。"))

    def apply(locked):
        locked.answer = answer.strip()
        locked.answered_at = timezone.now()

    return LETTERS.transition(
        letter, "answer", actor=actor, note=answer.strip(), fields=["answer", "answered_at"], apply=apply,
        event={"unit_id": letter.unit_id},
    )


def return_answer(*, letter, actor, reason, due_date=None):
    """退回: the answer does not answer; the unit answers again (by a new date if given)."""
    required(reason, "reason", _("请填写退回理由。"))
    if due_date is not None and due_date <= timezone.localdate():
        raise ValidationError({"due_date": _("答复期限应晚于今天。")}, code="due_date")

    def apply(locked):
        if due_date is not None:
            locked.due_date = due_date

    return LETTERS.transition(
        letter, "return_answer", actor=actor, note=reason.strip(), fields=["due_date"], apply=apply,
        event={"unit_id": letter.unit_id},
    )


def close_letter(*, letter, actor, note=""):
    """办结. A letter closed without a unit's answer needs a note saying how it was dealt with."""
    if letter.status == LetterStatus.REGISTERED:
        required(note, "note", _("未经转办直接办结的来信，请写明办理情况。"))

    def apply(locked):
        locked.closed_at = timezone.now()

    return LETTERS.transition(letter, "close", actor=actor, note=note.strip(), fields=["closed_at"], apply=apply)


def default_due_date(today=None, *, days=30):
    """The due date a forwarding form proposes (staff change it)."""
    return (today or timezone.localdate()) + datetime.timedelta(days=days)
