"""Staff pages: deputies' logins made in bulk from the roster, and the
one-time printable list of first sign-in codes. The codes appear only in the
response to the POST that made them: never in a URL, the session or a message."""
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from congress_portal import pickers
from congress_portal.accounts import roles
from congress_portal.forms import PortalForm
from congress_portal.pickers import use_search

from . import logins
from .models import Congress, Delegation, Level
from .permissions import can_create_deputy_logins

SHOWN = 200  # rows listed to tick; "all matching" takes the rest
MAX_AT_ONCE = 5000  # per request; a larger roster goes delegation by delegation (or as a job)


def _staff_only(request):
    if not can_create_deputy_logins(request.user):
        raise Http404


def congresses_run_by(user):
    return roles.scope_to_congress(Congress.objects.select_related("area"), user, "pk").order_by("level", "area__code")


def delegations_run_by(user):
    return roles.scope_to_congress(Delegation.objects.select_related("term__congress"), user, "term__congress").order_by(
        "-term__number", "name", "pk"
    )


def delegation_label(delegation):
    return f"{delegation.name}（{delegation.term}）"


class LoginFilterForm(PortalForm):
    congress = forms.ModelChoiceField(label=gettext_lazy("人民代表大会"), queryset=None, required=False, empty_label=gettext_lazy("本级人大"))
    level = forms.ChoiceField(label=gettext_lazy("层级"), required=False, choices=[("", gettext_lazy("全部层级")), *Level.choices])
    delegation = forms.ModelChoiceField(label=gettext_lazy("代表团"), queryset=None, required=False, empty_label=gettext_lazy("全部代表团"))
    name = forms.CharField(label=gettext_lazy("姓名"), required=False, max_length=64)
    with_login = forms.BooleanField(label=gettext_lazy("也显示已有账号的代表"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses_run_by(user)
        self.fields["delegation"].queryset = delegations_run_by(user)
        self.fields["delegation"].label_from_instance = delegation_label
        use_search(self.fields["congress"], reverse("deputies:pick_login_congresses"), placeholder=gettext_lazy("输入人大名称搜索"))
        use_search(self.fields["delegation"], reverse("deputies:pick_login_delegations"), placeholder=gettext_lazy("输入代表团名称搜索"))

    def filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "congress": data.get("congress"), "level": data.get("level") or "", "delegation": data.get("delegation"),
            "name": data.get("name") or "", "without_login": not data.get("with_login"),
        }


def _whole_province_needs_a_choice(request, filters):
    # A staff account of the whole province picks a congress or a delegation first:
    # the list (and "all matching") then stays within one roster.
    return roles.acting_congress_ids(request.user) is None and filters["congress"] is None and filters["delegation"] is None


@never_cache
@login_required
def deputy_logins(request):
    """Pick deputies (tick them, or take every one the filter matches) and make their logins."""
    _staff_only(request)
    # The filter is in the address, for the list and for the POST that acts on it.
    form = LoginFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    needs_choice = _whole_province_needs_a_choice(request, filters)
    error = None
    if request.method == "POST":
        if request.POST.get("all") == "1" and request.POST.get("reissue") != "1":
            ids = [] if needs_choice else list(
                logins.login_candidates(request.user, **filters).values_list("pk", flat=True)[: MAX_AT_ONCE + 1]
            )
        else:
            ids = [pk for pk in request.POST.getlist("deputy") if pk.isdigit()]
        if len(ids) > MAX_AT_ONCE:
            error = _("一次最多开通%(n)s名代表的账号，请按代表团分批开通。") % {"n": MAX_AT_ONCE}
        else:
            make = logins.reissue_first_sign_in_codes if request.POST.get("reissue") == "1" else logins.create_deputy_logins
            try:
                batch = make(deputy_ids=ids, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                error = "；".join(getattr(exc, "messages", None) or [str(exc)])
            else:
                return render(request, "deputies/login_sheet.html", {
                    "batch": batch, "reissued": request.POST.get("reissue") == "1", "groups": logins.login_sheet(request.user, batch),
                    "first_sign_in_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("first_sign_in"),
                })
    rows = [] if needs_choice else list(logins.login_candidates(request.user, **filters)[: SHOWN + 1])
    for deputy in rows:
        deputy.place = logins.place_of(deputy)
    return render(request, "deputies/logins.html", {
        "form": form, "rows": rows[:SHOWN], "more": len(rows) > SHOWN, "shown": SHOWN, "needs_choice": needs_choice,
        "error": error, "max_at_once": MAX_AT_ONCE,
    })


@login_required
def pick_congresses(request):
    _staff_only(request)
    rows = pickers.containing(congresses_run_by(request.user), request.GET.get("q"))
    return pickers.results(rows[: pickers.LIMIT])


@login_required
def pick_delegations(request):
    _staff_only(request)
    rows = pickers.containing(delegations_run_by(request.user), request.GET.get("q"))
    return pickers.results(rows[: pickers.LIMIT], label=delegation_label)
