"""FilterSets of the deputies API. None filters on the ID number or phone."""
import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import (
    AdministrativeArea,
    Delegation,
    DeputyGroup,
    HandlingUnit,
    Level,
    Mandate,
    MandateStatus,
)
from .selectors import deputy_directory


class DirectoryFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices)
    area = django_filters.CharFilter(label=_("区划代码（含下级）"))
    delegation = django_filters.NumberFilter(label=_("代表团"))
    group = django_filters.NumberFilter(label=_("代表小组"))
    search = django_filters.CharFilter(label=_("姓名"))

    def filter_queryset(self, queryset):
        # The joins live in the selector; the FilterSet only validates input.
        data = self.form.cleaned_data
        area = None
        if data.get("area"):
            area = AdministrativeArea.objects.filter(code=data["area"]).first()
            if area is None:
                return queryset.none()
        return deputy_directory(
            level=data.get("level") or None, area=area, delegation=data.get("delegation"),
            group=data.get("group"), search=data.get("search") or None,
        )


def _mandate_exists(queryset, **lookups):
    return queryset.filter(Exists(Mandate.objects.filter(deputy_id=OuterRef("pk"), **lookups)))


class StaffDeputyFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("姓名"), lookup_expr="contains")
    gender = django_filters.CharFilter(label=_("性别"))
    party = django_filters.CharFilter(label=_("党派"))
    occupation = django_filters.CharFilter(label=_("职业类别"))
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices, method="filter_level")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MandateStatus.choices, method="filter_status")
    term = django_filters.NumberFilter(label=_("届"), method="filter_term")
    area = django_filters.CharFilter(label=_("区划代码（含下级）"), method="filter_area")
    group = django_filters.ModelChoiceFilter(label=_("代表小组"), queryset=DeputyGroup.objects.all(), field_name="group_memberships__group")

    def filter_level(self, queryset, name, value):
        return _mandate_exists(queryset, level=value)

    def filter_status(self, queryset, name, value):
        return _mandate_exists(queryset, status=value)

    def filter_term(self, queryset, name, value):
        return _mandate_exists(queryset, term_id=value)

    def filter_area(self, queryset, name, value):
        area = AdministrativeArea.objects.filter(code=value).first()
        if area is None:
            return queryset.none()
        return queryset.filter(
            Exists(
                Mandate.objects.filter(deputy_id=OuterRef("pk")).filter(
                    Q(congress__area__path__startswith=area.path) | Q(electoral_unit__area__path__startswith=area.path)
                )
            )
        )


class MandateFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区划代码（含下级）"), method="filter_area")

    class Meta:
        model = Mandate
        fields = ("deputy", "level", "status", "term", "congress", "delegation", "electoral_unit", "first_term")

    def filter_area(self, queryset, name, value):
        area = AdministrativeArea.objects.filter(code=value).first()
        if area is None:
            return queryset.none()
        return queryset.filter(congress__area__path__startswith=area.path)


class DeputyGroupFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="contains")
    area = django_filters.CharFilter(label=_("区划代码（含下级）"), method="filter_area")

    class Meta:
        model = DeputyGroup
        fields = ("name", "is_mixed", "leader")

    def filter_area(self, queryset, name, value):
        area = AdministrativeArea.objects.filter(code=value).first()
        return queryset.filter(area__path__startswith=area.path) if area else queryset.none()


class HandlingUnitFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="contains")

    class Meta:
        model = HandlingUnit
        fields = ("name", "kind", "parent", "is_active")


class AreaFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label=_("上级区划代码"))
    name = django_filters.CharFilter(lookup_expr="contains")

    class Meta:
        model = AdministrativeArea
        fields = ("kind", "parent", "name")


class DelegationFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(field_name="term__congress__level", choices=Level.choices, label=_("层级"))

    class Meta:
        model = Delegation
        fields = ("term", "level")
