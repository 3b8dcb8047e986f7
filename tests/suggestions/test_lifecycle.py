"""Full lifecycles through the services, as the people involved would go."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from congress_portal.workdays import local_today
from suggestions import services
from suggestions.models import (
    AssignmentState,
    CoSignState,
    Decision,
    Disclosure,
    HandlingMode,
    Satisfaction,
    Status,
    Suggestion,
    UnitRole,
)
from tests.deputies import factories as df
from tests.suggestions.factories import category, result

pytestmark = pytest.mark.django_db


def moves(s):
    return list(s.events.values_list("move", flat=True))


def test_lead_and_co_units_with_not_satisfied_rehandling_and_followup(actors):
    lead, co = df.HandlingUnitFactory(name="省交通运输厅"), df.HandlingUnitFactory(name="省财政厅")
    cosigner_user = df.deputy_user()
    session = df.SessionFactory()
    s = services.submit_suggestion(
        lead_deputy=actors.deputy,
        title="关于加快农村公路提档升级的建议",
        content="建议加大农村公路养护资金投入。",
        category=category("transport"),
        during_session=True,
        session=session,
        co_signers=[cosigner_user.deputy],
        actor=actors.deputy_user,
    )
    assert s.status == Status.SUBMITTED and s.year == session.year
    services.respond_to_cosign(suggestion=s, actor=cosigner_user, accept=True)
    assert s.cosignatures.get().state == CoSignState.CONFIRMED

    services.register_suggestion(suggestion=s, actor=actors.staff)
    assert s.status == Status.REGISTERED and s.number == 1
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=lead, co_units=[co])
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED and s.handling_mode == HandlingMode.LEAD
    lead_a, co_a = s.assignments.get(role=UnitRole.LEAD), s.assignments.get(role=UnitRole.CO)
    assert lead_a.reply_due_at.date() >= (timezone.localtime(lead_a.assigned_at).date() + datetime.timedelta(days=89))
    assert co_a.opinion_due_at is not None and co_a.reply_due_at is None
    services.mark_key_supervision(suggestion=s, actor=actors.staff, supervising_leader="李副主任", supervising_committee="财政经济委员会")

    lead_user, co_user = actors.unit_user(lead), actors.unit_user(co)
    services.acknowledge_assignment(assignment=lead_a, actor=lead_user)
    services.acknowledge_assignment(assignment=co_a, actor=co_user)
    services.submit_co_opinion(assignment=co_a, actor=co_user, content="财政厅将统筹安排补助资金。")
    services.log_contact(
        assignment=lead_a, actor=lead_user, stage="before", method="phone", contacted_at=timezone.now(), note="电话联系代表，了解诉求。"
    )
    with pytest.raises(ValidationError, match="协办单位不直接答复"):
        services.reply_to_suggestion(assignment=co_a, actor=co_user, letter="x", result_category=result("A"), signed_off_by="王")
    reply = services.reply_to_suggestion(
        assignment=lead_a, actor=lead_user, letter="已列入明年计划。", result_category=result("B"), signed_off_by="张厅长"
    )
    assert s.status == Status.REPLIED

    services.rate_reply(
        reply=reply, actor=actors.deputy_user, process_rating=Satisfaction.SATISFIED, result_rating=Satisfaction.NOT_SATISFIED, comment="资金未落实"
    )
    s.refresh_from_db()
    lead_a.refresh_from_db()
    assert s.status == Status.REHANDLING and s.rehandling_count == 1
    assert lead_a.state == AssignmentState.REHANDLING
    second = services.reply_to_suggestion(
        assignment=lead_a, actor=lead_user, letter="已安排专项资金。", result_category=result("A"), signed_off_by="张厅长"
    )
    reply.refresh_from_db()
    assert not reply.is_current and second.is_current and second.kind == "rehandling"
    services.rate_reply(reply=second, actor=actors.deputy_user, process_rating="satisfied", result_rating="mostly")
    s.refresh_from_db()
    assert s.status == Status.CLOSED and s.closed_at

    services.decide_disclosure(suggestion=s, actor=actors.staff, mode=Disclosure.FULL)
    assert Suggestion.objects.published().filter(pk=s.pk).exists()

    rnd = services.open_followup_round(
        title="2025年回头看", suggestions=[s], due_date=local_today() + datetime.timedelta(days=30), actor=actors.staff
    )
    s.refresh_from_db()
    assert s.status == Status.FOLLOWUP
    item = rnd.items.get()
    services.submit_second_reply(item=item, actor=lead_user, content="道路已完工通车。", result_category=result("A"))
    s.refresh_from_db()
    assert s.status == Status.FOLLOWUP_REPLIED
    services.rate_second_reply(suggestion=s, actor=actors.deputy_user, rating="satisfied")
    assert s.status == Status.CLOSED
    assert moves(s) == [
        "submit", "respond_cosign", "register", "assign", "mark_key", "acknowledge", "acknowledge", "co_opinion",
        "log_contact", "reply", "rate_not_satisfied", "reply", "rate", "decide_disclosure", "open_followup",
        "second_reply", "rate_second_reply",
    ]  # fmt: skip
    # Every change to assignments and replies is kept with who and when.
    assert lead_a.history.count() >= 4
    assert second.history.get().history_type == "+"


def test_split_handling_waits_for_every_part_and_rehandles_only_the_unhappy_one(actors):
    a_unit, b_unit = df.HandlingUnitFactory(), df.HandlingUnitFactory()
    s = services.submit_suggestion(
        lead_deputy=actors.deputy, title="关于治理城区内涝的建议", content="……", category=category("urban"), year=2025, actor=actors.deputy_user
    )
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(
        suggestion=s, actor=actors.staff, mode=HandlingMode.SPLIT, split_units=[(a_unit, "排水管网"), (b_unit, "资金保障")]
    )
    a, b = (s.assignments.get(unit=u) for u in (a_unit, b_unit))
    for x in (a, b):
        services.acknowledge_assignment(assignment=x, actor=actors.unit_user(x.unit))
    ra = services.reply_to_suggestion(assignment=a, actor=actors.unit_user(a_unit), letter="管网改造已启动。", result_category=result("B"), signed_off_by="甲")
    assert s.status == Status.ASSIGNED  # one part still owed
    rb = services.reply_to_suggestion(assignment=b, actor=actors.unit_user(b_unit), letter="资金已安排。", result_category=result("A"), signed_off_by="乙")
    assert s.status == Status.REPLIED
    services.rate_reply(reply=rb, actor=actors.deputy_user, process_rating="satisfied", result_rating="satisfied")
    s.refresh_from_db()
    assert s.status == Status.REPLIED  # the other part is not rated yet
    services.rate_reply(reply=ra, actor=actors.deputy_user, process_rating="mostly", result_rating="not_satisfied", comment="进度太慢")
    s.refresh_from_db()
    a.refresh_from_db()
    b.refresh_from_db()
    assert s.status == Status.REHANDLING
    assert a.state == AssignmentState.REHANDLING and b.state == AssignmentState.REPLIED
    with pytest.raises(ValidationError, match="没有待答复"):
        services.reply_to_suggestion(assignment=b, actor=actors.unit_user(b_unit), letter="x", result_category=result("A"), signed_off_by="乙")
    ra2 = services.reply_to_suggestion(assignment=a, actor=actors.unit_user(a_unit), letter="已加快进度。", result_category=result("A"), signed_off_by="甲")
    s.refresh_from_db()
    assert s.status == Status.REPLIED
    # Still not satisfied after the one re-handling the policy allows: the suggestion closes.
    services.rate_reply(reply=ra2, actor=actors.deputy_user, process_rating="mostly", result_rating="not_satisfied", comment="仍不满意")
    s.refresh_from_db()
    assert s.status == Status.CLOSED and s.rehandling_count == 1

    rnd = services.open_followup_round(title="回头看", suggestions=[s], due_date=local_today() + datetime.timedelta(days=20), actor=actors.staff)
    items = list(rnd.items.order_by("assignment__unit__code"))
    assert len(items) == 2
    services.submit_second_reply(item=items[0], actor=actors.unit_user(items[0].assignment.unit), content="完成。")
    s.refresh_from_db()
    assert s.status == Status.FOLLOWUP
    services.submit_second_reply(item=items[1], actor=actors.unit_user(items[1].assignment.unit), content="完成。")
    s.refresh_from_db()
    assert s.status == Status.FOLLOWUP_REPLIED
    services.close_suggestion(suggestion=s, actor=actors.staff, note="代表未再测评")
    assert s.status == Status.CLOSED


def test_reassignment_within_the_window_approved_and_refused(actors):
    first, second, co = df.HandlingUnitFactory(), df.HandlingUnitFactory(), df.HandlingUnitFactory()
    s = services.submit_suggestion(lead_deputy=actors.deputy, title="t", content="c", category=category(), actor=actors.deputy_user)
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=first, co_units=[co])
    a = s.assignments.get(unit=first)
    req = services.request_reassignment(assignment=a, actor=actors.unit_user(first), reason="不属于本单位职责")
    with pytest.raises(ValidationError):
        services.decide_reassignment(request=req, actor=actors.staff, approve=True)  # no new lead unit
    services.decide_reassignment(request=req, actor=actors.staff, approve=True, new_unit=second)
    req.refresh_from_db()
    assert req.decision == Decision.APPROVED
    assert not s.assignments.get(unit=first).is_active
    assert s.assignments.get(unit=second, is_active=True).role == UnitRole.LEAD
    with pytest.raises(PermissionDenied):  # the old unit no longer handles it
        services.acknowledge_assignment(assignment=a, actor=actors.unit_user(first))

    co_a = s.assignments.get(unit=co)
    req2 = services.request_reassignment(assignment=co_a, actor=actors.unit_user(co), reason="职责交叉")
    with pytest.raises(ValidationError):
        services.decide_reassignment(request=req2, actor=actors.staff, approve=False)  # reason required
    services.decide_reassignment(request=req2, actor=actors.staff, approve=False, note="请配合主办单位办理")
    co_a.refresh_from_db()
    assert co_a.state == AssignmentState.ACKNOWLEDGED and co_a.is_active


def test_reassignment_window_closes_after_five_working_days(actors):
    unit = df.HandlingUnitFactory()
    s = services.submit_suggestion(lead_deputy=actors.deputy, title="t", content="c", category=category(), actor=actors.deputy_user)
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=unit)
    a = s.assignments.get()
    a.reassignment_deadline = local_today() - datetime.timedelta(days=1)
    a.save(update_fields=["reassignment_deadline"])
    with pytest.raises(ValidationError, match="申请调整的期限已过"):
        services.request_reassignment(assignment=a, actor=actors.unit_user(unit), reason="x")


def test_paper_suggestion_entered_by_staff_and_numbers_per_session(actors):
    session = df.SessionFactory()
    made = []
    for _ in range(3):
        s = services.submit_suggestion(
            lead_deputy=actors.deputy, title="纸质建议", content="……", category=category(), during_session=True, session=session, actor=actors.staff
        )
        services.register_suggestion(suggestion=s, actor=actors.staff)
        made.append(s)
    assert [s.number for s in made] == [1, 2, 3]
    assert made[0].entered_by_staff and made[0].entered_by == actors.staff and made[0].number_label.endswith("第0001号")
    other_year = services.submit_suggestion(lead_deputy=actors.deputy, title="闭会期间", content="…", category=category(), year=2025, actor=actors.deputy_user)
    services.register_suggestion(suggestion=other_year, actor=actors.staff)
    assert other_year.number == 1 and not other_year.entered_by_staff


def test_a_deputy_cannot_submit_in_someone_elses_name(actors):
    other = df.DeputyFactory()
    with pytest.raises(PermissionDenied):
        services.submit_suggestion(lead_deputy=other, title="t", content="c", category=category(), actor=actors.deputy_user)


def test_extension_up_to_six_months_with_a_reason(actors):
    unit = df.HandlingUnitFactory()
    s = services.submit_suggestion(lead_deputy=actors.deputy, title="t", content="c", category=category(), actor=actors.deputy_user)
    services.register_suggestion(suggestion=s, actor=actors.staff)
    services.assign_suggestion(suggestion=s, actor=actors.staff, lead_unit=unit)
    start = timezone.localtime(s.assigned_at).date()
    with pytest.raises(ValidationError, match="最长"):
        services.extend_deadline(suggestion=s, actor=actors.staff, new_due_date=start + datetime.timedelta(days=200), reason="涉及面广")
    with pytest.raises(ValidationError):
        services.extend_deadline(suggestion=s, actor=actors.staff, new_due_date=start + datetime.timedelta(days=150), reason="")
    new_due = start + datetime.timedelta(days=150)
    services.extend_deadline(suggestion=s, actor=actors.staff, new_due_date=new_due, reason="涉及面广、难度大")
    s.refresh_from_db()
    assert timezone.localtime(s.reply_due_at).date() == new_due
    assert timezone.localtime(s.assignments.get().reply_due_at).date() == new_due
