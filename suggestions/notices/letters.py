"""What the notifications part says about deputies' letters (代表来信), apart
from suggestions: the unit a letter is forwarded (or returned) to is told, the
deputy is told of the answer and the closing, and the unit is reminded before
the due date and while overdue (the stages of the reply reminders: the
NotificationPolicy's ``reply_due_days`` and ``overdue_every_days``).

Registered as its own ``Notices`` ("letters") from ``SuggestionsConfig.ready()``."""
import datetime

from django.utils.translation import gettext as _

from congress_portal.notifications.models import Kind
from congress_portal.notifications.registry import Notices
from congress_portal.notifications.services import Message, Recipient
from congress_portal.notifications.text import cn_date, due_context, due_stage, link_to

from ..lifecycles import LETTER_MOVES
from ..models import Letter, LetterEvent, LetterStatus
from ..models.letters import letter_number_label

UNIT, DEPUTY = "unit", "deputy"
EVENT_RECIPIENTS = {
    "forward": (UNIT,),
    "reforward": (UNIT,),
    "return_answer": (UNIT,),
    "answer": (DEPUTY,),
    "close": (DEPUTY,),
}


def event_messages(event_ids):
    """Who is told of these LetterEvents (one query however many)."""
    events = (
        LetterEvent.objects.filter(pk__in=list(event_ids), move__in=list(EVENT_RECIPIENTS))
        .select_related("letter__deputy", "letter__unit", "unit")
        .order_by("pk")
    )
    unit_link = link_to("suggestions:unit_letter")
    deputy_link = link_to("suggestions:my_letter")
    messages = []
    for event in events:
        letter = event.letter
        move = LETTER_MOVES.get(event.move)
        base = {
            "event_label": str(move.label) if move else event.move, "number": letter.number_label,
            "title": letter.title, "due_date": cn_date(letter.due_date),
            "note": event.note if event.move != "answer" else "",
        }
        for who in EVENT_RECIPIENTS[event.move]:
            if who == UNIT:
                unit = event.unit or letter.unit
                if unit is None:
                    continue
                recipient, name, link = Recipient.unit(unit.pk), unit.name, unit_link(letter.pk)
            else:
                recipient = Recipient.deputy(letter.deputy_id)
                name, link = _("%(name)s代表") % {"name": letter.deputy.name}, deputy_link(letter.pk)
            context = {**base, "recipient_name": name, "due_date": base["due_date"] if who == UNIT else ""}
            messages.append(Message(
                recipient=recipient, kind=Kind.LETTER_EVENT, item_type="letter", item_id=letter.pk,
                stage=f"e{event.pk}", context=context, link=link,
            ))
    return messages


def recent_event_messages(since):
    return event_messages(LetterEvent.objects.filter(at__gte=since).values_list("pk", flat=True))


def due_reminders(today, policy):
    """Letters waiting for their unit's answer: before the due date and while overdue."""
    stages = policy.days("reply_due_days")
    horizon = max(stages) if stages else 0
    rows = (
        Letter.objects.filter(status=LetterStatus.FORWARDED, due_date__isnull=False, unit__isnull=False)
        .filter(due_date__lte=today + datetime.timedelta(days=horizon))
        .values_list("pk", "number", "year", "title", "due_date", "unit_id", "unit__name")
    )
    link = link_to("suggestions:unit_letter")
    messages = []
    for pk, number, year, title, due_date, unit_id, unit_name in rows:
        stage = due_stage((due_date - today).days, stages, policy.overdue_every_days)
        if stage is None:
            continue
        label = letter_number_label(year=year, number=number)
        messages.append(Message(
            recipient=Recipient.unit(unit_id), kind=Kind.LETTER_DUE, item_type="letter", item_id=pk,
            stage=f"{stage}:{due_date:%Y%m%d}",
            context=due_context(unit_name=unit_name, title=title, due_on=due_date, today=today, number=label),
            link=link(pk),
        ))
    return messages


NOTICES = Notices(
    name="letters", due=due_reminders, events={LetterEvent._meta.label: event_messages},
    catch_up=recent_event_messages,
)
