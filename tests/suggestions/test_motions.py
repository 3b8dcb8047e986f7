"""议案: who may propose one and when, the presidium's decision, a motion
handled as a suggestion with its signers, and the pages."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications.models import Kind, Notification
from deputies.models import Delegation, Level
from suggestions import services
from suggestions.models import CoSignState, Motion, MotionStatus, MotionThreshold, ProposalWindow, Status
from tests.deputies import factories as df
from tests.suggestions.factories import category, result

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    today = timezone.localdate()
    return df.SessionFactory(year=today.year, start_date=today - datetime.timedelta(days=1), end_date=today + datetime.timedelta(days=3))


def deputies_of(session, n, delegation=None):
    return [df.MandateFactory(term=session.term, delegation=delegation).deputy for _ in range(n)]


def propose(actors, session, signers, **kwargs):
    kwargs.setdefault("title", "关于制定省农村公路条例的议案")
    kwargs.setdefault("content", "案由……案据……方案……")
    return services.propose_motion(actor=actors.staff, session=session, lead_deputy=signers[0], signers=signers[1:], **kwargs)


def test_a_joint_motion_needs_the_legal_number_of_signers(actors, session):
    signers = deputies_of(session, 9)
    with pytest.raises(ValidationError) as refused:
        propose(actors, session, signers)
    assert "10人以上" in str(refused.value) and "现有9人" in str(refused.value)
    assert not Motion.objects.exists()
    motion = propose(actors, session, [*signers, *deputies_of(session, 1)])
    assert motion.status == MotionStatus.SUBMITTED and motion.signatures.count() == 10 and motion.number == 1


def test_the_number_is_a_policy_value_per_level(actors, session):
    MotionThreshold.objects.create(level=Level.PROVINCIAL, min_joint_signers=3)
    motion = propose(actors, session, deputies_of(session, 3))
    assert motion.pk
    assert MotionThreshold.for_level(Level.NATIONAL) == 30 and MotionThreshold.for_level(Level.TOWNSHIP) == 5


def test_signers_must_serve_in_that_congress(actors, session):
    outsider = df.MandateFactory().deputy  # another congress
    with pytest.raises(ValidationError) as refused:
        propose(actors, session, [*deputies_of(session, 10), outsider])
    assert outsider.name in str(refused.value)


def test_a_motion_after_the_window_is_refused_with_the_deadline(actors, session):
    closes = timezone.now() - datetime.timedelta(hours=1)
    ProposalWindow.objects.create(session=session, opens_at=closes - datetime.timedelta(days=2), closes_at=closes)
    with pytest.raises(ValidationError) as refused:
        propose(actors, session, deputies_of(session, 10))
    assert "截止时间" in str(refused.value) and f"{timezone.localtime(closes):%H:%M}" in str(refused.value)


def test_a_motion_of_a_closed_session_is_refused(actors):
    old = df.SessionFactory(start_date=datetime.date(2025, 1, 15), end_date=datetime.date(2025, 1, 20))
    with pytest.raises(ValidationError) as refused:
        propose(actors, old, deputies_of(old, 10))
    assert "已过截止时间" in str(refused.value)


def test_a_delegation_motion_needs_no_joint_signers_but_a_member_to_lead(actors, session):
    delegation = Delegation.objects.create(term=session.term, name="长沙代表团")
    head = deputies_of(session, 1, delegation=delegation)[0]
    motion = services.propose_motion(actor=actors.staff, session=session, lead_deputy=head, delegation=delegation,
                                     title="关于湘江保护的议案", content="方案")
    assert motion.is_delegation_motion and motion.events.get().note == "长沙代表团"
    stranger = deputies_of(session, 1)[0]
    with pytest.raises(ValidationError):
        services.propose_motion(actor=actors.staff, session=session, lead_deputy=stranger, delegation=delegation,
                                title="议案", content="方案")


def test_a_deputy_proposes_only_in_their_own_name(actors, session):
    signers = deputies_of(session, 10)
    with pytest.raises(PermissionDenied):
        services.propose_motion(actor=actors.deputy_user, session=session, lead_deputy=signers[0], signers=signers[1:],
                                title="议案", content="方案")


def test_placed_on_the_agenda_then_the_committee_reports(actors, session):
    motion = propose(actors, session, deputies_of(session, 10))
    services.place_on_agenda(motion=motion, actor=actors.staff, committee="法制委员会")
    assert motion.status == MotionStatus.ON_AGENDA and motion.committee == "法制委员会"
    with pytest.raises(ValidationError) as refused:
        services.handle_as_suggestion(motion=motion, actor=actors.staff, category=category())
    assert "列入议程" in str(refused.value)
    services.record_review_report(motion=motion, actor=actors.staff, report="建议列入常委会立法计划。")
    motion.refresh_from_db()
    assert motion.status == MotionStatus.REPORTED and motion.reported_at
    assert list(motion.events.values_list("move", flat=True)) == ["propose", "place_on_agenda", "record_report"]


def test_only_staff_record_the_presidiums_decision(actors, session):
    signers = deputies_of(session, 10)
    lead_user = df.deputy_user(deputy=signers[0])
    motion = propose(actors, session, signers)
    with pytest.raises(PermissionDenied):
        services.place_on_agenda(motion=motion, actor=lead_user, committee="财经委员会")
    services.withdraw_motion(motion=motion, actor=lead_user)
    assert motion.status == MotionStatus.WITHDRAWN


def test_not_placed_it_becomes_a_suggestion_with_its_signers_and_the_reply_reaches_them(
    actors, session, django_capture_on_commit_callbacks
):
    signers = deputies_of(session, 10)
    motion = propose(actors, session, signers)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = services.handle_as_suggestion(motion=motion, actor=actors.staff, category=category(), note="不列入")
    motion.refresh_from_db()
    assert motion.status == MotionStatus.AS_SUGGESTION and motion.suggestion == suggestion and suggestion.motion == motion
    assert suggestion.lead_deputy == signers[0] and suggestion.session == session and suggestion.status == Status.SUBMITTED
    cosigners = suggestion.cosignatures.all()
    assert {c.deputy_id for c in cosigners} == {d.pk for d in signers[1:]}
    assert {c.state for c in cosigners} == {CoSignState.CONFIRMED}
    assert not Notification.objects.filter(kind=Kind.COSIGN_PENDING).exists()
    # It goes through the suggestion lifecycle; the reply reaches every signer.
    unit = df.HandlingUnitFactory()
    services.register_suggestion(suggestion=suggestion, actor=actors.staff)
    services.assign_suggestion(suggestion=suggestion, actor=actors.staff, mode="lead", lead_unit=unit, co_units=[])
    assignment = suggestion.assignments.get()
    unit_user = actors.unit_user(unit)
    services.acknowledge_assignment(assignment=assignment, actor=unit_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_to_suggestion(assignment=assignment, actor=unit_user, letter="答复如下……", result_category=result("B"),
                                     signed_off_by="李厅长")
    told = set(Notification.objects.filter(kind=Kind.SUGGESTION_EVENT, stage__startswith="e",
                                           context__event_label="答复").values_list("recipient_deputy_id", flat=True))
    assert told == {d.pk for d in signers}


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["staff", "deputy"])
def test_list_query_counts_do_not_grow_with_rows(client, actors, session, who):
    lead_user = df.deputy_user(deputy=deputies_of(session, 1)[0])

    def grow():
        propose(actors, session, [lead_user.deputy, *deputies_of(session, 9)])

    client.force_login(actors.staff if who == "staff" else lead_user)
    url = reverse("suggestions:staff_motions" if who == "staff" else "suggestions:my_motions")
    grow()
    few = _count(client, url)
    grow()
    grow()
    assert _count(client, url) == few


def test_pages_staff_enter_and_decide_and_others_get_404(client, actors, session):
    signers = deputies_of(session, 10)
    client.force_login(actors.staff)
    response = client.post(reverse("suggestions:staff_new_motion"), {
        "session": session.pk, "lead_deputy_name": signers[0].name,
        "signer_names": "、".join(d.name for d in signers[1:]), "title": "关于制定条例的议案", "content": "方案",
    })
    assert response.status_code == 302, response.content.decode()[-3000:]
    motion = Motion.objects.get()
    assert response.status_code == 302 and motion.signatures.count() == 10
    client.post(reverse("suggestions:staff_motion", args=[motion.pk]), {"action": "place_on_agenda", "committee": "教科文卫委员会"})
    motion.refresh_from_db()
    assert motion.status == MotionStatus.ON_AGENDA
    # Too few signers: refused beside the field.
    response = client.post(reverse("suggestions:staff_new_motion"), {
        "session": session.pk, "lead_deputy_name": signers[0].name, "signer_names": signers[1].name,
        "title": "议案", "content": "方案",
    })
    assert response.status_code == 200 and "现有2人" in response.content.decode()
    signer_user = df.deputy_user(deputy=signers[3])
    client.force_login(signer_user)
    assert client.get(reverse("suggestions:my_motion", args=[motion.pk])).status_code == 200
    client.force_login(actors.deputy_user)  # signed nothing
    assert client.get(reverse("suggestions:my_motion", args=[motion.pk])).status_code == 404
    client.force_login(df.unit_user())
    assert client.get(reverse("suggestions:staff_motion", args=[motion.pk])).status_code == 404


def test_every_signer_hears_the_presidiums_decision(actors, session, django_capture_on_commit_callbacks):
    signers = deputies_of(session, 10)
    motion = propose(actors, session, signers)
    with django_capture_on_commit_callbacks(execute=True):
        services.place_on_agenda(motion=motion, actor=actors.staff, committee="法制委员会")
    told = Notification.objects.filter(kind=Kind.MOTION_EVENT)
    assert set(told.values_list("recipient_deputy_id", flat=True)) == {d.pk for d in signers}
    assert motion.title in told.first().subject
