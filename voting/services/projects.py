"""Candidate projects before the ballot (merging, the reserve pool) and the
chosen projects' implementation (督): milestones, progress reports, inspections."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.uploads import IMAGE_TYPES, check_uploads

from .. import permissions
from ..lifecycles import PROJECTS
from ..models import Inspection, Milestone, ProgressPhoto, ProgressReport, Project, ProjectStatus
from .common import _require_staff


@transaction.atomic
def merge_projects(*, keep, duplicates, actor):
    """Fold duplicate projects into one: their proposals move to ``keep``."""
    _require_staff(actor, keep)
    for duplicate in duplicates:
        _require_staff(actor, duplicate)
    projects = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=[keep.pk, *[d.pk for d in duplicates]])}
    keep = projects[keep.pk]
    for duplicate in duplicates:
        duplicate = projects[duplicate.pk]
        if duplicate.pk == keep.pk:
            continue
        if duplicate.congress_id != keep.congress_id:
            raise ValidationError(_("只能合并同一人大、尚未进入票决的项目。"))
        PROJECTS.check(keep, "merge_in", actor)
        duplicate.proposals.update(project=keep)

        def into_keep(locked):
            locked.merged_into = keep

        PROJECTS.transition(duplicate, "merge", actor=actor, expected_status=duplicate.status, fields=["merged_into"], apply=into_keep)
        PROJECTS.transition(keep, "merge_in", actor=actor, expected_status=keep.status, note=duplicate.title)
    return keep


def move_to_reserve(*, project, actor):
    _require_staff(actor, project)
    PROJECTS.transition(project, "to_reserve", actor=actor)
    return project


def take_from_reserve(*, project, call, actor):
    """Bring a reserved project into a (later) year's call as a candidate."""
    _require_staff(actor, project)
    _require_staff(actor, call)

    def into_call(locked):
        if call.congress_id != locked.congress_id:
            raise ValidationError(_("项目与征集不属于同一人大。"))
        locked.call = call

    PROJECTS.transition(project, "from_reserve", actor=actor, fields=["call"], apply=into_call)
    return project


# =========================================================================== implementation
def add_milestone(*, project, title, due_on, actor):
    _require_staff(actor, project)
    return Milestone.objects.create(project=project, title=title, due_on=due_on)


def complete_milestone(*, milestone, done_on, actor):
    if not (permissions.can_manage(actor) or permissions.can_report_progress(actor, milestone.project)):
        raise PermissionDenied(_("只有责任单位或工作人员可以更新项目节点。"))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def submit_progress_report(*, project, actor, reported_on, percent_done, narrative, problems="", photos=()):
    """The responsible unit reports progress, with photos ((file, caption) pairs).
    The latest report's percentage is the project's; 100% completes it (and a
    later report below 100% resumes it)."""
    if not permissions.can_report_progress(actor, project):
        raise PermissionDenied(_("只有该项目的责任单位可以报送进展。"))
    if not 0 <= percent_done <= 100:
        raise ValidationError({"percent_done": _("完成进度应在0到100之间。")})
    check_uploads([upload for upload, _caption in photos], field="photos", types=IMAGE_TYPES)
    locked = PROJECTS.lock(project)
    report = ProgressReport.objects.create(
        project=locked, reported_on=reported_on, percent_done=percent_done, narrative=narrative, problems=problems,
        submitted_by=actor,
    )
    for upload, caption in photos:
        photo = ProgressPhoto(report=report, image=upload, caption=caption)
        photo.full_clean(exclude=["report"])
        photo.save()
    latest = locked.progress_reports.order_by("-reported_on", "-pk").values_list("percent_done", flat=True).first()
    target = ProjectStatus.COMPLETED if latest == 100 else ProjectStatus.CHOSEN
    if locked.status == target:
        locked.percent_done = latest
        locked.save(update_fields=["percent_done"])
    else:
        def with_percent(row):
            row.percent_done = latest

        move = "complete" if target == ProjectStatus.COMPLETED else "resume"
        PROJECTS.transition(locked, move, actor=actor, expected_status=locked.status, fields=["percent_done"], apply=with_percent)
    return report


def record_inspection(*, project, inspected_on, deputies, findings, actor):
    if not (permissions.can_manage(actor) or (permissions.serves_in(actor, project.congress_id) and roles.deputy_of(actor) in deputies)):
        raise PermissionDenied(_("只有工作人员或参加视察的代表可以记录视察。"))
    if project.status not in (ProjectStatus.CHOSEN, ProjectStatus.COMPLETED):
        raise ValidationError(_("只能视察票决当选的项目。"))
    inspection = Inspection.objects.create(project=project, inspected_on=inspected_on, findings=findings, recorded_by=actor)
    inspection.deputies.set(deputies)
    return inspection
