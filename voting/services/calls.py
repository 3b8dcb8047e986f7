"""The call for proposals (征集) and the year-end rating of its projects (评)."""
import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from .. import permissions
from ..lifecycles import PROJECTS, PROPOSALS, RATINGS
from ..models import Project, ProjectCall, ProjectRating, Proposal, ProposalSource, VotingPolicy
from .common import _require_staff


def create_call(*, congress, year, title, opens_on, closes_on, description="", actor):
    _require_staff(actor, congress)
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("征集截止日期早于开始日期。")})
    if ProjectCall.objects.filter(congress=congress, year=year).exists():
        raise ValidationError(_("该人大本年度已有项目征集。"), code="conflict")
    return ProjectCall.objects.create(
        congress=congress, year=year, title=title, opens_on=opens_on, closes_on=closes_on, description=description
    )


def _require_call_open(call, today=None):
    today = today or timezone.localdate()
    if not call.is_open_on(today):
        raise ValidationError(_("项目征集时间为%(start)s至%(end)s，当前不在征集期内。") % {"start": call.opens_on, "end": call.closes_on})


def client_fingerprint(address):
    """A keyed hash of the sender's address: enough to rate-limit, useless to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def submit_public_proposal(
    *, call, title, description, client_address, estimated_budget=None, responsible_department="", area="",
    proposer_name="", proposer_contact="", today=None, now=None,
):
    """The public form. Rate limited per sender address by the policy's hourly limit,
    counted in the database so every process sees the same count."""
    _require_call_open(call, today)
    now = now or timezone.now()
    fingerprint = client_fingerprint(client_address)
    limit = VotingPolicy.for_congress(call.congress_id).public_proposals_per_hour
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialise one sender's submissions so parallel posts cannot pass the count together.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [fingerprint])
        recent = Proposal.objects.filter(
            client_fingerprint=fingerprint, created_at__gte=now - timedelta(hours=1)
        ).count()
        if recent >= limit:
            raise ValidationError(_("提交过于频繁，请一小时后再试。"), code="throttled")
        return Proposal.objects.create(
            call=call, source=ProposalSource.PUBLIC, title=title, description=description,
            estimated_budget=estimated_budget, responsible_department=responsible_department, area=area,
            proposer_name=proposer_name, proposer_contact=proposer_contact, client_fingerprint=fingerprint,
        )


def submit_proposal(*, call, actor, title, description, estimated_budget=None, responsible_department="", area="", today=None):
    """A deputy of the call's congress or a department member proposes a project."""
    _require_call_open(call, today)
    fields = dict(
        call=call, title=title, description=description, estimated_budget=estimated_budget,
        responsible_department=responsible_department, area=area, submitted_by=actor,
    )
    if permissions.can_propose_as_deputy(actor, call):
        return Proposal.objects.create(source=ProposalSource.DEPUTY, deputy=roles.deputy_of(actor), **fields)
    if permissions.can_propose_as_department(actor):
        unit = actor.handling_unit
        return Proposal.objects.create(
            source=ProposalSource.DEPARTMENT, department=unit,
            **{**fields, "responsible_department": responsible_department or unit.name},
        )
    raise PermissionDenied(_("只有本级人大代表和政府部门可以通过账号提出项目，公众请使用公开征集表。"))


@transaction.atomic
def adopt_proposals(*, proposals, actor, project=None, title="", description="", estimated_budget=None, responsible_unit=None, area=""):
    """Adopt one or more proposals as a project, merging duplicates: into ``project``
    when given, else into a new project built from the fields (or the first proposal)."""
    _require_staff(actor)
    proposals = list(Proposal.objects.select_for_update().filter(pk__in=[p.pk for p in proposals]).order_by("pk"))
    if not proposals:
        raise ValidationError(_("请选择要采纳的建议项目。"))
    calls = {p.call_id for p in proposals}
    if len(calls) != 1:
        raise ValidationError(_("只能合并同一征集中的建议项目。"))
    for proposal in proposals:
        PROPOSALS.check(proposal, "adopt", actor)
    call = proposals[0].call
    if project is None:
        first = proposals[0]
        project = Project.objects.create(
            congress_id=call.congress_id, call=call, title=title or first.title,
            description=description or first.description,
            estimated_budget=estimated_budget if estimated_budget is not None else first.estimated_budget,
            responsible_unit=responsible_unit, area=area or first.area,
        )
        PROJECTS.record_event(obj=project, move_name="create", old="", new=project.status, actor=actor)
    elif project.call_id != call.pk:
        raise ValidationError(_("项目与建议不属于同一征集。"))
    else:
        PROJECTS.transition(project, "adopt_proposals", actor=actor)

    def into_project(locked):
        locked.project = project

    for proposal in proposals:
        PROPOSALS.transition(
            proposal, "adopt", actor=actor, expected_status=proposal.status, fields=["project"], apply=into_project
        )
    return project


def reject_proposal(*, proposal, actor, note):
    _require_staff(actor, proposal)

    def with_note(locked):
        locked.staff_note = note

    PROPOSALS.transition(proposal, "reject", actor=actor, note=note, fields=["staff_note"], apply=with_note)
    return proposal


# =========================================================================== year-end rating
def open_rating(*, call, actor):
    _require_staff(actor, call)
    RATINGS.transition(call, "open_rating", actor=actor)
    return call


def rate_project(*, project, actor, rating, comment=""):
    """A deputy of the congress rates a chosen project while the call's rating is
    open; a second rating replaces the first (one row per deputy and project)."""
    if not permissions.can_rate(actor, project):
        raise PermissionDenied(_("只有本级人大代表可以对票决项目进行测评。"))
    status = ProjectCall.objects.filter(pk=project.call_id).values_list("rating_status", flat=True).get()
    if status != ProjectCall.RatingStatus.OPEN:
        raise ValidationError(_("满意度测评未开放。"), code="conflict")
    row, _created = ProjectRating.objects.update_or_create(
        project=project, deputy=roles.deputy_of(actor), defaults={"rating": rating, "comment": comment}
    )
    return row


def publish_ratings(*, call, actor):
    _require_staff(actor, call)
    RATINGS.transition(call, "publish_ratings", actor=actor)
    return call
