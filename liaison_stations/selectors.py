"""Reads for each screen, with their joins chosen here so that every list
costs the same number of queries however many rows it has."""
import datetime
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal import search
from deputies.models import Deputy, Mandate, MandateStatus

from .models import (
    RESOLVED_STATUSES,
    SATISFIED_RATINGS,
    Activity,
    Issue,
    IssueStatus,
    ModelStation,
    ReceptionRule,
    Station,
    StationPolicy,
    Stationing,
    Visit,
)


# ---------------------------------------------------------------- public

def station_directory(*, q="", area_code="", kind=""):
    stations = Station.objects.active().select_related("area").annotate(
        deputy_count=Count("stationings", filter=Q(stationings__is_active=True))
    )
    if q:
        stations = stations.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if area_code:
        # Areas carry their ancestors' codes in ``path``: the area and everything below it.
        stations = stations.filter(Q(area__code=area_code) | Q(area__path__contains=f"/{area_code}/")
                                   | Q(area__path__startswith=f"{area_code}/"))
    if kind:
        stations = stations.filter(kind=kind)
    return stations.order_by("area__code", "name", "pk")


def _serving_mandates():
    return Prefetch(
        "deputy__mandates",
        queryset=Mandate.objects.filter(status=MandateStatus.SERVING).only("id", "deputy_id", "level", "status"),
        to_attr="serving_mandates",
    )


def public_station(*, pk):
    """One active station with its stationed deputies (names and levels only:
    the public never sees personal data) and its active rules."""
    stationings = (
        Stationing.objects.filter(is_active=True)
        .select_related("deputy")
        .only("id", "station_id", "deputy_id", "since", "deputy__id", "deputy__name")
        .prefetch_related(_serving_mandates())
        .order_by("deputy__name", "deputy_id")
    )
    rules = ReceptionRule.objects.filter(is_active=True).prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.only("id", "name"))
    )
    return (
        Station.objects.active()
        .select_related("area")
        .prefetch_related(
            Prefetch("stationings", queryset=stationings, to_attr="active_stationings"),
            Prefetch("reception_rules", queryset=rules, to_attr="active_rules"),
        )
        .get(pk=pk)
    )


def upcoming_receptions(*, station, today=None, horizon_days=None, limit=12):
    """The next reception dates from the station's rules, soonest first:
    a list of (date, rule). Uses ``station.active_rules`` when prefetched."""
    today = today or timezone.localdate()
    if horizon_days is None:
        horizon_days = StationPolicy.current().rota_horizon_days
    rules = getattr(station, "active_rules", None)
    if rules is None:
        rules = list(station.reception_rules.filter(is_active=True).prefetch_related("deputies"))
    end = today + datetime.timedelta(days=horizon_days)
    dated = [(day, rule) for rule in rules for day in rule.dates_between(today, end)]
    dated.sort(key=lambda pair: (pair[0], pair[1].start_time, pair[1].pk))
    return dated[:limit]


def upcoming_activities(*, station, now=None, limit=10):
    now = now or timezone.now()
    return list(
        Activity.objects.filter(station=station, starts_at__gte=now - datetime.timedelta(hours=12))
        .select_related("handling_unit")
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name")))
        .order_by("starts_at")[:limit]
    )


def public_deputy(*, pk):
    """A deputy with the stations they are stationed at; 404s (DoesNotExist) when stationed nowhere."""
    stationings = Stationing.objects.filter(is_active=True, station__is_active=True).select_related("station", "station__area")
    deputy = (
        Deputy.objects.only("id", "name")
        .prefetch_related(
            Prefetch("stationings", queryset=stationings, to_attr="active_stationings"),
            Prefetch("mandates", queryset=Mandate.objects.filter(status=MandateStatus.SERVING), to_attr="serving_mandates"),
        )
        .get(pk=pk)
    )
    if not deputy.active_stationings:
        raise Deputy.DoesNotExist
    return deputy


# ---------------------------------------------------------------- workspace

def workspace_stations(*, user):
    return (
        Station.objects.handled_by(user)
        .select_related("area", "congress")  # labelled by congress: a deputy may be stationed for several
        .annotate(open_issue_count=Count("issues", filter=~Q(issues__status=IssueStatus.CLOSED), distinct=True))
        .order_by("area__code", "name", "pk")
        .distinct()
    )


# What the issue lists' keyword looks in: the n-gram column of migration 0012 (never who raised it).
ISSUE_SEARCH_FIELDS = ["content", "answer", "feedback"]


def issue_queue(*, user, status="", station_id=None, overdue=False, source="", unsatisfied=False, keyword=""):
    issues = Issue.objects.visible_to(user).select_related("station", "category", "forwarded_unit", "addressed_to")
    matching = search.keyword_filter(ISSUE_SEARCH_FIELDS, keyword)
    if matching is not None:  # served by the GIN index of the n-gram column, then checked as typed
        issues = issues.filter(matching)
    if status:
        issues = issues.filter(status=status)
    if station_id:
        issues = issues.filter(station_id=station_id)
    if source:
        issues = issues.filter(source=source)
    if overdue:
        issues = issues.feedback_overdue()
    if unsatisfied:
        issues = issues.unsatisfied()
    return issues.order_by("-created_at", "-pk")


def issue_detail(*, user, pk, supervise=False):
    """One issue with its events; ``supervise``: to read, the staff of the congresses above find it too."""
    return (
        (Issue.objects.supervised_by(user) if supervise else Issue.objects.visible_to(user))
        .select_related("station", "station__area", "category", "forwarded_unit", "addressed_to", "taken_up_by", "visit",
                        "suggestion")
        .prefetch_related(Prefetch("events", queryset=_events()))
        .get(pk=pk)
    )


def _events():
    from .models import IssueEvent

    return IssueEvent.objects.select_related("actor").order_by("at", "pk")


def station_visits(*, station, year=None):
    visits = (
        Visit.objects.filter(station=station)
        .select_related("activity")
        .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name")), "visitors")
        .annotate(issue_count=Count("issues"))
    )
    if year:
        visits = visits.filter(received_on__year=year)
    return visits.order_by("-received_on", "-pk")


def station_rules(*, station):
    return station.reception_rules.prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name")))


# ---------------------------------------------------------------- figures and rating

def _per_station(queryset, expression):
    """A correlated subquery giving ``expression`` aggregated per station
    (subqueries, not joins, so the figures do not multiply each other)."""
    return Coalesce(
        Subquery(
            queryset.filter(station=OuterRef("pk")).order_by().values("station").annotate(v=expression).values("v")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def station_figures(*, year, stations=None):
    """Per station for one year: receptions held, people received, issues raised,
    issues resolved, forwarded issues and those fed back on time, issues the
    people rated and those they were satisfied with."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year + 1, 1, 1)
    visits = Visit.objects.filter(received_on__gte=start, received_on__lt=end)
    issues = Issue.objects.filter(created_at__date__gte=start, created_at__date__lt=end)
    stations = stations if stations is not None else Station.objects.all()
    return stations.select_related("area").annotate(
        receptions=_per_station(visits, Count("pk")),
        people=_per_station(visits, Sum("people_count")),
        issues_raised=_per_station(issues, Count("pk")),
        issues_resolved=_per_station(issues.filter(status__in=RESOLVED_STATUSES), Count("pk")),
        issues_forwarded=_per_station(issues.filter(forwarded_unit__isnull=False), Count("pk")),
        feedback_on_time=_per_station(
            issues.filter(feedback_at__isnull=False, feedback_at__date__lte=F("feedback_due_on")), Count("pk")
        ),
        # The people's own word: ratings given, and of them 满意 or 基本满意.
        issues_rated=_per_station(issues.filter(rated_at__isnull=False), Count("pk")),
        issues_satisfied=_per_station(issues.filter(rating__in=SATISFIED_RATINGS), Count("pk")),
        is_model=Count("model_years", filter=Q(model_years__year=year)),
    )


def area_figures(*, year, depth_kind="county", stations=None):
    """The same figures summed per area of ``depth_kind`` (county by default):
    each station counts towards the area of that kind above or at it."""
    return area_and_station_figures(year=year, depth_kind=depth_kind, stations=stations)[0]


FIGURE_CHART_SERIES = (
    ("receptions", _("接待次数")), ("issues_raised", _("收集问题")), ("issues_resolved", _("已办结")),
)  # fmt: skip


def area_and_station_figures(*, year, depth_kind="county", stations=None):
    """``area_figures`` and, from the same single read, every station's
    figures in the station table's order (area code, name), for the charts."""
    from deputies.models import AdministrativeArea

    rows = {}
    areas = {a.code: a for a in AdministrativeArea.objects.filter(kind=depth_kind)}
    every_station = list(station_figures(year=year, stations=stations).order_by("area__code", "name", "pk"))
    for station in every_station:
        codes = station.area.path.split("/")
        code = next((c for c in reversed(codes) if c in areas), None)
        if code is None:
            continue
        row = rows.setdefault(code, {"area": areas[code], "stations": 0, "receptions": 0, "people": 0,
                                      "issues_raised": 0, "issues_resolved": 0, "issues_forwarded": 0,
                                      "feedback_on_time": 0, "issues_rated": 0, "issues_satisfied": 0})
        row["stations"] += 1
        for key in ("receptions", "people", "issues_raised", "issues_resolved", "issues_forwarded", "feedback_on_time",
                    "issues_rated", "issues_satisfied"):
            row[key] += getattr(station, key)
    return [rows[code] for code in sorted(rows)], every_station


def figures_charts(*, areas, stations):
    """The figures page's charts (static/js/charts.js): by area and by station,
    each a horizontal bar per row with receptions, issues raised and resolved."""

    def chart(labels, rows):
        datasets = [{"label": str(label), "values": [row[key] for row in rows]} for key, label in FIGURE_CHART_SERIES]
        return {"kind": "bars", "labels": labels, "datasets": datasets}

    station_rows = [{key: getattr(s, key) for key, _label in FIGURE_CHART_SERIES} for s in stations]
    return {
        "by_area": chart([row["area"].name for row in areas], areas),
        "by_station": chart([f"{s.name}（{s.area.name}）" for s in stations], station_rows),
    }


def _rate(part, whole):
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else Decimal(0)


def station_rating(*, year, policy=None, stations=None):
    """Stations ranked for choosing the year's model stations; the weights are
    the policy row's. Each row: station (with its figures), rates and score."""
    policy = policy or StationPolicy.current()
    ranked = []
    for station in station_figures(year=year, stations=stations).filter(is_active=True):
        resolved_rate = _rate(station.issues_resolved, station.issues_raised)
        on_time_rate = _rate(station.feedback_on_time, station.issues_forwarded)
        score = (
            policy.weight_receptions * station.receptions
            + policy.weight_people * station.people
            + policy.weight_issues * station.issues_raised
            + policy.weight_resolved_rate * resolved_rate
            + policy.weight_on_time_rate * on_time_rate
        ).quantize(Decimal("0.01"))
        ranked.append({"station": station, "resolved_rate": resolved_rate, "on_time_rate": on_time_rate, "score": score})
    ranked.sort(key=lambda row: (-row["score"], row["station"].pk))
    return ranked


def model_stations(*, year):
    return ModelStation.objects.filter(year=year).select_related("station", "station__area")
