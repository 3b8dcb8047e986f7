"""The issue lifecycle: one table of moves (ISSUE_LIFECYCLE), each event row
naming its move, and the names backfilled for rows recorded before."""
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison_stations import services
from liaison_stations.models import ISSUE_LIFECYCLE, Issue, IssueEvent, IssueSource, IssueStatus
from tests.deputies import factories as df

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_table_says_what_may_happen_from_each_state():
    allowed = {state: set(ISSUE_LIFECYCLE.allowed_moves(state)) for state in IssueStatus.values}
    assert allowed == {
        "open": {"answer", "forward", "take_up_as_suggestion", "close"},
        "answered": {"close", "rate", "reopen"},
        "forwarded": {"feed_back"},
        "feedback": {"re_forward", "close"},
        "suggestion": {"close"},
        "closed": {"rate", "reopen"},
    }


def test_each_event_names_its_move(keeper_user):
    station = f.station_with_keeper(keeper_user)
    visit = services.record_visit(station=station, received_on=timezone.localdate(), actor=keeper_user,
                                  issues=[{"content": "路灯坏了"}])
    issue = visit.issues.get()
    unit = df.HandlingUnitFactory()
    services.forward_issue(issue=issue, unit=unit, actor=keeper_user)
    services.give_feedback(issue=issue, feedback="已修", actor=df.unit_user(unit=unit))
    services.forward_issue(issue=issue, unit=unit, actor=keeper_user, note="请再核实")
    services.give_feedback(issue=issue, feedback="已核实", actor=df.unit_user(unit=unit))
    services.close_issue(issue=issue, actor=keeper_user)
    events = list(issue.events.order_by("pk"))
    assert [e.move for e in events] == ["register_at_visit", "forward", "feed_back", "re_forward", "feed_back",
                                        "close"]
    assert [str(e.move_label) for e in events] == ["来访登记", "转办", "单位反馈", "重新转办", "单位反馈", "办结"]
    assert events[-1].old_status == IssueStatus.FEEDBACK and events[-1].actor == keeper_user

    message = services.submit_public_message(station=station, content="留言", client_ip="192.0.2.1")
    assert list(message.events.values_list("move", "old_status", "new_status")) == [("leave_message", "", "open")]


def test_a_refusal_names_the_move_and_who_may_make_it(keeper_user):
    issue = f.IssueFactory(station=f.station_with_keeper(keeper_user))
    services.forward_issue(issue=issue, unit=df.HandlingUnitFactory(), actor=keeper_user)
    with pytest.raises(PermissionDenied) as refused:
        services.give_feedback(issue=issue, feedback="x", actor=df.unit_user())  # another unit
    assert "单位反馈" in str(refused.value) and "承办单位" in str(refused.value)
    with pytest.raises(ValidationError) as error:
        services.answer_issue(issue=issue, answer="x", actor=keeper_user)
    assert error.value.code == "invalid_move" and "已转办" in error.value.messages[0]
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.FORWARDED


def test_events_recorded_before_the_move_column_get_their_move():
    backfill = importlib.import_module("liaison_stations.migrations.0005_backfill_issue_event_move")
    visit_issue = f.IssueFactory()
    message_issue = f.IssueFactory(source=IssueSource.MESSAGE, visit=None)
    rows = [
        (visit_issue, "", "open"), (visit_issue, "open", "forwarded"), (visit_issue, "forwarded", "feedback"),
        (visit_issue, "feedback", "forwarded"), (visit_issue, "feedback", "closed"),
        (message_issue, "", "open"), (message_issue, "open", "answered"), (message_issue, "answered", "closed"),
    ]
    events = [IssueEvent.objects.create(issue=issue, old_status=old, new_status=new) for issue, old, new in rows]
    backfill.name_moves(apps, None)
    assert [IssueEvent.objects.get(pk=e.pk).move for e in events] == [
        "register_at_visit", "forward", "feed_back", "re_forward", "close", "leave_message", "answer", "close",
    ]
