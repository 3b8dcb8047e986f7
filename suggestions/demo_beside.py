"""Demo data beside single suggestions, each part added once (load_demo stays
idempotent): a held 交办会 (its items assigned, the units' 交办函 ready) and a
prepared one of the provincial congress; the province's 交办函 template with its
文号 prefix; the demo deputy's online motion draft
with joint-signing invitations (some agreed, one declined, some waiting), and
another deputy's draft inviting the demo deputy; a motion in the name of the
demo deputy's delegation (the demo deputy its contact and head) sent for the
head's approval. Everything goes through the services."""
import datetime

from django.db import transaction
from django.utils import timezone

from congress_portal.accounts.models import User
from deputies.models import Delegation, Deputy, Level, Mandate, MandateStatus, Session
from deputies.scoping import units_for_congress

from . import doc_templates, services
from .models import DocumentKind, DocumentTemplate, HandoverMeeting, Motion, MotionStatus, ProposalWindow, Status, Suggestion


def seed_beside(stdout):
    staff = User.objects.filter(username="staff").first()
    deputy_user = User.objects.filter(username="deputy").first()
    unit_user = User.objects.filter(username="unit").first()
    if staff is None or deputy_user is None or staff.congress_id is None:
        return
    with transaction.atomic():
        if not HandoverMeeting.objects.exists():
            made = _meetings(staff, unit_user)
            stdout.write(f"handover meetings {made}")
        if not Motion.objects.filter(status=MotionStatus.DRAFT).exists():
            made = _motion_drafts(deputy_user)
            stdout.write(f"motion drafts {made}")
        if not Motion.objects.filter(delegation__isnull=False).exists():
            made = _delegation_motion(deputy_user)
            stdout.write(f"delegation motions {made}")
        if not DocumentTemplate.objects.exists():
            # The province's 交办函 with its 文号 prefix (湘人常代字〔2026〕12号); the other texts stay the defaults.
            default = doc_templates.default_template(congress=staff.congress, kind=DocumentKind.ASSIGNMENT_LETTER)
            services.save_document_template(
                actor=staff, congress=staff.congress, kind=DocumentKind.ASSIGNMENT_LETTER, title=default.title,
                issuer=default.issuer, number_prefix="湘人常代字", opening=default.opening, closing=default.closing,
            )


def _meetings(staff, unit_user):
    congress = staff.congress
    registered = list(Suggestion.objects.filter(congress=congress, status=Status.REGISTERED).order_by("number", "pk")[:4])
    units = list(units_for_congress(congress).order_by("code")[:6])
    demo_unit = unit_user.handling_unit if unit_user is not None else None
    if demo_unit is not None and demo_unit in units:
        units.remove(demo_unit)
        units.insert(0, demo_unit)
    if len(registered) < 2 or len(units) < 3:
        return 0
    today = timezone.localdate()
    held = services.prepare_handover_meeting(
        actor=staff, congress=congress, title=f"{today.year}年第一批代表建议交办会", planned_on=today,
    )
    services.add_handover_item(meeting=held, actor=staff, suggestion=registered[0], lead_unit=units[0], co_units=[units[1]])
    services.add_handover_item(
        meeting=held, actor=staff, suggestion=registered[1], lead_unit=units[2], co_units=[units[0]],
        key_supervision=True, supervising_leader="省人大常委会副主任 王建国",
    )
    services.hold_handover_meeting(meeting=held, actor=staff)
    prepared = services.prepare_handover_meeting(
        actor=staff, congress=congress, title=f"{today.year}年第二批代表建议交办会", planned_on=today + datetime.timedelta(days=14),
    )
    for i, suggestion in enumerate(registered[2:]):
        services.add_handover_item(meeting=prepared, actor=staff, suggestion=suggestion, lead_unit=units[(i + 1) % len(units)])
    return 2


def _delegation_motion(deputy_user):
    """The demo deputy, contact of the provincial delegation it sits in, sends a
    motion in the delegation's name to the head, and as the head has it under
    全团建议 待我审定的议案 (to approve or return)."""
    contact = deputy_user.deputy
    mandate = (
        Mandate.objects.filter(deputy=contact, status=MandateStatus.SERVING, term__congress__level=Level.PROVINCIAL,
                               delegation__isnull=False)
        .select_related("delegation", "term").first()
    )
    session = mandate and Session.objects.filter(term=mandate.term).order_by("-year", "-number").first()
    if session is None:
        return 0
    delegation = mandate.delegation
    # One demo login shows both sides: the demo deputy is the delegation's contact and its head.
    Delegation.objects.filter(pk=delegation.pk).update(contact=contact, head=contact)
    delegation.refresh_from_db()
    motion = services.draft_motion(
        actor=deputy_user, session=session, delegation=delegation,
        title="关于制定《湖南省湘江流域生态保护条例》的议案",
        content="案由：湘江流域保护涉及多个市州，需要统一的地方性法规。\n案据：……\n方案：建议列入省人大常委会立法计划。",
    )
    services.submit_motion_to_head(motion=motion, actor=deputy_user)
    return 1


def _login(deputy):
    if deputy.user_id:
        return deputy.user
    user = User.objects.create_user(username=f"deputy-{deputy.pk}", role="deputy", display_name=deputy.name, password=None)
    deputy.user = user
    deputy.save(update_fields=["user"])
    return user


def _motion_drafts(deputy_user):
    lead = deputy_user.deputy
    session = (
        Session.objects.filter(term__congress__level=Level.PROVINCIAL, term__mandates__deputy=lead,
                               term__mandates__status=MandateStatus.SERVING)
        .order_by("-year", "-number").first()
    )
    if session is None:
        return 0
    # The demo's plenary is in the past: the presidium's window is opened around
    # today so that motions can be drafted and proposed online in the demo.
    opens, closes = ProposalWindow.bounds(session)
    now = timezone.now()
    if not opens <= now <= closes:
        ProposalWindow.objects.update_or_create(
            session=session, defaults={"opens_at": now - datetime.timedelta(days=1), "closes_at": now + datetime.timedelta(days=60)}
        )
    others = list(
        Deputy.objects.filter(mandates__term=session.term, mandates__status=MandateStatus.SERVING)
        .exclude(pk=lead.pk).distinct().order_by("pk")[:14]
    )
    if len(others) < 13:
        return 0
    mine = services.draft_motion(
        actor=deputy_user, session=session, title="关于制定《湖南省农村公路条例》的议案",
        content="案由：农村公路建设、养护和管理缺乏地方性法规保障。\n案据：……\n方案：建议省人大常委会将制定该条例列入立法计划。",
    )
    invited = others[:12]
    services.invite_signers(motion=mine, actor=deputy_user, deputies=invited)
    for i, deputy in enumerate(invited[:7]):
        services.respond_to_invitation(motion=mine, actor=_login(deputy), agree=i != 6)  # six agree, one declines
    theirs_lead = others[12]
    theirs = services.draft_motion(
        actor=_login(theirs_lead), session=session, title="关于修改《湖南省实施〈中华人民共和国村民委员会组织法〉办法》的议案",
        content="案由：村民委员会选举和村务公开的规定需要与上位法衔接。\n方案：……",
    )
    services.invite_signers(motion=theirs, actor=theirs_lead.user, deputies=[lead, *others[:3]])
    return 2
