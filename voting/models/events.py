"""One row per move of a ballot, a project, a proposal or a call's rating:
the audit of who moved what, when, written only by the lifecycles in
``voting.lifecycles`` (through ``congress_portal.transitions``).

No event names a voter: casting a ballot is not a move of the ballot, and the
staff moves recorded while voting is open (attendance, closing) say nothing
about who voted or how."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .ballots import Ballot, BallotStatus
from .collection import Project, ProjectCall, ProjectStatus, Proposal


class MoveEvent(models.Model):
    move = models.CharField(_("操作"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    is_public = models.BooleanField(_("公开"), default=False)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.move}"


class BallotEvent(MoveEvent):
    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=16, choices=BallotStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=BallotStatus.choices)

    class Meta(MoveEvent.Meta):
        verbose_name = _("票决操作记录")
        verbose_name_plural = _("票决操作记录")
        indexes = [models.Index(fields=["ballot", "at"])]


class ProjectEvent(MoveEvent):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ProjectStatus.choices)

    class Meta(MoveEvent.Meta):
        verbose_name = _("项目状态记录")
        verbose_name_plural = _("项目状态记录")
        indexes = [models.Index(fields=["project", "at"])]


class ProposalEvent(MoveEvent):
    proposal = models.ForeignKey(Proposal, verbose_name=_("征集建议项目"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=16, choices=Proposal.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Proposal.Status.choices)

    class Meta(MoveEvent.Meta):
        verbose_name = _("建议项目处理记录")
        verbose_name_plural = _("建议项目处理记录")
        indexes = [models.Index(fields=["proposal", "at"])]


class RatingEvent(MoveEvent):
    """The moves of a call's year-end rating (开始测评, 公布)."""

    call = models.ForeignKey(ProjectCall, verbose_name=_("项目征集"), on_delete=models.CASCADE, related_name="rating_events")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ProjectCall.RatingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ProjectCall.RatingStatus.choices)

    class Meta(MoveEvent.Meta):
        verbose_name = _("满意度测评记录")
        verbose_name_plural = _("满意度测评记录")
        indexes = [models.Index(fields=["call", "at"])]
