"""Pages every role shares: home, sign-in with lock-out, the landing page per
role, the health check."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from congress_portal.accounts import roles
from congress_portal.accounts.first_sign_in import set_first_password

from .forms import FirstSignInForm, PasswordChangeForm, SignInForm
from .uploads import file_response


def home(request):
    return render(request, "home.html")


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"


@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
def first_sign_in(request):
    """首次登录: an account made without a password signs in once with its
    one-time code and sets its password. The code is checked through
    ``authenticate`` (FirstSignInBackend), so django-axes counts the failures."""
    form = FirstSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], first_sign_in_code=data["code"])
        if user is None:
            form.add_error(None, _("账号或首次登录码不正确，或登录码已使用、已过期。连续多次输错将暂时锁定登录。"))
        else:
            try:
                password_validation.validate_password(data["new_password1"], user)
                # The account with its new password: the session keeps that password's hash.
                user = set_first_password(user=user, code=data["code"], password=data["new_password1"])
            except ValidationError as exc:
                form.add_error("new_password1", exc)
            else:
                login(request, user, backend="congress_portal.accounts.backends.UsernameOrPhoneBackend")
                messages.success(request, _("密码已设置。今后请用用户名（或手机号码）和新密码登录。"))
                return redirect("home")
    return render(request, "registration/first_sign_in.html", {"form": form})


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this (AXES_LOCKOUT_CALLABLE) when an account or an
    address has failed too often: the sign-in page again, with what was typed
    and a clear message, answered with 429."""
    hours = settings.AXES_COOLOFF_TIME
    minutes = int(round(float(hours) * 60)) if hours else 0
    form = SignInForm(request, initial={"username": (credentials or {}).get("username", "")})
    if minutes:
        message = _("登录失败次数过多，账号已被暂时锁定。请 %(minutes)d 分钟后再试，或联系代表工作委员会解锁。") % {
            "minutes": minutes
        }
    else:
        message = _("登录失败次数过多，账号已被锁定。请联系代表工作委员会解锁。")
    return render(request, "registration/login.html", {"form": form, "locked_out_message": message}, status=429)


LANDING_PAGES = [
    (roles.is_staff_member, "suggestions:staff_dashboard"),
    (roles.is_unit_member, "suggestions:unit_inbox"),
    (roles.is_deputy, "suggestions:my_list"),
    (roles.is_station_keeper, "liaison_stations:workspace"),
]


@login_required
def landing(request):
    """Each role lands on its own page after sign-in."""
    user = request.user
    for predicate, url_name in LANDING_PAGES:
        if predicate(user):
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                break
    return render(request, "portal/landing.html")


def healthz(request):
    """For the load balancer and docker-compose: the process answers and the database does too."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def stored_file(request, name):
    """``MEDIA_URL`` + a stored name, for committee staff only: the links the
    Django admin draws beside file fields. Everyone else reaches a file through
    the view of the object it belongs to, which checks who may see it. Either
    way it is sent by ``uploads.file_response`` (a download, never run)."""
    if not roles.is_staff_member(request.user):
        raise Http404
    field = FileField(storage=default_storage)
    return file_response(FieldFile(None, field, name))
