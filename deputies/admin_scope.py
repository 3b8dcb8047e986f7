"""The Django admin scoped like the portal: a congress's staff see and change
their own congress's rows there (deputies and mandates: their own congress's
and those below it, as in the staff API), never another county's.

Each app's admin.py ends with ``scope_admins(admin.site, {Model: rule})``: the
registered ModelAdmin is replaced by a subclass whose ``get_queryset`` applies
the rule, so changelists, change pages, actions and inline look-ups all start
from the scoped rows (another congress's row is "not found"). A superuser, or a
staff account without a congress, is the whole province, as everywhere."""
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Q

from congress_portal.accounts import roles

from .models import HandlingUnit, Mandate
from .scoping import units_visible_to


def by_congress(lookup="congress", *, supervise=False):
    """Rows of the staff user's own congress (``supervise``: and those below) through ``lookup``."""
    def rule(queryset, user):
        return roles.scope_to_congress(queryset, user, lookup, supervise=supervise)
    return rule


def by_deputy(lookup="deputy"):
    """Rows of deputies with a mandate in a congress the staff user sees."""
    def rule(queryset, user):
        if not roles.is_staff_member(user):
            return queryset.none()
        seen = roles.seen_congresses(user)
        if seen is None:
            return queryset
        return queryset.filter(Exists(Mandate.objects.filter(deputy=OuterRef(lookup), congress__in=seen)))
    return rule


def by_unit(lookup="unit"):
    """Rows of the handling units the user may list (``units_visible_to``)."""
    def rule(queryset, user):
        return queryset.filter(**{f"{lookup}__in": units_visible_to(user).values("pk")})
    return rule


def accounts(queryset, user):
    """User accounts: the staff of the congresses the staff user sees, the members
    of units placed in their area or below, and deputies with a mandate in those congresses."""
    if not roles.is_staff_member(user):
        return queryset.none()
    congress = roles.congress_of(user)
    if congress is None:
        return queryset
    seen = roles.seen_congresses(user)
    path = congress.area.path
    local_units = HandlingUnit.objects.filter(Q(area__path=path) | Q(area__path__startswith=path + "/"))
    return queryset.filter(
        Q(congress__in=seen)
        | Q(handling_unit__in=local_units)
        | Exists(Mandate.objects.filter(deputy__user=OuterRef("pk"), congress__in=seen))
    )


def _is_relation(model, path):
    try:
        fields = get_fields_from_path(model, path)
    except (FieldDoesNotExist, NotRelationField):
        return False
    return bool(fields) and fields[-1].is_relation


def scope_admins(site, rules):
    """Re-register each model's admin with ``get_queryset`` scoped by its rule.
    Its sidebar filters on related rows offer only the rows the scoped list
    holds (a plain related filter would list every county's units and sessions)."""
    for model, rule in rules.items():
        registered = type(site._registry[model])

        def get_queryset(self, request, _rule=rule, _base=registered):
            return _rule(_base.get_queryset(self, request), request.user)

        def get_list_filter(self, request, _base=registered):
            return [
                (f, RelatedOnlyFieldListFilter) if isinstance(f, str) and _is_relation(self.model, f) else f
                for f in _base.get_list_filter(self, request)
            ]

        scoped = type(registered.__name__, (registered,), {
            "get_queryset": get_queryset, "get_list_filter": get_list_filter, "__module__": registered.__module__,
        })
        site.unregister(model)
        site.register(model, scoped)
