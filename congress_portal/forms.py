"""Forms every page shares: the sign-in and password forms, and the renderer
that draws each field with its label, help and errors beside it."""
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.contrib.auth import forms as auth_forms
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

from .uploads import ATTACHMENT_TYPES, check_upload


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


class FirstSignInForm(forms.Form):
    """An account made without a password: username or mobile number, the
    one-time code from the printed list, and the new password (twice)."""

    default_renderer = portal_renderer
    username = auth_forms.UsernameField(
        label=_("用户名或手机号码"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label=_("首次登录码"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
        help_text=_("代表工作委员会交给您的10位登录码，如 7K2MQ-9XA3P，只能使用一次。"),
    )
    new_password1 = forms.CharField(
        label=_("设置密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全是数字，不能与姓名、手机号码相近。"),
    )
    new_password2 = forms.CharField(
        label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        return data


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    default_renderer = portal_renderer


def validate_attachment(upload):
    """The upload check of congress_portal.uploads, for a form field (the
    service that stores the file checks again)."""
    check_upload(upload, types=ATTACHMENT_TYPES)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _attachment_help_text(max_files):
    return gettext("可上传 PDF、Word、Excel、OFD、图片或文本文件，每个不超过 %(mb)d MB，最多 %(n)d 个。") % {
        "mb": settings.PORTAL_MAX_ATTACHMENT_BYTES // (1024 * 1024), "n": max_files,
    }


attachment_help_text = lazy(_attachment_help_text, str)


class AttachmentsField(forms.FileField):
    """Several files in one input, each checked by ``validate_attachment``."""

    widget = MultipleFileInput
    default_max_files = 10

    def __init__(self, *args, max_files=None, **kwargs):
        self.max_files = max_files or self.default_max_files
        kwargs.setdefault("required", False)
        # Lazy: a field is built when its form class is defined, in no one's
        # language; the text is made when the page is rendered.
        kwargs.setdefault("help_text", attachment_help_text(self.max_files))
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


def put_errors_on(form, exc):
    """A service's ValidationError or PermissionDenied, beside the field it
    names (or above the form): the one way every page shows a refusal."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("您无权办理此事项。"))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
