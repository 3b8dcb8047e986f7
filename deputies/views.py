"""Public pages of the deputies app: the deputy directory. No personal data
(ID number, phone, birth date) is read for these pages, let alone shown."""
from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from congress_portal.forms import PortalForm

from .models import Level, Mandate, MandateStatus

LEVEL_RANK = Case(
    *[When(level=value, then=Value(rank)) for rank, value in enumerate(Level.values)],
    output_field=IntegerField(),
)
PUBLIC_DEPUTY_FIELDS = (
    "deputy__name", "deputy__gender", "deputy__ethnicity", "deputy__party", "deputy__occupation",
    "deputy__work_unit", "deputy__title",
)


class DirectoryFilterForm(PortalForm):
    q = forms.CharField(label=_("姓名或工作单位"), required=False, max_length=64)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices])
    place = forms.CharField(label=_("地区或代表团"), required=False, max_length=64)


def directory_queryset(cleaned):
    mandates = (
        Mandate.objects.filter(status=MandateStatus.SERVING)
        .select_related("congress", "term", "delegation", "electoral_unit", "deputy")
        .only(
            "level", "status", "congress__name", "term__number", "delegation__name", "electoral_unit__name",
            "deputy_id", *PUBLIC_DEPUTY_FIELDS,
        )
        .annotate(level_rank=LEVEL_RANK)
        .order_by("level_rank", "congress__area__code", "deputy__name", "pk")
    )
    if cleaned.get("q"):
        q = cleaned["q"]
        mandates = mandates.filter(Q(deputy__name__icontains=q) | Q(deputy__work_unit__icontains=q))
    if cleaned.get("level"):
        mandates = mandates.filter(level=cleaned["level"])
    if cleaned.get("place"):
        place = cleaned["place"]
        mandates = mandates.filter(
            Q(congress__name__icontains=place)
            | Q(delegation__name__icontains=place)
            | Q(electoral_unit__name__icontains=place)
        )
    return mandates


def directory(request):
    """代表名录: serving deputies, one row per mandate, filterable by name, level and place."""
    form = DirectoryFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    page = Paginator(directory_queryset(cleaned), 30).get_page(request.GET.get("page"))
    return render(request, "deputies/directory.html", {"form": form, "page_obj": page})
