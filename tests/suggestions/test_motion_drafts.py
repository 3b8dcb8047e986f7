"""议案 proposed online: a deputy drafts, invites deputies of the same
congress, they agree or decline, and the motion is proposed only with the
legal number agreed and within the window (the rules of services.motions);
invited deputies are told; staff do not see drafts; a delegation's contact
drafts in its name."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications.models import Kind, Notification
from deputies.models import Delegation
from suggestions import services
from suggestions.models import InvitationState, Motion, MotionStatus, MotionThreshold, ProposalWindow
from tests.deputies import factories as df

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    today = timezone.localdate()
    return df.SessionFactory(year=today.year, start_date=today - datetime.timedelta(days=1), end_date=today + datetime.timedelta(days=3))


def users_of(session, n, delegation=None):
    return [df.deputy_user(deputy=df.MandateFactory(term=session.term, delegation=delegation).deputy) for _ in range(n)]


def drafted(session, lead_user, **kwargs):
    kwargs.setdefault("title", "关于制定省农村公路条例的议案")
    kwargs.setdefault("content", "案由……案据……方案……")
    return services.draft_motion(actor=lead_user, session=session, **kwargs)


def invite_and_answer(motion, lead_user, others, agree_first):
    services.invite_signers(motion=motion, actor=lead_user, deputies=[u.deputy for u in others])
    for i, user in enumerate(others):
        if i < agree_first:
            services.respond_to_invitation(motion=motion, actor=user, agree=True)
    return motion


def test_proposed_once_the_legal_number_agreed_with_the_agreed_as_signers(session):
    lead, *others = users_of(session, 12)
    motion = drafted(session, lead)
    assert motion.status == MotionStatus.DRAFT and motion.number is None
    invite_and_answer(motion, lead, others, agree_first=9)
    services.respond_to_invitation(motion=motion, actor=others[9], agree=False)  # declines; others[10] never answers
    services.submit_motion_draft(motion=motion, actor=lead)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.SUBMITTED and motion.number == 1
    signed = set(motion.signatures.values_list("deputy_id", flat=True))
    assert signed == {lead.deputy.pk, *[u.deputy.pk for u in others[:9]]}


def test_fewer_than_the_legal_number_agreed_is_refused_with_the_reason(session):
    lead, *others = users_of(session, 11)
    motion = invite_and_answer(drafted(session, lead), lead, others, agree_first=8)  # 9 with the lead
    with pytest.raises(ValidationError) as refused:
        services.submit_motion_draft(motion=motion, actor=lead)
    assert "10人以上" in str(refused.value) and "现有9人" in str(refused.value)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.DRAFT and not motion.signatures.exists()
    # The minimum is the policy value per level, not a constant.
    MotionThreshold.objects.create(level=session.term.congress.level, min_joint_signers=9)
    services.submit_motion_draft(motion=motion, actor=lead)
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.SUBMITTED


def test_after_the_window_neither_drafted_nor_proposed(session):
    lead, *others = users_of(session, 10)
    motion = invite_and_answer(drafted(session, lead), lead, others, agree_first=9)
    closes = timezone.now() - datetime.timedelta(minutes=5)
    ProposalWindow.objects.create(session=session, opens_at=closes - datetime.timedelta(days=2), closes_at=closes)
    with pytest.raises(ValidationError) as refused:
        services.submit_motion_draft(motion=motion, actor=lead)
    assert "已过截止时间" in str(refused.value)
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.DRAFT
    with pytest.raises(ValidationError):
        drafted(session, lead)


def test_only_deputies_of_the_same_congress_are_invited(session):
    lead, other = users_of(session, 2)
    outsider = df.MandateFactory().deputy  # another congress
    motion = drafted(session, lead)
    with pytest.raises(ValidationError) as refused:
        services.invite_signers(motion=motion, actor=lead, deputies=[other.deputy, outsider])
    assert outsider.name in str(refused.value) and not motion.invitations.exists()
    with pytest.raises(PermissionDenied):  # only the lead deputy invites
        services.invite_signers(motion=motion, actor=other, deputies=[outsider])


def test_only_the_invited_answer_and_once(session):
    lead, invited, stranger = users_of(session, 3)
    motion = drafted(session, lead)
    services.invite_signers(motion=motion, actor=lead, deputies=[invited.deputy])
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(motion=motion, actor=stranger, agree=True)
    services.respond_to_invitation(motion=motion, actor=invited, agree=False)
    assert motion.invitations.get().state == InvitationState.DECLINED
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(motion=motion, actor=invited, agree=True)


def test_invited_deputies_are_told(session, django_capture_on_commit_callbacks):
    lead, first, second, bystander = users_of(session, 4)
    motion = drafted(session, lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_signers(motion=motion, actor=lead, deputies=[first.deputy, second.deputy])
    told = set(Notification.objects.filter(kind=Kind.MOTION_EVENT).values_list("recipient_deputy_id", flat=True))
    assert told == {first.deputy.pk, second.deputy.pk}
    from congress_portal.notifications.messages import render_message

    rendered = render_message(Notification.objects.filter(kind=Kind.MOTION_EVENT).first())
    assert rendered.subject.startswith("联名邀请：") and f"{lead.deputy.name}代表起草了议案" in rendered.body


def test_a_delegations_contact_drafts_in_its_name_without_signers(session):
    delegation = Delegation.objects.create(term=session.term, name="长沙代表团")
    contact, member = users_of(session, 2, delegation=delegation)
    delegation.contact = contact.deputy
    delegation.save()
    with pytest.raises(PermissionDenied):
        drafted(session, member, delegation=delegation)
    motion = drafted(session, contact, delegation=delegation)
    with pytest.raises(ValidationError):
        services.invite_signers(motion=motion, actor=contact, deputies=[member.deputy])
    # Not proposed by the contact: the head approves it (tests/suggestions/test_delegation_motions.py).
    with pytest.raises(ValidationError) as refused:
        services.submit_motion_draft(motion=motion, actor=contact)
    assert refused.value.code == "needs_head" and "送团长审定" in str(refused.value)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.DRAFT and motion.delegation == delegation


def test_the_pages_draft_invite_answer_and_confirm(client, session):
    lead, invited, *rest = users_of(session, 10)
    outsider = df.MandateFactory().deputy
    client.force_login(lead)
    response = client.post(reverse("suggestions:my_new_motion"), {"session": session.pk, "title": "关于<b>=SUM(A1)</b>的议案", "content": "方案"})
    motion = Motion.objects.get()
    assert response.status_code == 302 and motion.status == MotionStatus.DRAFT
    url = reverse("suggestions:my_motion", args=[motion.pk])
    found = client.get(reverse("suggestions:pick_motion_signers", args=[motion.pk]), {"q": invited.deputy.name}).json()["results"]
    assert [r["id"] for r in found] == [invited.deputy.pk]
    assert not client.get(reverse("suggestions:pick_motion_signers", args=[motion.pk]), {"q": outsider.name}).json()["results"]
    client.post(url, {"action": "update_draft", "title": "关于制定省农村公路条例的议案", "content": "案据和方案"})
    assert Motion.objects.get().title == "关于制定省农村公路条例的议案"
    client.post(url, {"action": "invite_signers", "deputies": [u.deputy.pk for u in [invited, *rest]]})
    assert motion.invitations.count() == 9
    client.force_login(invited)
    assert "同意联名" in client.get(url).content.decode()
    from congress_portal.notifications import badges

    assert badges.counts(invited, ["suggestions:my_motions"]) == {"suggestions:my_motions": 1}
    client.post(url, {"action": "agree"})
    for user in rest:
        client.force_login(user)
        client.post(url, {"action": "agree"})
    client.force_login(lead)
    first = client.post(url, {"action": "submit_draft"})
    assert "10名代表联名提出" in first.content.decode()
    assert Motion.objects.get().status == MotionStatus.DRAFT  # stated, not done
    done = client.post(url, {"action": "submit_draft", "confirmed": "1"}, follow=True)
    assert "议案已提出，编号为第001号议案" in done.content.decode()
    assert Motion.objects.get().status == MotionStatus.SUBMITTED


def test_staff_and_strangers_do_not_see_a_draft(client, session, actors):
    lead, stranger = users_of(session, 2)
    motion = drafted(session, lead)
    client.force_login(actors.staff)
    assert client.get(reverse("suggestions:staff_motion", args=[motion.pk])).status_code == 404
    assert motion.title not in client.get(reverse("suggestions:staff_motions")).content.decode()
    client.force_login(stranger)
    assert client.get(reverse("suggestions:my_motion", args=[motion.pk])).status_code == 404
    assert client.get(reverse("suggestions:pick_motion_signers", args=[motion.pk])).status_code == 404
