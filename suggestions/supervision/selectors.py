"""Reads of 督办 records: the visits, the key items grouped by theme, one unit's history."""
from collections import defaultdict

from django.db.models import Prefetch

from deputies.models import HandlingUnit

from ..models import Suggestion, SupervisionVisit


def visits(*, unit_id=None):
    """Visits newest first, with their units and items (three queries)."""
    qs = SupervisionVisit.objects.prefetch_related(
        Prefetch("units", queryset=HandlingUnit.objects.only("name").order_by("name")),
        Prefetch("suggestions", queryset=Suggestion.objects.only("title", "number", "reference").order_by("number", "pk")),
    )
    if unit_id is not None:
        qs = qs.filter(units=unit_id)
    return qs.order_by("-held_on", "-pk")


def key_items_by_theme():
    """{theme: [suggestion, ...]} over the visits' themes (one query)."""
    through = SupervisionVisit.suggestions.through.objects.select_related("supervisionvisit", "suggestion").only(
        "supervisionvisit__theme", "suggestion__title", "suggestion__number", "suggestion__reference"
    )
    grouped = defaultdict(dict)
    for row in through.order_by("supervisionvisit__theme", "suggestion__number", "suggestion_id"):
        grouped[row.supervisionvisit.theme][row.suggestion_id] = row.suggestion
    return {theme: list(items.values()) for theme, items in grouped.items()}
