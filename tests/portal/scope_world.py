"""A province with the congresses the scope rules are about, built once per
test module: the province P, a prefecture M under it, two counties A and B
(same level) under M, and a township T inside A. Each congress has its staff
(admin access), a handling unit with its login, a deputy with a login and a
mandate, and one of each kind of item: a suggestion (registered, assigned to
its unit, replied), a letter, a key-supervision visit, a station with a visit,
issue and booking, a training session with the deputy's enrolment, leave
request and activity, a project call with a proposal, a project and a ballot,
and a notice to its staff. Names carry the congress's area name (甲省, 甲市,
甲县, 乙县, 甲镇) so that a page or answer that leaks one congress's item to
another shows it in its text."""
import datetime

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from congress_portal.jobs.models import Job
from deputies.models import AreaKind, Level
from liaison_stations.models import Booking, Stationing
from suggestions import services
from deputies.models import Delegation, DeputyGroup
from suggestions.models import (
    Assignment, FollowUpItem, FollowUpRound, KeySupervision, Motion, ReassignmentRequest, ReplyAttachment,
    SuggestionAttachment, SupervisionVisit,
)
from training.models import DutyRecord, TrainingMaterial
from tests.deputies import factories as df
from tests.liaison_stations.factories import IssueFactory, StationFactory, VisitFactory
from tests.notifications.factories import NotificationFactory, UnitContactFactory
from tests.suggestions.factories import category, result
from tests.training.factories import ScoringItemFactory, DutyActivityFactory, EnrolmentFactory, TrainingPlanFactory, TrainingSessionFactory
from tests.voting.factories import ProjectCallFactory, ProjectFactory
from training.models import LeaveRequest
from voting import services as voting_services
from voting.models import Proposal, ProposalSource

KEYS = ("p", "m", "a", "b", "t")
PLACES = {
    # key: (area code, area name, kind, level, parent key)
    "p": ("970000000000", "甲省", AreaKind.PROVINCE, Level.PROVINCIAL, None),
    "m": ("970100000000", "甲市", AreaKind.PREFECTURE, Level.PREFECTURE, "p"),
    "a": ("970101000000", "甲县", AreaKind.COUNTY, Level.COUNTY, "m"),
    "b": ("970102000000", "乙县", AreaKind.COUNTY, Level.COUNTY, "m"),
    "t": ("970101100000", "甲镇", AreaKind.TOWNSHIP, Level.TOWNSHIP, "a"),
}


class Place:
    """One congress and its things."""


def _place(key, parent):
    code, name, kind, level, _parent = PLACES[key]
    c = Place()
    c.key, c.name = key, name
    c.area = df.AreaFactory(code=code, name=name, kind=kind, parent=parent.area if parent else None)
    c.congress = df.CongressFactory(area=c.area, level=level, name=f"{name}人民代表大会")
    c.term = df.TermFactory(congress=c.congress)
    c.session = df.SessionFactory(term=c.term)
    c.staff = df.staff_user(username=f"staff_{key}", congress=c.congress, is_staff=True)
    c.unit = df.HandlingUnitFactory(area=c.area, name=f"{name}交通运输局")
    c.unit_user = df.unit_user(unit=c.unit, username=f"unit_{key}")
    c.deputy = df.MandateFactory(term=c.term, deputy__name=f"{name}代表").deputy
    c.deputy_user = df.deputy_user(deputy=c.deputy, username=f"deputy_{key}")
    return c


def _items(c):
    staff = c.staff
    s = services.submit_suggestion(
        lead_deputy=c.deputy, title=f"关于{c.name}道路养护的建议", content="建议加大投入。",
        category=category(), actor=staff, year=2025,
    )
    services.register_suggestion(suggestion=s, actor=staff)
    services.assign_suggestion(suggestion=s, actor=staff, lead_unit=c.unit)
    c.assignment = Assignment.objects.get(suggestion=s, unit=c.unit)
    services.acknowledge_assignment(assignment=c.assignment, actor=c.unit_user)
    services.mark_key_supervision(suggestion=s, actor=staff, supervising_leader=f"{c.name}主任")
    c.reply = services.reply_to_suggestion(
        assignment=c.assignment, actor=c.unit_user, letter=f"{c.name}答复：已列入计划。",
        result_category=result("B"), signed_off_by="局长",
    )
    s.refresh_from_db()
    c.suggestion = s
    c.key_supervision = KeySupervision.objects.get(suggestion=s)
    c.supervision = SupervisionVisit.objects.create(
        theme=f"{c.name}交通", held_on=datetime.date(2025, 6, 1), group_name=f"{c.name}督办组", findings="进展顺利。",
        recorded_by=staff,
    )
    c.supervision.units.set([c.unit])
    c.supervision.suggestions.set([s])
    # An item still open this year (assigned, awaiting the unit): the overdue lists, the monthly figures
    # and the 进度通报 count it.
    c.open_suggestion = services.submit_suggestion(
        lead_deputy=c.deputy, title=f"关于{c.name}路灯维修的建议", content="建议尽快维修。", category=category(),
        actor=staff, year=timezone.localdate().year,
    )
    services.register_suggestion(suggestion=c.open_suggestion, actor=staff)
    services.assign_suggestion(suggestion=c.open_suggestion, actor=staff, lead_unit=c.unit)
    c.letter = services.register_letter(actor=staff, deputy=c.deputy, title=f"{c.name}来信", content="反映情况。")
    c.draft = services.save_draft(lead_deputy=c.deputy, actor=c.deputy_user, title=f"{c.name}草稿建议", content="草稿。")

    c.station = StationFactory(area=c.area, name=f"{c.name}联络站", keepers=[df.keeper_user(username=f"keeper_{c.key}")])
    Stationing.objects.create(station=c.station, deputy=c.deputy, since=datetime.date(2023, 3, 1))
    c.visit = VisitFactory(station=c.station)
    c.issue = IssueFactory(station=c.station, visit=c.visit, content=f"{c.name}村口道路破损")
    c.booking = Booking.objects.create(
        station=c.station, deputy=c.deputy, on_date=timezone.localdate() + datetime.timedelta(days=7),
        name=f"{c.name}群众", mobile="13800001111", topic=f"{c.name}反映事项",
    )

    c.plan = plan = TrainingPlanFactory(term=c.term, title=f"{c.name}2025年代表学习培训计划")
    c.training_session = TrainingSessionFactory(plan=plan, title=f"{c.name}履职学习班")
    c.enrolment = EnrolmentFactory(session=c.training_session, deputy=c.deputy)
    c.leave = LeaveRequest.objects.create(enrolment=c.enrolment, reason=f"{c.name}公务请假")
    c.activity = DutyActivityFactory(deputy=c.deputy, title=f"{c.name}视察")

    c.call = ProjectCallFactory(congress=c.congress, year=2026, title=f"{c.name}2026年民生实事项目征集")
    c.proposal = Proposal.objects.create(call=c.call, source=ProposalSource.DEPUTY, deputy=c.deputy, title=f"{c.name}提出的项目", description="改善出行。")
    c.project = ProjectFactory(call=c.call, title=f"{c.name}民生项目", responsible_unit=c.unit)
    c.ballot = voting_services.create_ballot(call=c.call, title=f"{c.name}票决", seats=2, actor=staff)
    c.followup_round = FollowUpRound.objects.create(title=f"{c.name}回头看", due_date=datetime.date(2026, 6, 30), opened_by=staff)
    c.followup_item = FollowUpItem.objects.create(round=c.followup_round, suggestion=s, assignment=c.assignment)
    c.reassignment = ReassignmentRequest.objects.create(
        assignment=c.assignment, reason=f"{c.name}调整理由", requested_by=c.unit_user)
    c.motion = Motion.objects.create(
        session=c.session, number=1, title=f"{c.name}议案", content="方案。", lead_deputy=c.deputy, entered_by=staff)
    c.attachment = SuggestionAttachment.objects.create(suggestion=s, file="a/none.pdf", name=f"{c.name}附件.pdf")
    c.reply_attachment = ReplyAttachment.objects.create(reply=c.reply, file="a/none.pdf", name=f"{c.name}答复附件.pdf")
    c.material = TrainingMaterial.objects.create(
        session=c.training_session, title=f"{c.name}学习资料", url="https://example.org/material")
    c.duty_record = DutyRecord.objects.create(deputy=c.deputy, congress=c.congress, year=2025, computed_at=timezone.now())
    c.mandate = c.deputy.mandates.get()
    c.delegation = Delegation.objects.create(term=c.term, name=f"{c.name}代表团", area=c.area)
    c.group = DeputyGroup.objects.create(name=f"{c.name}代表小组", area=c.area)
    c.contact = UnitContactFactory(unit=c.unit, name=f"{c.name}联络员")
    c.notice = NotificationFactory(recipient_user=staff, link=f"/suggestions/staff/{s.pk}/")
    c.meeting = services.prepare_handover_meeting(
        actor=staff, congress=c.congress, title=f"{c.name}交办会", planned_on=datetime.date(2026, 3, 1))
    c.job = Job.objects.create(kind="deputies.roster_import", started_by=staff, congress=c.congress, input_name=f"{c.name}名册.xlsx")
    today = timezone.localdate()
    window = df.SessionFactory(term=c.term, year=today.year, number=9, start_date=today - datetime.timedelta(days=1),
                               end_date=today + datetime.timedelta(days=3))  # its proposal window is open
    c.motion_draft = services.draft_motion(actor=c.deputy_user, session=window, title=f"{c.name}议案草稿", content="方案。")
    return c


class World(dict):
    """{key: Place}; also reachable as attributes (world.a)."""

    __getattr__ = dict.__getitem__


def build_world():
    w = World()
    for key in KEYS:
        parent_key = PLACES[key][4]
        w[key] = _place(key, w.get(parent_key))
    for key in KEYS:
        _items(w[key])
    w.whole = df.staff_user(username="staff_whole")
    # Committee staff work in the admin with every model permission (as the demo's group gives them).
    group = Group.objects.create(name="代表工作人员（测试）")
    group.permissions.set(Permission.objects.all())
    for key in KEYS:
        w[key].staff.groups.add(group)
    w.scoring_item = ScoringItemFactory()
    for key in KEYS:
        w[key].scoring_item = w.scoring_item  # no congress: the whole province
    return w


def module_world(django_db_blocker):
    """A generator for a module-scoped fixture: the world inside a transaction
    that is rolled back when the module's tests are done (each test's own
    transaction nests inside it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


