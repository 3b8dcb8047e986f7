"""Reads of 督办 records: the visits, the key items grouped by theme, one unit's history."""
from collections import defaultdict

from django.db.models import Prefetch

from deputies.models import HandlingUnit

from ..models import Suggestion, SupervisionVisit


def visits(*, user):
    """Visits newest first, with their units and items (three queries): staff
    those about their own congress's items, a unit those that visited it."""
    qs = SupervisionVisit.objects.visible_to(user).prefetch_related(
        Prefetch("units", queryset=HandlingUnit.objects.only("name").order_by("name")),
        Prefetch("suggestions", queryset=Suggestion.objects.only("title", "number", "reference").order_by("number", "pk")),
    )
    return qs.order_by("-held_on", "-pk")


def key_items_by_theme(*, user):
    """{theme: [suggestion, ...]} over the visits' themes (one query), of the
    staff user's own congress's items."""
    through = SupervisionVisit.suggestions.through.objects.select_related("supervisionvisit", "suggestion").only(
        "supervisionvisit__theme", "suggestion__title", "suggestion__number", "suggestion__reference"
    ).filter(suggestion__in=Suggestion.objects.visible_to(user).values("pk"))
    grouped = defaultdict(dict)
    for row in through.order_by("supervisionvisit__theme", "suggestion__number", "suggestion_id"):
        grouped[row.supervisionvisit.theme][row.suggestion_id] = row.suggestion
    return {theme: list(items.values()) for theme, items in grouped.items()}
