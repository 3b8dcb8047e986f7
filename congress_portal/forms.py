"""Forms every page shares: the sign-in and password forms, and the renderer
that draws each field with its label, help and errors beside it."""
from django import forms
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
