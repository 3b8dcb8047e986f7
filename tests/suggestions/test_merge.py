"""并案办理: merged items follow the lead item's assignment and reply; every
deputy of every merged item hears of the reply and each merged item's deputy
rates it; duty records count each deputy's suggestion, the unit's figures one
handling; unmerging is possible before assignment only."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress_portal.notifications.models import Kind, Notification
from suggestions import selectors, services
from suggestions.models import MergedRating, Satisfaction, Status, SuggestionEvent
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, result, submit
from training.duty.records import collect_metrics

pytestmark = pytest.mark.django_db


def _registered(actors, title, content, cosigner):
    s = submit(actors, title=title, content=content, co_signers=[cosigner.deputy])
    services.respond_to_cosign(suggestion=s, actor=cosigner, accept=True)
    services.register_suggestion(suggestion=s, actor=actors.staff)
    s.refresh_from_db()
    return s


@pytest.fixture
def merged(db):
    lead_actors, other_actors = Actors(), Actors()
    other_actors.staff = lead_actors.staff
    lead = _registered(lead_actors, "关于农村饮水安全的建议", "山区村组自来水管网老化，旱季停水。", lead_actors.cosigner_user)
    other = _registered(other_actors, "关于解决山区群众吃水难的建议", "部分村民饮水靠山泉，水质不达标。", other_actors.cosigner_user)
    services.merge_suggestions(lead=lead, others=[other], actor=lead_actors.staff, note="同一问题")
    other.refresh_from_db()
    return lead, other, lead_actors, other_actors


def _reply(lead, actors, unit, capture):
    services.assign_suggestion(suggestion=lead, actor=actors.staff, lead_unit=unit)
    assignment = lead.assignments.get()
    services.acknowledge_assignment(assignment=assignment, actor=actors.unit_user(unit))
    with capture(execute=True):
        reply = services.reply_to_suggestion(
            assignment=assignment, actor=actors.unit_user(unit), letter="已将两个村纳入农村供水保障工程。",
            result_category=result("B"), signed_off_by="李厅长",
        )
    return reply


def test_the_lead_reply_reaches_every_deputy_of_every_merged_item_and_each_rates_it(merged, django_capture_on_commit_callbacks):
    lead, other, lead_actors, other_actors = merged
    assert other.status == Status.MERGED and lead.status == Status.REGISTERED
    unit = df.HandlingUnitFactory()
    reply = _reply(lead, lead_actors, unit, django_capture_on_commit_callbacks)
    lead.refresh_from_db()
    other.refresh_from_db()
    assert lead.status == Status.REPLIED and other.status == Status.MERGED
    # The merged item has no assignment of its own: the unit handles one.
    assert not other.assignments.exists()
    assert list(SuggestionEvent.objects.filter(suggestion=other).values_list("move", flat=True)) == [
        "submit", "respond_cosign", "register", "merge", "follow_assign", "follow_reply",
    ]
    told = set(
        Notification.objects.filter(kind=Kind.SUGGESTION_EVENT, item_id=other.pk, context__event_label="并案主办件已答复")
        .values_list("recipient_deputy_id", flat=True)
    )
    assert told == {other_actors.deputy.pk, other_actors.cosigner_user.deputy.pk}
    told_lead = set(
        Notification.objects.filter(kind=Kind.SUGGESTION_EVENT, item_id=lead.pk, context__event_label="答复")
        .values_list("recipient_deputy_id", flat=True)
    )
    assert lead_actors.deputy.pk in told_lead
    # Each item's deputy rates: the lead item's own rating, and the merged item's.
    services.rate_reply(reply=reply, actor=lead_actors.deputy_user, process_rating=Satisfaction.SATISFIED,
                        result_rating=Satisfaction.SATISFIED)
    services.rate_merged_reply(suggestion=other, reply=reply, actor=other_actors.deputy_user,
                               process_rating=Satisfaction.MOSTLY, result_rating=Satisfaction.SATISFIED)
    other.refresh_from_db()
    assert other.status == Status.CLOSED and MergedRating.objects.get(suggestion=other).is_satisfied
    # Each sees the item in their own list, with the lead's reply on it.
    assert other in selectors.deputy_suggestions(user=other_actors.deputy_user)
    assert other in selectors.deputy_suggestions(user=other_actors.cosigner_user)


def test_only_the_merged_items_lead_deputy_rates_and_only_the_leads_current_reply(merged, django_capture_on_commit_callbacks):
    lead, other, lead_actors, other_actors = merged
    reply = _reply(lead, lead_actors, df.HandlingUnitFactory(), django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.rate_merged_reply(suggestion=other, reply=reply, actor=lead_actors.deputy_user,
                                   process_rating=Satisfaction.SATISFIED, result_rating=Satisfaction.SATISFIED)
    with pytest.raises(ValidationError):
        services.rate_merged_reply(suggestion=other, reply=reply, actor=other_actors.deputy_user,
                                   process_rating=Satisfaction.NOT_SATISFIED, result_rating=Satisfaction.SATISFIED)
    assert not MergedRating.objects.exists()


def test_duty_records_count_each_deputys_suggestion_and_the_unit_handles_one(merged, django_capture_on_commit_callbacks):
    lead, other, lead_actors, other_actors = merged
    unit = df.HandlingUnitFactory()
    reply = _reply(lead, lead_actors, unit, django_capture_on_commit_callbacks)
    services.rate_reply(reply=reply, actor=lead_actors.deputy_user, process_rating=Satisfaction.SATISFIED,
                        result_rating=Satisfaction.SATISFIED)
    metrics = collect_metrics(year=2025, deputy_ids=[other_actors.deputy.pk, other_actors.cosigner_user.deputy.pk])
    assert metrics[other_actors.deputy.pk]["suggestions_led"] == 1
    assert metrics[other_actors.cosigner_user.deputy.pk]["suggestions_cosigned"] == 1
    # The reply the merged item got counts as its reply, with the lead's result category.
    assert metrics[other_actors.deputy.pk]["suggestions_replied"] == 1
    assert metrics[other_actors.deputy.pk]["suggestions_result_B"] == 1
    figures = selectors.unit_figures(unit_id=unit.pk)["figures"]
    assert figures["assigned"] == 1 and figures["rated"] == 1 and figures["satisfied"] == 1


def test_unmerge_before_assignment_only(merged):
    lead, other, lead_actors, _other_actors = merged
    services.unmerge_suggestion(suggestion=other, actor=lead_actors.staff)
    other.refresh_from_db()
    assert other.status == Status.REGISTERED
    services.merge_suggestions(lead=lead, others=[other], actor=lead_actors.staff)
    services.assign_suggestion(suggestion=lead, actor=lead_actors.staff, lead_unit=df.HandlingUnitFactory())
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="已交办"):
        services.unmerge_suggestion(suggestion=other, actor=lead_actors.staff)
    other.refresh_from_db()
    assert other.status == Status.MERGED


def test_a_merged_item_cannot_be_assigned_or_lead_another_merge(merged):
    lead, other, lead_actors, other_actors = merged
    with pytest.raises(ValidationError):
        services.assign_suggestion(suggestion=other, actor=lead_actors.staff, lead_unit=df.HandlingUnitFactory())
    third = _registered(Actors(), "关于农村供水的建议", "供水管网老化。", df.deputy_user())
    with pytest.raises(ValidationError):
        services.merge_suggestions(lead=other, others=[third], actor=lead_actors.staff)
    with pytest.raises(ValidationError):  # lead of a merge cannot be merged into another item
        services.merge_suggestions(lead=third, others=[lead], actor=lead_actors.staff)
