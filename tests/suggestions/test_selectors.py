"""Reads: the order units are listed in, and the figures the pages show."""
import pytest
from rest_framework.test import APIClient

from suggestions import selectors, services
from suggestions.models import Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import in_status

pytestmark = pytest.mark.django_db


def _roles(suggestion_id):
    s = Suggestion.objects.with_units().get(pk=suggestion_id)
    return [(a.role, a.unit_id) for a in s.active_assignments]


def test_with_units_lists_the_lead_unit_before_co_units_even_after_a_reassignment(actors):
    units = [df.HandlingUnitFactory(), df.HandlingUnitFactory(), df.HandlingUnitFactory()]
    s, actors, _u = in_status(Status.ASSIGNED, actors, units=units)  # lead units[0], co units[1] and [2]
    assert _roles(s.pk) == [("lead", units[0].pk), ("co", units[1].pk), ("co", units[2].pk)]
    # The lead unit is replaced: its new assignment is the newest row, still listed first.
    new_lead = df.HandlingUnitFactory()
    lead = s.assignments.get(unit=units[0])
    req = services.request_reassignment(assignment=lead, actor=actors.unit_user(units[0]), reason="不属于本单位职责")
    services.decide_reassignment(request=req, actor=actors.staff, approve=True, new_unit=new_lead)
    assert _roles(s.pk) == [("lead", new_lead.pk), ("co", units[1].pk), ("co", units[2].pk)]
    # The same order in the lists, the API and the model's own ordering.
    row = selectors.staff_suggestion_list(user=actors.staff).get(pk=s.pk)
    assert [a.role for a in row.active_assignments] == ["lead", "co", "co"]
    assert [a.role for a in s.assignments.filter(is_active=True)] == ["lead", "co", "co"]
    api = APIClient()
    api.force_authenticate(actors.staff)
    assert [u["role"] for u in api.get(f"/api/suggestions/{s.pk}/").json()["units"]] == ["lead", "co", "co"]
