"""A delegation's motion (议案 in a delegation's name) is approved by the
delegation's head before it is proposed, as a 全团建议 is: the contact drafts
and sends it, the head is told and approves (it is then proposed, numbered,
with the window's and the signers' checks) or returns it with the reason;
staff see it only once proposed; nobody but the head approves."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from congress_portal.notifications.models import Kind, Notification
from deputies.models import Delegation
from suggestions import services
from suggestions.models import Motion, MotionStatus, ProposalWindow
from tests.deputies import factories as df

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    today = timezone.localdate()
    session = df.SessionFactory(year=today.year, start_date=today - datetime.timedelta(days=1),
                                end_date=today + datetime.timedelta(days=3))
    delegation = Delegation.objects.create(term=session.term, name="长沙代表团")
    contact, head, member = (
        df.deputy_user(deputy=df.MandateFactory(term=session.term, delegation=delegation).deputy) for _ in range(3)
    )
    delegation.contact, delegation.head = contact.deputy, head.deputy
    delegation.save()

    class Team:
        pass

    t = Team()
    t.session, t.delegation, t.contact, t.head, t.member = session, delegation, contact, head, member
    t.staff = df.staff_user(congress=session.term.congress)
    return t


def drafted(team):
    return services.draft_motion(
        actor=team.contact, session=team.session, delegation=team.delegation,
        title="关于制定省农村公路条例的议案", content="案据……方案……",
    )


def test_the_contact_sends_the_head_returns_then_approves_and_it_is_proposed(team, django_capture_on_commit_callbacks):
    motion = drafted(team)
    with pytest.raises(ValidationError):
        services.submit_motion_draft(motion=motion, actor=team.contact)  # not without the head
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_motion_to_head(motion=motion, actor=team.contact)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.AWAITING_HEAD and motion.number is None
    told = Notification.objects.filter(kind=Kind.MOTION_EVENT)
    assert list(told.values_list("recipient_deputy_id", flat=True)) == [team.head.deputy.pk]
    from congress_portal.notifications.messages import render_message

    rendered = render_message(told.get())
    assert f"{team.contact.deputy.name}代表以长沙代表团名义起草了议案" in rendered.body and "送您审定" in rendered.body
    # Not yet proposed: staff do not see it; the head does.
    assert not Motion.objects.visible_to(team.staff).filter(pk=motion.pk).exists()
    assert Motion.objects.visible_to(team.head).filter(pk=motion.pk).exists()
    for other in (team.member, team.contact):  # only the head approves or returns
        with pytest.raises(PermissionDenied):
            services.approve_motion_by_head(motion=motion, actor=other)
    with pytest.raises(ValidationError):
        services.return_motion_by_head(motion=motion, actor=team.head, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_motion_by_head(motion=motion, actor=team.head, reason="请补充资金测算。")
    motion.refresh_from_db()
    assert motion.status == MotionStatus.DRAFT
    assert told.filter(recipient_deputy=team.contact.deputy).exists()
    services.update_motion_draft(motion=motion, actor=team.contact, title=motion.title, content="案据……资金测算……")
    services.submit_motion_to_head(motion=motion, actor=team.contact)
    services.approve_motion_by_head(motion=motion, actor=team.head, note="同意以代表团名义提出。")
    motion.refresh_from_db()
    assert motion.status == MotionStatus.SUBMITTED and motion.number == 1 and motion.delegation == team.delegation
    assert list(motion.signatures.values_list("deputy_id", flat=True)) == [team.contact.deputy.pk]
    assert Motion.objects.visible_to(team.staff).filter(pk=motion.pk).exists()
    moves = list(motion.events.order_by("pk").values_list("move", flat=True))
    assert moves == ["draft", "submit_to_head", "return_by_head", "update_draft", "submit_to_head", "approve_by_head"]


def test_without_a_head_or_after_the_window_it_is_refused(team):
    motion = drafted(team)
    Delegation.objects.filter(pk=team.delegation.pk).update(head=None)
    with pytest.raises(ValidationError) as refused:
        services.submit_motion_to_head(motion=motion, actor=team.contact)
    assert "尚未设团长" in str(refused.value)
    Delegation.objects.filter(pk=team.delegation.pk).update(head=team.head.deputy)
    services.submit_motion_to_head(motion=motion, actor=team.contact)
    closes = timezone.now() - datetime.timedelta(minutes=5)
    ProposalWindow.objects.create(session=team.session, opens_at=closes - datetime.timedelta(days=2), closes_at=closes)
    with pytest.raises(ValidationError) as late:
        services.approve_motion_by_head(motion=motion, actor=team.head)
    assert "已过截止时间" in str(late.value)
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.AWAITING_HEAD


def test_the_pages_send_and_approve_after_a_confirmation(client, team):
    motion = drafted(team)
    url = reverse("suggestions:my_motion", args=[motion.pk])
    client.force_login(team.contact)
    page = client.get(url).content.decode()
    assert "送团长审定" in page and 'value="submit_draft"' not in page
    client.post(url, {"action": "submit_to_head"})
    assert Motion.objects.get().status == MotionStatus.AWAITING_HEAD
    client.force_login(team.member)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve_by_head", "confirmed": "1"}).status_code == 404
    client.force_login(team.head)
    assert motion.title in client.get(reverse("suggestions:delegation_home")).content.decode()
    assert 'value="approve_by_head"' in client.get(url).content.decode()
    first = client.post(url, {"action": "approve_by_head", "note": ""})
    assert "议案将以长沙代表团名义提出" in first.content.decode()
    assert Motion.objects.get().status == MotionStatus.AWAITING_HEAD  # stated, not done
    done = client.post(url, {"action": "approve_by_head", "note": "", "confirmed": "1"}, follow=True)
    assert "已审定：议案以代表团名义提出，编号为第001号议案" in done.content.decode()
    assert Motion.objects.get().status == MotionStatus.SUBMITTED
