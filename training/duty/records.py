"""Computing duty records: figures from the sources, then the score by the
rules in force that year. Reads only; the snapshot is written by
``training.services.refresh_duty_records``."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext

from congress_portal.accounts import roles
from deputies.models import Deputy, Mandate

from ..models import ScoringRuleSet, year_bounds
from .sources import SOURCES, as_number, available_sources, metric_labels, zero_metrics


def _mandates_of_year(year):
    first, last = year_bounds(year)
    return Mandate.objects.filter(term__start_date__lte=last, term__end_date__gte=first, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )


def deputies_of_year(year, congress_id=None):
    """Ids of the deputies who held a mandate (of the congress ``congress_id``,
    when given) at some time in the year (the people a yearly record is kept
    for), as a subquery-ready queryset."""
    mandates = _mandates_of_year(year)
    if congress_id is not None:
        mandates = mandates.filter(congress_id=congress_id)
    return mandates.values("deputy_id").order_by().distinct()


def congresses_of_year(year):
    """Ids of the congresses with deputies in the year: those a yearly record is kept for."""
    return list(_mandates_of_year(year).values_list("congress_id", flat=True).order_by("congress_id").distinct())


def collect_metrics(*, year, deputy_ids=None, fill_zeros=True, congress_id=None):
    """{deputy_id: {metric: number}} for every deputy in ``deputy_ids`` (default:
    everyone with a mandate that year, of the congress ``congress_id`` when given), every metric present (0 when none)
    unless ``fill_zeros`` is False (the bulk refresh stores only what is not 0).
    One query for the population plus a few per source, whatever the count."""
    if deputy_ids is None:
        population = list(deputies_of_year(year, congress_id).values_list("deputy_id", flat=True))
        restrict = None
    else:
        population = list(deputy_ids)
        restrict = population
    blank = zero_metrics() if fill_zeros else {}
    result = {deputy_id: dict(blank) for deputy_id in population}
    for source in available_sources():
        for deputy_id, figures in source.collect(year=year, deputy_ids=restrict, congress_id=congress_id).items():
            row = result.get(deputy_id)
            if row is None:
                continue  # activity of someone without a mandate that year
            for key, value in figures.items():
                if value:
                    row[key] = as_number(value)
    return result


@dataclass
class ScoreLine:
    metric: str
    label: str
    value: float
    points_per_unit: Decimal
    max_points: Decimal | None
    points: Decimal


@dataclass
class Score:
    rule_set: ScoringRuleSet | None
    lines: list = field(default_factory=list)

    @property
    def total(self):
        return sum((line.points for line in self.lines), Decimal("0"))


def scoring_items(rule_set):
    return list(rule_set.items.all()) if rule_set else []


def score(metrics, *, rule_set, items, labels=None):
    """Apply the items (points per unit, capped) to one deputy's figures.
    Pass ``labels`` (``metric_labels()``) when scoring many deputies: reading
    them may take a query."""
    labels = metric_labels() if labels is None else labels
    result = Score(rule_set=rule_set)
    for item in items:
        value = metrics.get(item.metric, 0) or 0
        points = Decimal(str(value)) * item.points_per_unit
        if item.max_points is not None and points > item.max_points:
            points = item.max_points
        # Nothing done under a deducting item is 0.00, not "-0.00" (0 × a negative rate keeps the sign).
        points = points.quantize(Decimal("0.01")) + 0
        result.lines.append(
            ScoreLine(
                metric=item.metric,
                label=item.label or str(labels.get(item.metric, item.metric)),
                value=value,
                points_per_unit=item.points_per_unit,
                max_points=item.max_points,
                points=points,
            )
        )
    return result


def total_score(metrics, items):
    """The same total as ``score(...).total``, without the breakdown: the yearly
    refresh scores 140,000 deputies, most of them with zeros in most items."""
    total = Decimal("0")
    cent = Decimal("0.01")
    for item in items:
        value = metrics.get(item.metric)
        if not value:
            continue
        points = (Decimal(value) if isinstance(value, int) else Decimal(str(value))) * item.points_per_unit
        if item.max_points is not None and points > item.max_points:
            points = item.max_points
        total += points.quantize(cent)
    return total


@dataclass
class SourceSection:
    key: str
    label: str
    available: bool
    figures: list  # (label, value)
    details: list  # (date, text)


@dataclass
class DutyRecordView:
    deputy: Deputy
    year: int
    metrics: dict
    score: Score
    sections: list
    congress: object = None  # the congress whose record this is (None: all the deputy's work)
    congresses: list = field(default_factory=list)  # the congresses the reader may switch to


def duty_record(*, deputy, year, with_details=True, congress=None):
    """The live record of one deputy for one year, for the deputy's and staff's
    pages: with ``congress``, the record as a deputy of that congress (a county
    congress's record counts the county's suggestions, trainings, station duty
    and ballots; the provincial one the province's)."""
    congress_id = congress.pk if congress is not None else None
    metrics = collect_metrics(year=year, deputy_ids=[deputy.pk], congress_id=congress_id)[deputy.pk]
    rule_set = ScoringRuleSet.for_year(year)
    result = score(metrics, rule_set=rule_set, items=scoring_items(rule_set))
    sections = []
    for source in SOURCES:
        available = source.is_available()
        sections.append(
            SourceSection(
                key=source.key,
                label=source.label,
                available=available,
                figures=[(label, metrics.get(key, 0)) for key, label in source.metrics],
                details=source.details(year=year, deputy=deputy, congress_id=congress_id) if (with_details and available) else [],
            )
        )
    return DutyRecordView(deputy=deputy, year=year, metrics=metrics, score=result, sections=sections, congress=congress)


def record_congresses(*, user, deputy):
    """The congresses of the deputy's mandates whose record ``user`` may read,
    highest level first: the deputy all of their own; staff those they see."""
    mandates = Mandate.objects.filter(deputy=deputy).select_related("congress__area", "term__congress__area")
    if roles.is_staff_member(user):
        seen = roles.seen_congresses(user)
        if seen is not None:
            mandates = mandates.filter(congress__in=seen)
    else:
        own = roles.deputy_of(user)
        if own is None or own.pk != deputy.pk:
            return []
    congresses = {}
    for mandate in mandates.order_by("level_rank", "congress__area__code", "-term__number"):
        if mandate.congress_id not in congresses:  # the latest term's mandate names it
            congress = mandate.congress
            congress.mandate_label = gettext("%(term)s代表") % {"term": mandate.term}
            congresses[congress.pk] = congress
    return list(congresses.values())


def record_for(*, user, deputy, year, congress_id=None, with_details=True):
    """The record ``user`` asked for: as a deputy of ``congress_id`` (default the
    highest congress the user may read), with ``congresses`` (those they may
    read, for the page's tabs); None when there is none to read (404)."""
    congresses = record_congresses(user=user, deputy=deputy)
    chosen = [c for c in congresses if str(c.pk) == str(congress_id)] if congress_id else congresses[:1]
    if not chosen:
        return None
    record = duty_record(deputy=deputy, year=year, with_details=with_details, congress=chosen[0])
    record.congresses = congresses
    return record
