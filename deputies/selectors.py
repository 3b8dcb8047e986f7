"""Reads of the deputies app, with their joins chosen here."""
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.expressions import RawSQL

from congress_portal.accounts import roles
from congress_portal.keyset import keyset_page
from congress_portal.search import estimated_matches, keyword_filter, tsquery, words

from .models import (
    LEVEL_RANK,
    AdministrativeArea,
    Congress,
    Delegation,
    Deputy,
    DeputyGroup,
    ElectoralUnit,
    HandlingUnit,
    Mandate,
    MandateStatus,
    Term,
)
from .permissions import can_see_personal_data

# ---------------------------------------------------------------------------
# Natural keys used by the xlsx import


class ReferenceIndex:
    """Congresses, terms, electoral units and delegations by natural key,
    loaded once (a handful of queries whatever the size of the sheet)."""

    def __init__(self):
        self.congresses = {
            (code, level): (pk, name)
            for pk, code, level, name in Congress.objects.values_list("pk", "area__code", "level", "name")
        }
        self.terms = {
            (congress_id, number): (pk, start)
            for pk, congress_id, number, start in Term.objects.values_list("pk", "congress_id", "number", "start_date")
        }
        self.electoral_units = {
            (congress_id, name): pk for pk, congress_id, name in ElectoralUnit.objects.values_list("pk", "congress_id", "name")
        }
        self.delegations = {
            (term_id, name): pk for pk, term_id, name in Delegation.objects.values_list("pk", "term_id", "name")
        }

    def congress(self, area_code, level):
        return self.congresses.get((area_code, level))

    def term(self, congress_id, number):
        return self.terms.get((congress_id, number))

    def electoral_unit(self, congress_id, name):
        return self.electoral_units.get((congress_id, name))

    def delegation(self, term_id, name):
        return self.delegations.get((term_id, name))


class QueryReferences:
    """The same lookups, one query each: django-import-export's row-by-row
    import uses these (see DeputyMandateResource, fast=False)."""

    def congress(self, area_code, level):
        return Congress.objects.filter(area__code=area_code, level=level).values_list("pk", "name").first()

    def term(self, congress_id, number):
        return Term.objects.filter(congress_id=congress_id, number=number).values_list("pk", "start_date").first()

    def electoral_unit(self, congress_id, name):
        return ElectoralUnit.objects.filter(congress_id=congress_id, name=name).values_list("pk", flat=True).first()

    def delegation(self, term_id, name):
        return Delegation.objects.filter(term_id=term_id, name=name).values_list("pk", flat=True).first()


# ---------------------------------------------------------------------------
# The public directory


def _serving_mandates():
    return Mandate.objects.filter(status=MandateStatus.SERVING)


def directory_mandates_prefetch():
    return Prefetch(
        "mandates",
        queryset=_serving_mandates()
        .select_related("congress__area", "term", "delegation", "electoral_unit")
        .order_by("level", "pk"),
        to_attr="serving_mandates",
    )


PUBLIC_DEPUTY_FIELDS = (
    "deputy__name", "deputy__gender", "deputy__ethnicity", "deputy__party", "deputy__occupation",
    "deputy__work_unit", "deputy__title",
)
DIRECTORY_KEYS = ("level_rank", "congress_id", "id")  # the mandate_directory_order index
# At most this many congresses, delegations or electoral units are matched by a place.
PLACE_MATCH_LIMIT = 500


def place_matches(place):
    """(congress ids, delegation ids, electoral unit ids) whose name contains
    ``place``: small tables, and an n-gram index for the electoral units."""
    congresses = list(Congress.objects.filter(name__icontains=place).values_list("pk", flat=True)[:PLACE_MATCH_LIMIT])
    delegations = list(Delegation.objects.filter(name__icontains=place).values_list("pk", flat=True)[:PLACE_MATCH_LIMIT])
    units = list(
        ElectoralUnit.objects.filter(keyword_filter(["name"], place)).values_list("pk", flat=True)[:PLACE_MATCH_LIMIT]
    )
    return congresses, delegations, units


# A name or work-unit word the planner expects in more deputies than this is
# "common" (人民法院: 186,000 of 2.8 million): its page walks the keyset index
# and probes each mandate's deputy, instead of joining and sorting every match.
COMMON_MATCHES = 2000


def _like(word):
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _deputy_probe(q):
    """EXISTS on the mandate's own deputy, matching ``q``; OFFSET 0 keeps it a
    probe per row (PostgreSQL would otherwise turn it into a join of every
    match), so the page follows the keyset index and stops at its last row."""
    checks, params = [], [tsquery(q)]
    for word in words(q):
        checks.append("(d.name ILIKE %s OR d.work_unit ILIKE %s)")
        params += [_like(word), _like(word)]
    sql = (
        'EXISTS (SELECT 1 FROM deputies_deputy d WHERE d.id = "deputies_mandate"."deputy_id" '
        f"AND d.search_ngrams @@ %s::tsquery AND {' AND '.join(checks)} OFFSET 0)"
    )
    return RawSQL(sql, params, output_field=BooleanField())


def directory_page(*, q=None, level=None, place=None, after="", before=""):
    """One page of the public directory: serving mandates in level, congress
    and entry order, each with its deputy's public fields. The name search is
    served by the n-gram index on deputies (congress_portal/search.py), the
    page by the keyset index: the work does not grow with the table."""
    mandates = (
        _serving_mandates()
        .select_related("congress", "term__congress", "delegation", "electoral_unit", "deputy")
        .only(
            "level", "level_rank", "status", "congress_id", "congress__name", "term__number", "term__congress__name", "delegation__name",
            "electoral_unit__name", "deputy_id", *PUBLIC_DEPUTY_FIELDS,
        )
    )
    if q and words(q):
        if connection.vendor == "postgresql" and estimated_matches("deputies_deputy", q) > COMMON_MATCHES:
            mandates = mandates.filter(_deputy_probe(q))
        else:
            mandates = mandates.filter(deputy_id__in=Deputy.objects.filter(keyword_filter(["name", "work_unit"], q)).values("pk"))
    if level:
        mandates = mandates.filter(level_rank=LEVEL_RANK[level])
    if place and place.strip():
        congresses, delegations, units = place_matches(place.strip())
        mandates = mandates.filter(
            Q(congress_id__in=congresses) | Q(delegation_id__in=delegations) | Q(electoral_unit_id__in=units)
        )
    return keyset_page(mandates, keys=DIRECTORY_KEYS, after=after, before=before)


def deputy_directory(*, level=None, area=None, delegation=None, group=None, search=None):
    """Serving deputies, for the public: filters on mandates go through one
    EXISTS subquery so a person with two mandates appears once."""
    mandates = _serving_mandates().filter(deputy_id=OuterRef("pk"))
    if level:
        mandates = mandates.filter(level=level)
    if area is not None:
        mandates = mandates.filter(
            Q(congress__area__path__startswith=area.path) | Q(electoral_unit__area__path__startswith=area.path)
        )
    if delegation is not None:
        mandates = mandates.filter(delegation=delegation)
    queryset = Deputy.objects.filter(Exists(mandates))
    if group is not None:
        queryset = queryset.filter(group_memberships__group=group)
    if search:
        match = keyword_filter(["name"], search)
        if match is not None:
            queryset = queryset.filter(match)
    # Entry order (the primary key): the API pages it by keyset, and a name
    # order over 2.8 million people would sort them all on every page.
    return queryset.only("pk", "name", "gender").prefetch_related(
        directory_mandates_prefetch(),
        Prefetch("groups", queryset=DeputyGroup.objects.only("pk", "name")),
    ).order_by("pk")


# ---------------------------------------------------------------------------
# Staff lists


def deputies_for(user):
    """Deputies with their mandates; staff only (callers check the permission):
    those with a mandate in the staff user's congress or one below it."""
    if not can_see_personal_data(user):
        return Deputy.objects.none()
    deputies = Deputy.objects.all()
    seen = roles.seen_congresses(user)
    if seen is not None:
        deputies = deputies.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"), congress__in=seen)))
    return deputies.prefetch_related(
        Prefetch("mandates", queryset=Mandate.objects.select_related("congress", "term", "delegation", "electoral_unit")),
        Prefetch("groups", queryset=DeputyGroup.objects.only("pk", "name")),
    ).order_by("name", "pk")


def mandates_list():
    return Mandate.objects.select_related("deputy", "congress__area", "term", "delegation", "electoral_unit").order_by(
        "deputy__name", "pk"
    )


def groups_list():
    return DeputyGroup.objects.select_related("area", "leader").prefetch_related(
        Prefetch("members", queryset=Deputy.objects.only("pk", "name"))
    ).order_by("name")


def handling_units_list():
    return HandlingUnit.objects.select_related("parent", "area").prefetch_related("contacts").order_by("code")


def areas_list():
    return AdministrativeArea.objects.select_related("parent").order_by("code")


# ---------------------------------------------------------------------------
# Handling units a piece of work may go to (the searchable unit pickers)


def units_of_area(area):
    """Active units of the congress whose area ``area`` names (a one-row
    queryset of area ids, from ``congress_area``; a provincial suggestion goes
    to provincial departments, not a district's bureaus), with the units not
    yet placed in an area; every active unit when ``area`` finds none. One
    query, run when the list is read."""
    units = HandlingUnit.objects.filter(is_active=True)
    return units.filter(Q(area_id=Subquery(area)) | Q(area__isnull=True) | ~Exists(area))


def units_serving_area(area):
    """Active units of ``area`` and of every area above it (a county station
    forwards to its county's bureaus and to the prefecture's and province's
    departments), with the units not yet placed in an area. The ancestors are
    the codes in ``area.path``: no walk up the tree."""
    codes = area.path.split("/") if area is not None and area.path else []
    return HandlingUnit.objects.filter(is_active=True).filter(Q(area__code__in=codes) | Q(area__isnull=True))


def congress_area(*, session_id=None, deputy_id=None, level=None):
    """The area of the congress a piece of work belongs to, as a one-row
    queryset of its id (for a subquery): its session's congress, else the one
    where ``deputy_id`` serves at ``level``."""
    if session_id is not None:
        return Congress.objects.filter(terms__sessions__pk=session_id).values("area_id")[:1]
    mandates = Mandate.objects.filter(deputy_id=deputy_id, status=MandateStatus.SERVING)
    if level:
        mandates = mandates.filter(level=level)
    return mandates.order_by("level_rank").values("congress__area_id")[:1]
