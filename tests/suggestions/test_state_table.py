"""The state table is the law: every move not in it is refused, for every
status, with a clear message; every move by an actor of the wrong kind is
refused; and nothing is written when a move is refused."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress_portal.accounts.models import Role
from suggestions import services, workflow
from suggestions.models import Status, SuggestionEvent
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, in_status, result

pytestmark = pytest.mark.django_db


def test_every_status_is_reachable_and_the_table_only_names_real_statuses():
    named = set()
    for move in workflow.MOVES.values():
        named |= set(move.sources) | ({move.target} if move.target else set())
    assert named <= set(Status.values)
    assert named == set(Status.values)


@pytest.mark.parametrize("status", Status.values)
def test_moves_not_in_the_table_are_refused_with_a_clear_message(status):
    s, actors, _units = in_status(status)
    s.refresh_from_db()
    assert s.status == status
    allowed = set(workflow.allowed_moves(status))
    events = SuggestionEvent.objects.count()
    for move, spec in workflow.MOVES.items():
        if move in allowed:
            continue
        with pytest.raises(ValidationError) as exc:
            workflow.transition(suggestion=s, move=move, actor=actors.staff)
        assert exc.value.code == "invalid_move"
        message = exc.value.messages[0]
        assert str(Status(status).label) in message and str(spec.label) in message, message
    s.refresh_from_db()
    assert s.status == status and SuggestionEvent.objects.count() == events


def _personas(actors, units):
    unit_member = actors.unit_user(units[0])
    return {
        "staff": actors.staff,
        "assigned unit": unit_member,
        "lead deputy": actors.deputy_user,
        "invited co-signer": actors.cosigner_user,
        "other deputy": df.deputy_user(),
        "other unit": df.unit_user(),
        "station keeper": df.keeper_user(),
    }


@pytest.mark.parametrize("status", Status.values)
def test_moves_by_a_wrong_kind_of_actor_are_refused(status):
    s, actors, units = in_status(status)
    s.refresh_from_db()
    personas = _personas(actors, units)
    checked = 0
    for move in workflow.allowed_moves(status):
        spec = workflow.MOVES[move]
        for name, user in personas.items():
            kinds = workflow.actor_kinds(user, s)
            if kinds & spec.actors:
                workflow.check_move(s, move, user)  # allowed: no exception
                continue
            with pytest.raises(PermissionDenied) as exc:
                workflow.transition(suggestion=s, move=move, actor=user)
            assert str(spec.label) in str(exc.value), (move, name)
            checked += 1
    s.refresh_from_db()
    assert s.status == status
    assert checked > 0 or not workflow.allowed_moves(status)  # terminal statuses have no moves


def test_the_public_services_refuse_out_of_order_and_wrong_actor_moves():
    s, actors, units = in_status(Status.CLOSED)
    with pytest.raises(ValidationError, match="已办结"):
        services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=units[0])
    with pytest.raises(ValidationError, match="已办结"):
        services.register_suggestion(suggestion=s, actor=actors.staff)
    s2, actors2, units2 = in_status(Status.REGISTERED)
    with pytest.raises(PermissionDenied):
        services.assign_suggestion(suggestion=s2, actor=actors2.deputy_user, lead_unit=units2[0])
    s3, actors3, units3 = in_status(Status.SUBMITTED)
    for wrong in (actors3.deputy_user, df.UserFactory(role=Role.UNIT, handling_unit=units3[0])):
        with pytest.raises(PermissionDenied, match="审查通过"):
            services.register_suggestion(suggestion=s3, actor=wrong)


def test_a_unit_member_may_act_only_on_its_own_assignment():
    s, actors, units = in_status(Status.ASSIGNED)
    lead_a = s.assignments.get(unit=units[0])
    co_user = actors.unit_user(units[1])
    with pytest.raises(PermissionDenied):
        services.acknowledge_assignment(assignment=lead_a, actor=co_user)
    services.acknowledge_assignment(assignment=lead_a, actor=actors.unit_user(units[0]))
    with pytest.raises(PermissionDenied):
        services.reply_to_suggestion(assignment=lead_a, actor=co_user, letter="x", result_category=result(), signed_off_by="王")


def test_only_the_lead_deputy_rates():
    s, actors, _units = in_status(Status.REPLIED)
    reply = s.replies.get()
    with pytest.raises(PermissionDenied):
        services.rate_reply(reply=reply, actor=actors.cosigner_user, process_rating="satisfied", result_rating="satisfied")
    with pytest.raises(PermissionDenied):
        services.rate_reply(reply=reply, actor=actors.staff, process_rating="satisfied", result_rating="satisfied")


def test_every_event_goes_to_the_notification_hook_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    monkeypatch.setattr("congress_portal.notifications.registry.event_recorded", lambda source, pk: seen.append(pk))
    actors = Actors()
    with django_capture_on_commit_callbacks(execute=True):
        s = services.submit_suggestion(
            lead_deputy=actors.deputy, title="t", content="c", category=__import__("tests.suggestions.factories", fromlist=["x"]).category(), actor=actors.deputy_user
        )
        services.register_suggestion(suggestion=s, actor=actors.staff)
    assert seen == list(s.events.order_by("pk").values_list("pk", flat=True))
    assert len(seen) == 2
