"""The JSON endpoint behind the area picker of staff's side-by-side ballot
overview (congress_portal/pickers.py): prefectures and counties by name, at
most 20. Areas are a small table (a province's prefectures, counties and
townships, a few thousand rows), filtered first by kind."""
from django.contrib.auth.decorators import login_required

from congress_portal import pickers

from .forms import CompareFilterForm
from .views import _staff_only


@login_required
def areas(request):
    _staff_only(request)
    queryset = pickers.containing(CompareFilterForm.base_fields["area"].queryset, request.GET.get("q"))
    return pickers.results(queryset.order_by("path")[: pickers.LIMIT], value=lambda area: area.code)
