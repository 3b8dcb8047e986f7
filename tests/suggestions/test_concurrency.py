"""Two staff members assigning the same suggestion at the same moment.

The first locks the row (select_for_update); the second waits, then finds the
suggestion already assigned and gets a conflict. A short sleep inside the
checks, after the row is read, makes the two transactions overlap every time:
without the row lock both would read 审查通过待交办 and both would assign."""
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from suggestions import services, workflow
from suggestions.models import Status, Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import in_status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_assign_at_once_exactly_one_wins(monkeypatch):
    s, actors, _units = in_status(Status.REGISTERED)
    other_staff = df.staff_user()
    unit_a, unit_b = df.HandlingUnitFactory(name="省教育厅"), df.HandlingUnitFactory(name="省人社厅")

    real_check = workflow.LIFECYCLE.check

    def slow_check(suggestion, move, actor):
        time.sleep(0.6)
        return real_check(suggestion, move, actor)

    # The transition service's check, made after the row is locked and read.
    monkeypatch.setattr(workflow.LIFECYCLE, "check", slow_check)
    outcomes = {}

    def assign(name, user, unit, delay):
        time.sleep(delay)
        seen = Suggestion.objects.get(pk=s.pk)  # what the staff member's page showed
        try:
            services.assign_suggestion(suggestion=seen, actor=user, lead_unit=unit)
            outcomes[name] = "won"
        except ValidationError as exc:
            outcomes[name] = exc
        except Exception as exc:  # noqa: BLE001 - anything else fails the test below
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=assign, args=("first", actors.staff, unit_a, 0)),
        threading.Thread(target=assign, args=("second", other_staff, unit_b, 0.2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(o if o == "won" else "lost" for o in outcomes.values()) == ["lost", "won"], outcomes
    loser = next(o for o in outcomes.values() if o != "won")
    assert isinstance(loser, ValidationError) and loser.code == "conflict", repr(loser)
    assert "刚被他人处理" in loser.messages[0]
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED
    assert s.assignments.filter(is_active=True).count() == 1
    assert s.events.filter(move="assign").count() == 1
