"""What the searchable pickers of the suggestion pages offer (the forms'
querysets and the JSON endpoints of views/pickers.py use the same ones, so a posted value outside them is refused with or without
JavaScript.

- units for an assignment or a re-assignment: the units of the suggestion's
  congress (a provincial suggestion goes to provincial departments);
- co-signers: deputies serving in a term where the lead deputy serves."""
from django.db.models import Exists, OuterRef

from deputies.models import Deputy, Mandate, MandateStatus
from deputies.selectors import congress_area, units_of_area


def units_for(suggestion):
    """The units a suggestion may be assigned or re-assigned to."""
    area = congress_area(session_id=suggestion.session_id, deputy_id=suggestion.lead_deputy_id, level=suggestion.deputy_level)
    return units_of_area(area).order_by("code")


def cosigner_choices(lead_deputy):
    """Deputies serving in a term where ``lead_deputy`` serves, but not them."""
    terms = Mandate.objects.filter(deputy=lead_deputy, status=MandateStatus.SERVING).values("term_id")
    serving = Mandate.objects.filter(deputy_id=OuterRef("pk"), term_id__in=terms, status=MandateStatus.SERVING)
    return Deputy.objects.filter(Exists(serving)).exclude(pk=lead_deputy.pk).only("name", "work_unit")


def deputy_label(deputy):
    """A name with the work unit: two deputies may share a name."""
    return f"{deputy.name}（{deputy.work_unit}）" if deputy.work_unit else deputy.name


def unit_label(unit):
    return unit.name
