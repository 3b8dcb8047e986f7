"""The one place that says which role a user has.

Every app's permissions.py builds its predicates on these; nothing else reads
``user.role`` directly.
"""
from django.db.models import Q

from .models import Role, User


def is_staff_member(user):
    """Committee staff (and superusers, who are staff by definition)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.role == Role.STAFF


def is_unit_member(user):
    return getattr(user, "is_authenticated", False) and user.role == Role.UNIT and user.handling_unit_id is not None


def unit_id_of(user):
    return user.handling_unit_id if is_unit_member(user) else None


def is_deputy(user):
    return getattr(user, "is_authenticated", False) and user.role == Role.DEPUTY


def deputy_of(user):
    """The Deputy (person) linked to a deputy's account, or None."""
    if not is_deputy(user):
        return None
    try:
        return user.deputy
    except Exception:  # RelatedObjectDoesNotExist
        return None


def is_station_keeper(user):
    return getattr(user, "is_authenticated", False) and user.role == Role.KEEPER


def is_public(user):
    return not getattr(user, "is_authenticated", False)


# --------------------------------------------------------------------------- congresses
# A staff account belongs to one congress: it ACTS on that congress's items and
# SEES (read-only, for supervision and comparison) those of the congresses below
# it: congresses of its own area or an area inside it, at its level or lower.
# A superuser, or a staff account without a congress, is the whole province:
# ``None`` below means "not limited".

LEVELS_TOP_DOWN = ("national", "provincial", "prefecture", "county", "township")


def _congress_model():
    # The FK's model, so that this module imports nothing of the deputies app.
    return User._meta.get_field("congress").related_model


def congress_of(user):
    """The congress a staff account acts for, or None (not staff, or the whole province)."""
    if not is_staff_member(user) or user.is_superuser or user.congress_id is None:
        return None
    return user.congress


def acting_congress_ids(user):
    """The congresses whose items this staff user may act on: a list, or None
    for the whole province. Not meant for non-staff users (they get [])."""
    if not is_staff_member(user):
        return []
    congress = congress_of(user)
    return None if congress is None else [congress.pk]


def seen_congresses(user):
    """The congresses whose items and figures this staff user may see: a
    Congress queryset (its own and those below it), or None for the whole province."""
    if not is_staff_member(user):
        return _congress_model().objects.none()
    congress = congress_of(user)
    if congress is None:
        return None
    path = congress.area.path
    lower = LEVELS_TOP_DOWN[LEVELS_TOP_DOWN.index(congress.level):] if congress.level in LEVELS_TOP_DOWN else (congress.level,)

    return _congress_model().objects.filter(
        Q(area__path=path) | Q(area__path__startswith=path + "/"), level__in=lower
    )


def acts_on(user, congress_id):
    """Staff, and the item's congress is its own (or it is the whole province's)."""
    if not is_staff_member(user):
        return False
    acting = acting_congress_ids(user)
    return acting is None or congress_id in acting


def sees(user, congress_id):
    if not is_staff_member(user):
        return False
    seen = seen_congresses(user)
    return seen is None or (congress_id is not None and seen.filter(pk=congress_id).exists())


def scope_to_congress(queryset, user, field="congress", *, supervise=False):
    """``queryset`` limited to the staff user's own congress (``supervise``:
    own and below) through the lookup ``field`` (e.g. ``session__term__congress``).
    Unchanged for the whole province; empty for a user who is not staff."""
    if not is_staff_member(user):
        return queryset.none()
    if supervise:
        seen = seen_congresses(user)
        return queryset if seen is None else queryset.filter(**{f"{field}__in": seen.values("pk")})
    acting = acting_congress_ids(user)
    return queryset if acting is None else queryset.filter(**{f"{field}__in": acting})

