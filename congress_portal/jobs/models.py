"""One row per background job: what kind, who started it, how far it is, what
it did (a summary, and the bad rows by row and column), and the files it read
or wrote, stored under random names and sent only by the job's own view."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congress_portal.uploads import stored_name


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未完成")


FINISHED = (JobState.DONE, JobState.FAILED)


def input_path(job, filename):
    return stored_name("jobs/input", filename)


def output_path(job, filename):
    return stored_name("jobs/output", filename)


class Job(models.Model):
    kind = models.CharField(_("任务类型"), max_length=64)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="+"
    )
    # The congress whose items the job reads or writes, when it has one; staff
    # of that congress may open it (see permissions.can_see_job).
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    phase = models.CharField(_("当前步骤"), max_length=64, blank=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [{"row", "column", "message"}]
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    input_file = models.FileField(_("上传文件"), upload_to=input_path, blank=True)
    input_name = models.CharField(_("上传文件名"), max_length=255, blank=True)
    output_file = models.FileField(_("结果文件"), upload_to=output_path, blank=True)
    output_name = models.CharField(_("结果文件名"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Moved on every progress report: a running job whose heartbeat is old was
    # lost with its worker and may be claimed again.
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["started_by", "-created_at", "-id"], name="jobs_starter_recent")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self):
        return self.state in FINISHED

    @property
    def percent(self):
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))
