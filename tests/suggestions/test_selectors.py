"""Reads: the order units are listed in, and the figures the pages show."""
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from deputies.models import Session
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


def _unit_scenario(actors):
    """Unit ``lead`` leads three items: one closed, replied on time and rated
    satisfied; one assigned, not acknowledged and past its deadline; one sent
    back for re-handling (rated not satisfied). ``co`` co-handles them all;
    ``other`` leads one closed, satisfied item."""
    import datetime

    from suggestions.models import Assignment

    lead, co, other = df.HandlingUnitFactory(), df.HandlingUnitFactory(), df.HandlingUnitFactory()
    in_status(Status.CLOSED, actors, units=[lead, co])
    late, _, _ = in_status(Status.ASSIGNED, actors, units=[lead, co])
    in_status(Status.REHANDLING, actors, units=[lead, co])
    in_status(Status.CLOSED, actors, units=[other, co])
    Assignment.objects.filter(suggestion=late, unit=lead).update(reply_due_at=late.reply_due_at - datetime.timedelta(days=200))
    return lead, co, other


def test_unit_figures(actors, django_assert_num_queries):
    lead, co, other = _unit_scenario(actors)
    with django_assert_num_queries(3):
        data = selectors.unit_figures(unit_id=lead.pk)
    f = data["figures"]
    assert {k: f[k] for k in ("assigned", "pending", "handling", "replied", "due", "on_time", "overdue", "co_opinions")} == {
        "assigned": 3, "pending": 1, "handling": 1, "replied": 1, "due": 3, "on_time": 2, "overdue": 1, "co_opinions": 0,
    }  # fmt: skip
    # The item sent back for re-handling keeps its first reply, given on time.
    assert (f["rated"], f["satisfied"], f["mostly"], f["on_time_rate"], f["satisfaction_rate"]) == (2, 1, 0, 66.7, 50.0)
    assert [(r["result_category__code"], r["n"]) for r in data["by_result"]] == [("B", 2)]
    co_figures = selectors.unit_figures(unit_id=co.pk)["figures"]
    assert co_figures["assigned"] == 4 and co_figures["replied"] == 0 and co_figures["on_time_rate"] is None
    # More items and units: still three queries.
    _unit_scenario(actors)
    in_status(Status.CLOSED, actors, units=[lead, df.HandlingUnitFactory()])
    with django_assert_num_queries(3):
        assert selectors.unit_figures(unit_id=lead.pk)["figures"]["assigned"] == 4


def test_league_table_ranks_by_on_time_then_satisfaction(actors, django_assert_num_queries):
    from suggestions.models import SuggestionPolicy

    SuggestionPolicy.objects.update_or_create(pk=SuggestionPolicy.current().pk, defaults={"min_rated_for_ranking": 1})
    lead, co, other = _unit_scenario(actors)
    with django_assert_num_queries(4):
        table = selectors.league_table()
    rows = table["ranked"]
    assert [(r["rank"], r["unit"].pk) for r in rows] == [(1, other.pk), (2, lead.pk)]  # co-units owe no reply of their own
    first, second = rows
    assert (first["assigned"], first["replied"], first["on_time_rate"], first["rated"], first["satisfaction_rate"]) == (1, 1, 100.0, 1, 100.0)
    assert (second["assigned"], second["replied"], second["on_time_rate"], second["rated"], second["satisfaction_rate"]) == (3, 1, 66.7, 2, 50.0)
    for _ in range(2):
        _unit_scenario(actors)
    with django_assert_num_queries(4):
        assert len(selectors.league_table()["ranked"]) == 6


def test_league_table_lists_units_with_few_ratings_apart(actors):
    """A unit with 1 item at 100 % does not rank above one with many (default minimum: 3 rated)."""
    lead, co, other = _unit_scenario(actors)
    for _ in range(2):
        in_status(Status.CLOSED, actors, units=[lead, co])  # lead: 4 rated now
    table = selectors.league_table()
    assert [r["unit"].pk for r in table["ranked"]] == [lead.pk] and table["ranked"][0]["rank"] == 1
    assert [(r["unit"].pk, r["rank"]) for r in table["apart"]] == [(other.pk, None)]
    assert table["min_rated"] == 3


def test_staff_dashboard_figures_and_charts(actors):
    units = [df.HandlingUnitFactory(name="省交通运输厅"), df.HandlingUnitFactory(name="省财政厅")]
    in_status(Status.SUBMITTED, actors, units=units)
    in_status(Status.ASSIGNED, actors, units=units)
    in_status(Status.CLOSED, actors, units=units)
    board = selectors.staff_dashboard(user=actors.staff)
    figures = board["figures"]
    assert (figures["submitted"], figures["awaiting_review"], figures["registered"], figures["assigned"], figures["replied"]) == (3, 1, 2, 2, 1)
    by_unit = board["charts"]["by_unit"]
    assert by_unit["rows"] == list(zip(by_unit["labels"], by_unit["values"])) and "省交通运输厅" in by_unit["labels"]
    assert board["charts_data"]["by_category"]["values"] == board["charts"]["by_category"]["values"]
    # The years come from the small sessions table, not a DISTINCT over every suggestion.
    this_year = timezone.localdate().year
    assert board["years"] == sorted({y for y in Session.objects.values_list("year", flat=True) if y <= this_year}, reverse=True)
