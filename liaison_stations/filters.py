import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Issue, IssueSource, IssueStatus, Station, StationKind


class StationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StationKind.choices)
    area = django_filters.CharFilter(method="filter_area", label=_("区划代码（含下级）"))
    q = django_filters.CharFilter(method="filter_q", label=_("名称或地址"))

    class Meta:
        model = Station
        fields = ["kind"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(Q(area__code=value) | Q(area__path__contains=f"/{value}/") | Q(area__path__startswith=f"{value}/"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


class IssueFilter(django_filters.FilterSet):
    """Personal fields (who raised it, their contact) are deliberately not filterable."""

    status = django_filters.ChoiceFilter(choices=IssueStatus.choices)
    source = django_filters.ChoiceFilter(choices=IssueSource.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("反馈逾期"))

    class Meta:
        model = Issue
        fields = ["status", "source", "station", "category", "forwarded_unit"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.feedback_overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
