"""The JSON endpoint behind the unit picker of an issue's forward form
(congress_portal/pickers.py): units of the station's area and of the areas
above it, at most 20, found by the n-gram index on unit names."""
from django.contrib.auth.decorators import login_required
from django.http import Http404

from congress_portal import pickers
from deputies.selectors import units_serving_area

from . import permissions
from .models import Issue


@login_required
def issue_units(request, pk):
    """Units issue ``pk`` may be forwarded to, for those who handle it."""
    try:
        issue = Issue.objects.visible_to(request.user).select_related("station__area").get(pk=pk)
    except Issue.DoesNotExist:
        raise Http404 from None
    if not permissions.can_handle_issues_at(request.user, issue.station):
        raise Http404
    rows = pickers.matching(units_serving_area(issue.station.area), ["name", "short_name"], request.GET.get("q"),
                            order=("code",))
    return pickers.results(rows, label=lambda unit: unit.name)
