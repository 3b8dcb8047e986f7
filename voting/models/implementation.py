"""Implementation of the chosen projects (督) and the year-end rating (评)."""
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress_portal.uploads import stored_name, validate_image_file

from .collection import Project


class Milestone(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=128)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project_id", "due_on", "pk"]

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    """A progress report from the responsible unit, with percent done."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_reports")
    reported_on = models.DateField(_("报告日期"))
    percent_done = models.PositiveSmallIntegerField(_("完成进度（%）"), validators=[MaxValueValidator(100)])
    narrative = models.TextField(_("进展情况"))
    problems = models.TextField(_("存在问题"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["project_id", "-reported_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(percent_done__lte=100), name="report_percent_at_most_100")]

    def __str__(self):
        return f"{self.project} · {self.reported_on}"


def progress_photo_path(instance, filename):
    return stored_name("voting/progress", filename)


class ProgressPhoto(models.Model):
    report = models.ForeignKey(ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=progress_photo_path, validators=[validate_image_file])
    caption = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self):
        return self.caption or self.image.name


class Inspection(models.Model):
    """An inspection of a project by deputies (代表视察)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("视察日期"))
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("参加代表"), related_name="+")
    findings = models.TextField(_("视察意见"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("代表视察")
        verbose_name_plural = _("代表视察")
        ordering = ["project_id", "-inspected_on"]

    def __str__(self):
        return f"{self.project} · {self.inspected_on}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    NOT = "not", _("不满意")


class ProjectRating(models.Model):
    """A deputy's year-end rating of one chosen project. Published only as totals."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="ratings")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("测评结果"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_at = models.DateTimeField(_("测评时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        constraints = [models.UniqueConstraint(fields=["project", "deputy"], name="one_rating_per_deputy_project")]

    def __str__(self):
        return f"{self.project} · {self.get_rating_display()}"
