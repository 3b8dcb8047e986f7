"""Forms every page shares: the sign-in and password forms, and the renderer
that draws each field with its label, help and errors beside it."""
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _


class PortalFormRenderer(DjangoTemplates):
    """Django's form renderer, with the portal's own field and form templates
    (templates/portal/field.html, form.html) looked up in the project's
    template folders first. Widgets keep Django's built-in templates."""

    form_template_name = "portal/form.html"
    field_template_name = "portal/field.html"

    def get_template(self, template_name):
        try:
            return get_template(template_name)
        except TemplateDoesNotExist:
            return super().get_template(template_name)


portal_renderer = PortalFormRenderer()


class PortalForm(forms.Form):
    default_renderer = portal_renderer


class PortalModelForm(forms.ModelForm):
    default_renderer = portal_renderer


class SignInForm(auth_forms.AuthenticationForm):
    """Username or mobile number (accounts.backends.UsernameOrPhoneBackend)."""

    default_renderer = portal_renderer
    username = auth_forms.UsernameField(
        label=_("用户名或手机号码"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _("用户名（或手机号码）或密码不正确。请注意密码区分大小写；连续多次输错将暂时锁定登录。"),
        "inactive": _("该账号已停用，请联系代表工作委员会。"),
    }


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    default_renderer = portal_renderer


# Uploads: what a reply letter or a suggestion may carry. The first bytes are
# checked too, so that a renamed executable is refused whatever its name says.
ATTACHMENT_TYPES = {
    "pdf": [b"%PDF"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "docx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "ofd": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0"],
    "xls": [b"\xd0\xcf\x11\xe0"],
    "wps": [b"\xd0\xcf\x11\xe0"],
    "txt": None,  # any bytes that decode as UTF-8 or GB18030
}


def validate_attachment(upload):
    from django.core.exceptions import ValidationError
    from django.template.defaultfilters import filesizeformat

    limit = settings.PORTAL_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件「%(name)s」大小为 %(size)s，超过 %(limit)s 的上限。"),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("文件「%(name)s」的类型不允许上传。可上传：%(types)s。"),
            code="bad_type",
            params={"name": upload.name, "types": "、".join(ATTACHMENT_TYPES)},
        )
    head = upload.read(2048)
    upload.seek(0)
    signatures = ATTACHMENT_TYPES[extension]
    if signatures is None:
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("文件「%(name)s」不是文本文件。"), code="bad_content", params={"name": upload.name})
    elif not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("文件「%(name)s」的内容与扩展名不符。"), code="bad_content", params={"name": upload.name}
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, each checked by ``validate_attachment``."""

    widget = MultipleFileInput
    default_max_files = 10

    def __init__(self, *args, max_files=None, **kwargs):
        self.max_files = max_files or self.default_max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("可上传 PDF、Word、Excel、OFD、图片或文本文件，每个不超过 %(mb)d MB，最多 %(n)d 个。")
            % {"mb": settings.PORTAL_MAX_ATTACHMENT_BYTES // (1024 * 1024), "n": self.max_files},
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{ext}" for ext in ATTACHMENT_TYPES))

    def clean(self, data, initial=None):
        from django.core.exceptions import ValidationError

        single = super().clean
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(_("最多上传 %(n)d 个文件。"), code="too_many", params={"n": self.max_files})
        cleaned, errors = [], []
        for upload in files:
            try:
                upload = single(upload, initial)
                validate_attachment(upload)
                cleaned.append(upload)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned
