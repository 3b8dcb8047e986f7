"""The one place that says which role a user has.

Every app's permissions.py builds its predicates on these; nothing else reads
``user.role`` directly.
"""
from .models import Role


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
