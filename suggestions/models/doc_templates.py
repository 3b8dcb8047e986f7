"""The editable parts of the Word documents (公文), per congress and kind:
title, document number prefix (文号, e.g. 湘人常代字), issuer (发文机关: the
congress's own standing committee, or a township congress's presidium) and the
fixed body paragraphs, with named placeholders ({单位}, {日期}, {件数}...) that
``suggestions.doc_templates`` fills in. A congress without a row uses the
defaults there, which are the documents' original text."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    ASSIGNMENT_LETTER = "assignment_letter", _("交办函")
    SUPERVISION_LETTER = "supervision_letter", _("督办函")
    PROGRESS_NOTICE = "progress_notice", _("月度进度通报")
    YEARLY_REPORT = "yearly_report", _("年度办理工作报告")


class DocumentTemplate(models.Model):
    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.CASCADE, related_name="document_templates"
    )
    kind = models.CharField(_("公文种类"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    number_prefix = models.CharField(_("发文字号前缀"), max_length=32, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=128)
    opening = models.TextField(_("正文开头"), blank=True)
    closing = models.TextField(_("正文结尾"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公文模板")
        verbose_name_plural = _("公文模板")
        ordering = ["congress_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["congress", "kind"], name="one_document_template_per_kind")]

    def __str__(self):
        return f"{self.congress} {self.get_kind_display()}"
