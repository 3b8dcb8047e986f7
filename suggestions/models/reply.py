"""The reply letters of the units, their attachments, and the deputy's rating of each."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .assignment import Assignment
from .choices import ReplyKind, Satisfaction
from .reference import ResultCategory
from .suggestion import Suggestion, attachment_path


class Reply(models.Model):
    """The formal reply letter of a lead or split unit."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.PROTECT, related_name="replies")
    kind = models.CharField(_("答复类型"), max_length=12, choices=ReplyKind.choices, default=ReplyKind.FIRST)
    letter = models.TextField(_("答复内容"))
    result_category = models.ForeignKey(ResultCategory, verbose_name=_("办理结果"), on_delete=models.PROTECT, related_name="replies")
    signed_off_by = models.CharField(_("签发领导"), max_length=64)
    replied_at = models.DateTimeField(_("答复时间"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.SET_NULL, null=True, related_name="+")
    # The newest reply of each assignment is the current one; older ones stay as history.
    is_current = models.BooleanField(_("当前答复"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["replied_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(is_current=True), name="one_current_reply_per_assignment")
        ]
        # The rating reminder's windows (notifications/watermark.py).
        indexes = [models.Index(fields=["replied_at"], condition=Q(is_current=True), name="reply_current_replied_at")]

    def __str__(self):
        return f"{self.assignment.unit} · {self.result_category.code}"


class ReplyAttachment(models.Model):
    reply = models.ForeignKey(Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=255)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")

    def __str__(self):
        return self.name


class Rating(models.Model):
    """The lead deputy's rating of one reply: the process and the result separately."""

    reply = models.OneToOneField(Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="rating")
    process_rating = models.CharField(_("办理过程评价"), max_length=16, choices=Satisfaction.choices)
    result_rating = models.CharField(_("办理结果评价"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    rated_at = models.DateTimeField(_("测评时间"), default=timezone.now)

    class Meta:
        verbose_name = _("测评")
        verbose_name_plural = _("测评")

    def __str__(self):
        return f"{self.get_process_rating_display()} / {self.get_result_rating_display()}"

    @property
    def is_satisfied(self):
        return Satisfaction.NOT_SATISFIED not in (self.process_rating, self.result_rating)
