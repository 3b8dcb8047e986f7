"""Two people acting on the same issue at once: the row lock lets one win."""
import threading
import time

import pytest
from django.db import connection

from liaison_stations import permissions, services
from liaison_stations.models import Issue, IssueEvent, IssueStatus
from tests.deputies import factories as df

from . import factories as f


def _in_threads(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            results[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_unit_members_feeding_back_at_once_give_one_feedback(monkeypatch):
    keeper = df.keeper_user()
    unit = df.HandlingUnitFactory()
    first, second = df.unit_user(unit=unit), df.unit_user(unit=unit)
    issue = f.IssueFactory(station=f.station_with_keeper(keeper))
    services.forward_issue(issue=issue, unit=unit, actor=keeper)

    # Widen the window between reading the state and writing it, so that
    # without the row lock both would read "forwarded" and both would write.
    original = permissions.can_give_feedback

    def slow(user, issue):
        time.sleep(0.5)
        return original(user, issue)

    monkeypatch.setattr(permissions, "can_give_feedback", slow)
    results = _in_threads(
        lambda: services.give_feedback(issue=Issue.objects.get(pk=issue.pk), feedback="甲的反馈", actor=first),
        lambda: services.give_feedback(issue=Issue.objects.get(pk=issue.pk), feedback="乙的反馈", actor=second),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert getattr(error, "code", None) == "conflict"
    assert IssueEvent.objects.filter(issue=issue, new_status=IssueStatus.FEEDBACK).count() == 1
