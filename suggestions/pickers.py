"""What the searchable pickers of the suggestion pages offer (the forms'
querysets and the JSON endpoints of views/pickers.py use the same ones, so a posted value outside them is refused with or without
JavaScript.

- units for an assignment or a re-assignment: the units of the suggestion's
  congress (a provincial suggestion goes to provincial departments);
- co-signers: deputies serving in the suggestion's congress (the one the lead
  deputy writes as a deputy of: the session's, or 以哪一级人大代表身份提出)."""
from django.db.models import Exists, OuterRef

from deputies.models import Deputy, Mandate, MandateStatus, Session
from deputies.selectors import congress_area, units_of_area


def units_for(suggestion):
    """The units a suggestion may be assigned or re-assigned to."""
    area = congress_area(session_id=suggestion.session_id, deputy_id=suggestion.lead_deputy_id, level=suggestion.deputy_level)
    return units_of_area(area).order_by("code")


def lead_congresses(lead_deputy):
    """The congresses ``lead_deputy`` serves in, highest level first (the
    first is the one a suggestion goes to when nothing is chosen)."""
    mandates = (Mandate.objects.filter(deputy=lead_deputy, status=MandateStatus.SERVING)
                .order_by("level_rank", "-term__number").values_list("congress_id", flat=True))
    return list(dict.fromkeys(mandates))


def suggestion_congress_id(lead_deputy, *, congress=None, session=None):
    """The congress a suggestion being written is addressed to, as far as the
    form knows it: the session's (大会期间), else the chosen one, else the lead
    deputy's first; None when the lead deputy does not serve in it."""
    own = lead_congresses(lead_deputy)
    if session not in (None, ""):
        wanted = Session.objects.filter(pk=getattr(session, "pk", session)).values_list("term__congress_id", flat=True).first()
    elif congress not in (None, ""):
        wanted = getattr(congress, "pk", congress)
    else:
        return own[0] if own else None
    try:
        wanted = int(wanted)
    except (TypeError, ValueError):
        return None
    return wanted if wanted in own else None


def cosigner_choices(lead_deputy, congress_id):
    """Deputies serving in the congress ``congress_id`` (the suggestion's),
    but not ``lead_deputy``; none when the lead deputy does not serve there."""
    if congress_id is None:
        return Deputy.objects.none()
    serving = Mandate.objects.filter(deputy_id=OuterRef("pk"), congress_id=congress_id, status=MandateStatus.SERVING)
    return Deputy.objects.filter(Exists(serving)).exclude(pk=lead_deputy.pk).only("name", "work_unit")


def deputy_label(deputy):
    """A name with the work unit: two deputies may share a name."""
    return f"{deputy.name}（{deputy.work_unit}）" if deputy.work_unit else deputy.name


def unit_label(unit):
    return unit.name
