"""Reads of deputies' letters, scoped with ``Letter.objects.visible_to``: the
lists join what they show (a fixed number of queries per page)."""
from django.db.models import Case, Count, IntegerField, Q, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from congress_portal.accounts import roles

from ..models import Letter, LetterEvent, LetterStatus


def letters(*, user, q="", status="", overdue=False):
    """The letters the user may see, newest first, filtered."""
    qs = Letter.objects.visible_to(user).select_related("deputy", "unit")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(deputy__name=q) | Q(unit__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue()
    return qs.order_by("-pk")


def unit_letters(*, user, status=""):
    """The unit's letters: those awaiting its answer first, the nearest due date first."""
    qs = Letter.objects.visible_to(user).select_related("deputy")
    if status:
        qs = qs.filter(status=status)
    awaiting_first = Case(When(status=LetterStatus.FORWARDED, then=0), default=1, output_field=IntegerField())
    return qs.order_by(awaiting_first, "due_date", "-pk")


def letter(*, user, pk, supervise=False):
    """One letter the user may see (404 for another's, as for a missing one);
    ``supervise``: to read, the staff above find it too."""
    qs = Letter.objects.supervised_by(user) if supervise else Letter.objects.visible_to(user)
    return get_object_or_404(qs.select_related("deputy", "unit", "from_suggestion"), pk=pk)


def timeline(*, user, letter):
    qs = LetterEvent.objects.filter(letter=letter).select_related("unit").order_by("at", "pk")
    if roles.is_staff_member(user):
        return qs.select_related("actor")
    if roles.is_deputy(user):
        return qs.filter(visible_to_deputy=True)
    return qs


def counts(*, year=None, user=None):
    """Letters by status and overdue, counted apart from suggestions (those
    ``user`` sees, when given: a staff user's own congress)."""
    base = Letter.objects.all() if user is None else Letter.objects.visible_to(user)
    if year:
        base = base.filter(year=year)
    by_status = dict(base.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "by_status": {str(label): by_status.get(value, 0) for value, label in LetterStatus.choices},
        "total": sum(by_status.values()),
        "overdue": base.overdue(timezone.localdate()).count(),
    }
