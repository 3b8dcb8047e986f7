"""Public pages of the deputies app: the deputy directory. No personal data
(ID number, phone, birth date) is read for these pages, let alone shown."""
from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm

from . import selectors
from .models import Level


class DirectoryFilterForm(PortalForm):
    q = forms.CharField(label=_("姓名或工作单位"), required=False, max_length=64)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices])
    place = forms.CharField(label=_("地区或代表团"), required=False, max_length=64)


def directory(request):
    """代表名录: serving deputies, one row per mandate, filterable by name, level
    and place, paged by keyset (no page numbers, no count of the whole set)."""
    form = DirectoryFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    page = selectors.directory_page(
        q=cleaned.get("q"), level=cleaned.get("level"), place=cleaned.get("place"),
        after=request.GET.get("after", ""), before=request.GET.get("before", ""),
    )
    return render(request, "deputies/directory.html", {"form": form, "page_obj": page})
