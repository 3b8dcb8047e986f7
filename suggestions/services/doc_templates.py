"""公文模板: staff of a congress edit the title, document number prefix, issuer
and fixed paragraphs of its Word documents. Text with a placeholder the kind
does not know is refused, naming it and listing those it knows."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles

from ..doc_templates import PLACEHOLDER, PLACEHOLDERS, unknown_placeholders
from ..models import DocumentTemplate
from .common import required


def save_document_template(*, actor, congress, kind, title, issuer, number_prefix="", opening="", closing=""):
    """Save ``congress``'s template of ``kind`` (created on first save)."""
    if congress is None or not roles.acts_on(actor, congress.pk):
        raise PermissionDenied(_("只能修改本级人民代表大会的公文模板。"))
    if kind not in PLACEHOLDERS:
        raise ValidationError(_("未知的公文种类。"))
    required(title, "title", _("请填写标题。"))
    required(issuer, "issuer", _("请填写发文机关。"))
    known = "、".join("{%s}" % name for name in PLACEHOLDERS[kind])
    errors = {}
    for field, text in (("title", title), ("opening", opening), ("closing", closing)):
        unknown = unknown_placeholders(text, kind)
        if unknown:
            errors[field] = _("不能识别的占位符：%(names)s。本公文可用的占位符：%(known)s。") % {
                "names": "、".join("{%s}" % name for name in unknown), "known": known}
    for field, text in (("issuer", issuer), ("number_prefix", number_prefix)):
        if PLACEHOLDER.search(text or ""):
            errors[field] = _("发文机关和发文字号前缀中不能使用占位符。")
    if errors:
        raise ValidationError(errors, code="placeholder")
    template, _created = DocumentTemplate.objects.update_or_create(
        congress=congress, kind=kind,
        defaults={
            "title": title.strip(), "issuer": issuer.strip(), "number_prefix": (number_prefix or "").strip(),
            "opening": (opening or "").strip(), "closing": (closing or "").strip(),
            "updated_by": actor, "updated_at": timezone.now(),
        },
    )
    return template
