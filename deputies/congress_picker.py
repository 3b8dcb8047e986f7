"""The congresses a staff user supervises (their own and those below it,
``roles.seen_congresses``), for the congress filter of the staff lists: a
searchable picker, since the province sees every county's and township's congress."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress_portal import pickers
from congress_portal.accounts import roles

from .models import Congress


def congresses_seen_by(user):
    """Congress queryset: the user's own congress and those below it (every congress for the whole province)."""
    seen = roles.seen_congresses(user)
    qs = Congress.objects.all() if seen is None else seen
    return qs.select_related("area").order_by("area__code", "pk")


def seen_congress_field(user, *, empty_label=None):
    """A ModelChoiceField over the congresses ``user`` supervises, searched by
    name; left empty it means the staff's own congress (the whole province's
    staff: every congress)."""
    if empty_label is None:
        empty_label = _("本级人大") if roles.congress_of(user) is not None else _("全部")
    field = forms.ModelChoiceField(label=_("人民代表大会"), queryset=congresses_seen_by(user), required=False, empty_label=empty_label)
    return pickers.use_search(field, reverse("deputies:pick_seen_congresses"), placeholder=_("输入人大名称搜索"))


@login_required
def pick_seen_congresses(request):
    if not roles.is_staff_member(request.user):
        raise Http404
    rows = pickers.containing(congresses_seen_by(request.user), request.GET.get("q"))
    return pickers.results(rows[: pickers.LIMIT])
