"""The JSON endpoints behind the searchable pickers of the suggestion pages
(congress_portal/pickers.py): at most 20 rows found by an index, from the
same querysets the forms check posted values against."""
from django.http import Http404
from django.shortcuts import get_object_or_404

from congress_portal import pickers
from congress_portal.accounts import roles
from deputies.scoping import units_visible_to

from .. import selectors
from ..forms import active_units
from ..models import Suggestion
from ..pickers import cosigner_choices, deputy_label, suggestion_congress_id, unit_label, units_for
from .common import deputy_required, staff_required, unit_required


def _found_units(request, queryset):
    return pickers.results(
        pickers.matching(queryset, ["name", "short_name"], request.GET.get("q"), order=("code",)), label=unit_label
    )


def units(request):
    """Active units by name, for the unit filter of the suggestion lists: the
    public's every unit (names are public, as on the league table); a signed-in
    user's those of their congresses (``units_visible_to``)."""
    queryset = active_units()
    if request.user.is_authenticated:
        queryset = queryset.filter(pk__in=units_visible_to(request.user).values("pk"))
    return _found_units(request, queryset)


@staff_required
def staff_units(request, pk):
    """Units for assigning or re-assigning suggestion ``pk`` (staff)."""
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    return _found_units(request, units_for(suggestion))


@unit_required
def unit_units(request, pk):
    """Units a unit may suggest instead of itself, for its assignment ``pk``."""
    assignment = selectors.unit_assignment(user=request.user, pk=pk)
    return _found_units(request, units_for(assignment.suggestion).exclude(pk=assignment.unit_id))


@deputy_required
def cosigners(request):
    """Deputies the signed-in deputy may invite to co-sign: those serving in
    the suggestion's congress (``congress`` or ``session`` as on the form)."""
    deputy = roles.deputy_of(request.user)
    if deputy is None:
        raise Http404
    congress_id = suggestion_congress_id(deputy, congress=request.GET.get("congress"), session=request.GET.get("session"))
    rows = pickers.matching(cosigner_choices(deputy, congress_id), ["name", "work_unit"], request.GET.get("q"))
    return pickers.results(rows, label=deputy_label)
