"""Reads of 交办会, scoped with ``HandoverMeeting.objects.visible_to``."""
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from congress_portal.notifications.text import cn_date
from congress_portal.workdays import due_date_after_months, local_today

from ..models import HandoverEvent, HandoverItem, HandoverMeeting, Status, Suggestion, SuggestionPolicy


def meetings(*, user):
    """The meetings of the staff's congress, newest first, with their item counts."""
    return (
        HandoverMeeting.objects.visible_to(user).select_related("congress")
        .annotate(item_count=Count("items")).order_by("-planned_on", "-pk")
    )


def meeting(*, user, pk):
    return get_object_or_404(HandoverMeeting.objects.visible_to(user).select_related("congress__area"), pk=pk)


def items(*, meeting):
    """The batch, in the order it was put together (two queries however many items)."""
    return list(
        HandoverItem.objects.filter(meeting=meeting)
        .select_related("suggestion__lead_deputy", "lead_unit")
        .prefetch_related("co_units")
        .order_by("pk")
    )


def timeline(*, meeting):
    return HandoverEvent.objects.filter(meeting=meeting).select_related("actor").order_by("at", "pk")


def candidates(*, meeting):
    """Registered (审查通过) suggestions of the meeting's congress not yet in it."""
    return (
        Suggestion.objects.filter(congress_id=meeting.congress_id, status=Status.REGISTERED)
        .exclude(handover_items__meeting=meeting)
        .select_related("congress")
    )


def hold_consequence(*, items):
    """What holding the meeting does, in words: N items to M units, and the deadlines."""
    units = {item.lead_unit_id for item in items} | {u.pk for item in items for u in item.co_units.all()}
    policy = SuggestionPolicy.current()
    today = local_today()
    key = sum(1 for item in items if item.key_supervision)
    text = _(
        "召开交办会后，%(items)s件建议将一次交办给%(units)s个承办单位（其中重点督办%(key)s件）："
        "主办单位须在%(reply)s前答复代表，协办单位须在%(opinion)s前提出协办意见。交办后不能撤销；"
        "如有一件不能交办，整批建议均不交办。"
    ) % {
        "items": len(items), "units": len(units), "key": key,
        "reply": cn_date(due_date_after_months(today, policy.reply_months)),
        "opinion": cn_date(due_date_after_months(today, policy.co_opinion_months)),
    }
    return text
