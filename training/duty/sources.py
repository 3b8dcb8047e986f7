"""The parts of a duty record, one source per app that records something.

A source names its metrics and computes them for a year and a set of deputies
in a few grouped queries (``values("deputy").annotate(...)``), never one query
per deputy: the yearly refresh covers every deputy of the province at once.
A source whose app has not landed its models says so in ``is_available`` and
contributes nothing; the record shows its metrics as zero.

To add a part: subclass ``DutySource``, list its metrics, implement ``collect``
(and ``details`` for the printable record), and append it to ``SOURCES``.
"""
import datetime
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import models as m


def year_range(year):
    """Aware datetimes [1 Jan, 1 Jan next year) in the portal's time zone, so
    "the year" is the Chinese calendar year whatever the database's zone."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def _restrict(queryset, field, deputy_ids):
    return queryset if deputy_ids is None else queryset.filter(**{f"{field}__in": deputy_ids})


def _of_congress(queryset, lookup, congress_id):
    """A congress's record counts the work done for that congress only (a county's
    suggestions, trainings, station duty and ballots); ``None`` is every congress."""
    return queryset if congress_id is None else queryset.filter(**{lookup: congress_id})


def _model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


class DutySource:
    key = ""
    label = ""
    metrics = ()  # (key, label) pairs

    def is_available(self):
        return True

    def collect(self, *, year, deputy_ids, congress_id=None):
        """{deputy_id: {metric: number}} for deputies with anything to count.
        ``deputy_ids`` is None (everyone) or an iterable/queryset of ids;
        ``congress_id`` limits it to one congress's work (None: all of it)."""
        raise NotImplementedError

    def details(self, *, year, deputy, congress_id=None):
        """Lines for the printable record: a list of (date or None, text)."""
        return []


class PlenarySource(DutySource):
    key = "plenary"
    label = _("出席会议")
    metrics = (
        ("plenary_present", _("出席代表大会会议（次）")),
        ("plenary_leave", _("请假（次）")),
        ("plenary_absent", _("缺席（次）")),
    )

    def collect(self, *, year, deputy_ids, congress_id=None):
        rows = (
            _restrict(_of_congress(m.PlenaryAttendance.objects.filter(session__year=year), "session__term__congress", congress_id),
                      "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(
                plenary_present=Count("pk", filter=Q(status=m.PlenaryAttendanceStatus.PRESENT)),
                plenary_leave=Count("pk", filter=Q(status=m.PlenaryAttendanceStatus.LEAVE)),
                plenary_absent=Count("pk", filter=Q(status=m.PlenaryAttendanceStatus.ABSENT)),
            )
        )
        return {row.pop("deputy_id"): row for row in rows}

    def details(self, *, year, deputy, congress_id=None):
        rows = (
            _of_congress(m.PlenaryAttendance.objects.filter(session__year=year, deputy=deputy), "session__term__congress", congress_id)
            .select_related("session__term__congress")
            .order_by("session__start_date")
        )
        return [(a.session.start_date, f"{a.session} · {a.get_status_display()}") for a in rows]


class TrainingSource(DutySource):
    key = "training"
    label = _("学习培训")
    metrics = (
        ("training_sessions", _("参加学习培训（次）")),
        ("training_hours", _("培训学时")),
    )

    def collect(self, *, year, deputy_ids, congress_id=None):
        start, end = year_range(year)
        rows = (
            _restrict(
                _of_congress(m.Enrolment.objects.filter(
                    status=m.EnrolmentStatus.ATTENDED, session__starts_at__gte=start, session__starts_at__lt=end
                ), "session__plan__term__congress", congress_id),
                "deputy_id",
                deputy_ids,
            )
            .values("deputy_id")
            .annotate(training_sessions=Count("pk"), training_hours=Sum("hours_credited"))
        )
        return {row.pop("deputy_id"): row for row in rows}

    def details(self, *, year, deputy, congress_id=None):
        start, end = year_range(year)
        rows = (
            _of_congress(m.Enrolment.objects.filter(
                deputy=deputy, status=m.EnrolmentStatus.ATTENDED, session__starts_at__gte=start, session__starts_at__lt=end
            ), "session__plan__term__congress", congress_id)
            .select_related("session")
            .order_by("session__starts_at")
        )
        return [
            (
                timezone.localtime(e.session.starts_at).date(),
                _("%(title)s（%(kind)s,%(hours)s学时）")
                % {"title": e.session.title, "kind": e.session.get_kind_display(), "hours": e.hours_credited},
            )
            for e in rows
        ]


class ActivitySource(DutySource):
    key = "activities"
    label = _("其他履职活动")
    metrics = (("activities_total", _("其他履职活动（次）")),) + tuple(
        (f"activity_{kind.value}", kind.label) for kind in m.ActivityKind
    )

    def collect(self, *, year, deputy_ids, congress_id=None):
        first, last = m.year_bounds(year)
        per_kind = {
            f"activity_{kind.value}": Count("pk", filter=Q(kind=kind.value)) for kind in m.ActivityKind
        }
        rows = (
            _restrict(_of_congress(m.DutyActivity.objects.filter(date__gte=first, date__lte=last), "congress", congress_id),
                      "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(activities_total=Count("pk"), **per_kind)
        )
        return {row.pop("deputy_id"): row for row in rows}

    def details(self, *, year, deputy, congress_id=None):
        first, last = m.year_bounds(year)
        rows = _of_congress(m.DutyActivity.objects.filter(deputy=deputy, date__gte=first, date__lte=last), "congress", congress_id)
        rows = rows.order_by("date", "pk")
        return [(a.date, f"{a.get_kind_display()} · {a.title}") for a in rows]


class SuggestionSource(DutySource):
    """Suggestions led and co-signed (confirmed), with their outcomes. A deputy
    who both led a suggestion and appears among its co-signers counts it once:
    co-signatures on suggestions the deputy leads are left out, so
    ``suggestions_total`` = led + co-signed on others' suggestions, each
    suggestion once. Withdrawn suggestions do not count."""

    key = "suggestions"
    label = _("代表建议")
    base_metrics = (
        ("suggestions_total", _("提出建议（件，领衔与附议合计）")),
        ("suggestions_led", _("领衔提出建议（件）")),
        ("suggestions_cosigned", _("附议建议（件）")),
        ("suggestions_registered", _("审查通过的建议（件）")),
        ("suggestions_replied", _("已答复建议（件）")),
    )

    def is_available(self):
        return _model("suggestions.Suggestion") is not None and _model("suggestions.CoSignature") is not None

    @property
    def metrics(self):
        return self.base_metrics + tuple(
            (f"suggestions_result_{code}", _("办理结果为%(code)s类（%(name)s）的建议（件）") % {"code": code, "name": name})
            for code, name in self._categories()
        )

    def _categories(self):
        Category = _model("suggestions.ResultCategory")
        if Category is None:
            return []
        try:
            return list(Category.objects.filter(is_active=True).order_by("sort_order", "code").values_list("code", "name"))
        except Exception:  # table not migrated yet (a fresh checkout before migrate)
            return []

    def _figures(self, categories):
        """The Count annotations per suggestion, as seen from a query whose
        rows join the suggestion through ``prefix``. Outcomes come from a LEFT
        JOIN to the current replies (several in split handling, hence distinct),
        not from a subquery per row."""

        def build(prefix):
            pk = f"{prefix}id" if prefix else "pk"
            # An item merged into another (并案办理) is answered by its lead item's reply.
            paths = (f"{prefix}replies__", f"{prefix}merge_link__lead__replies__")
            current = Q(**{f"{paths[0]}is_current": True}) | Q(**{f"{paths[1]}is_current": True})
            figures = {
                "registered": Count(pk, filter=Q(**{f"{prefix}registered_at__isnull": False}), distinct=True),
                "replied": Count(pk, filter=current, distinct=True),
            }
            for code, _name in categories:
                figures[f"result_{code}"] = Count(
                    pk,
                    filter=Q(**{f"{paths[0]}is_current": True, f"{paths[0]}result_category__code": code})
                    | Q(**{f"{paths[1]}is_current": True, f"{paths[1]}result_category__code": code}),
                    distinct=True,
                )
            return figures

        return build

    def collect(self, *, year, deputy_ids, congress_id=None):
        from django.db.models import F

        Suggestion = _model("suggestions.Suggestion")
        CoSignature = _model("suggestions.CoSignature")
        # Drafts (and 全团建议 awaiting the head) are not yet suggestions, and withdrawn
        # ones no longer count; a 全团建议 is the delegation's, not its drafting contact's.
        not_counted = ("withdrawn", "draft", "awaiting_head")
        categories = self._categories()
        build = self._figures(categories)
        led = (
            _restrict(
                _of_congress(Suggestion.objects.filter(year=year, delegation__isnull=True), "congress", congress_id)
                .exclude(status__in=not_counted),
                "lead_deputy_id", deputy_ids,
            )
            .values("lead_deputy_id")
            .annotate(n=Count("pk", distinct=True), **build(""))
            .order_by()
        )
        cosigned = (
            _restrict(
                _of_congress(CoSignature.objects.filter(state="confirmed", suggestion__year=year), "suggestion__congress", congress_id)
                .exclude(suggestion__status__in=not_counted)
                .exclude(suggestion__lead_deputy_id=F("deputy_id")),
                "deputy_id",
                deputy_ids,
            )
            .values("deputy_id")
            .annotate(n=Count("pk", distinct=True), **build("suggestion__"))
            .order_by()
        )
        result = {}
        keys = ["registered", "replied"] + [f"result_{code}" for code, _name in categories]
        for rows, deputy_field, count_key in ((led, "lead_deputy_id", "suggestions_led"), (cosigned, "deputy_id", "suggestions_cosigned")):
            for row in rows:
                figures = result.setdefault(row[deputy_field], {"suggestions_led": 0, "suggestions_cosigned": 0, "suggestions_total": 0})
                figures[count_key] = row["n"]
                figures["suggestions_total"] += row["n"]
                for key in keys:
                    figures[f"suggestions_{key}"] = figures.get(f"suggestions_{key}", 0) + row[key]
        return result

    def details(self, *, year, deputy, congress_id=None):
        Suggestion = _model("suggestions.Suggestion")
        Reply = _model("suggestions.Reply")
        rows = (
            _of_congress(Suggestion.objects.filter(year=year), "congress", congress_id)
            .exclude(status__in=("withdrawn", "draft", "awaiting_head"))
            .filter(
                Q(lead_deputy=deputy, delegation__isnull=True)
                | Q(cosignatures__deputy=deputy, cosignatures__state="confirmed")
            )
            .distinct()
            .order_by("submitted_at", "pk")
        )
        suggestions = list(rows)
        results = {}
        for suggestion_id, code in Reply.objects.filter(suggestion__in=suggestions, is_current=True).values_list(
            "suggestion_id", "result_category__code"
        ):
            results.setdefault(suggestion_id, set()).add(code)
        lines = []
        for s in suggestions:
            role = _("领衔") if s.lead_deputy_id == deputy.pk else _("附议")
            outcome = "、".join(sorted(results.get(s.pk, ()))) or s.get_status_display()
            lines.append((timezone.localtime(s.submitted_at).date(), f"[{role}] {s} · {outcome}"))
        return lines


class StationSource(DutySource):
    """Receptions at liaison stations and the issues raised there (or left for
    the deputy by message) that were answered, forwarded back or taken up."""

    key = "stations"
    label = _("联络站活动")
    metrics = (
        ("station_receptions", _("进站接待群众（次）")),
        ("station_people", _("接待群众（人次）")),
        ("station_activities", _("参加联络站活动（次）")),
        ("station_issues_handled", _("反映问题已办理（件）")),
        ("station_duty_days", _("扫码进站接待值班（天）")),
    )

    def is_available(self):
        return _model("liaison_stations.Visit") is not None and _model("liaison_stations.Issue") is not None

    def collect(self, *, year, deputy_ids, congress_id=None):
        Visit = _model("liaison_stations.Visit")
        Activity = _model("liaison_stations.Activity")
        Issue = _model("liaison_stations.Issue")
        from liaison_stations.models import RESOLVED_STATUSES

        first, last = m.year_bounds(year)
        start, end = year_range(year)
        result = {}

        def add(rows, mapping):
            for row in rows:
                figures = result.setdefault(row["deputy_id"], {})
                for source_key, metric in mapping.items():
                    figures[metric] = figures.get(metric, 0) + (row[source_key] or 0)

        visits = (
            _restrict(_of_congress(Visit.deputies.through.objects.filter(visit__received_on__gte=first, visit__received_on__lte=last),
                                   "visit__station__congress", congress_id), "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(n=Count("visit_id"), people=Sum("visit__people_count"))
            .order_by()
        )
        add(visits, {"n": "station_receptions", "people": "station_people"})
        activities = (
            _restrict(_of_congress(Activity.deputies.through.objects.filter(activity__starts_at__gte=start, activity__starts_at__lt=end),
                                   "activity__station__congress", congress_id), "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(n=Count("activity_id"))
            .order_by()
        )
        add(activities, {"n": "station_activities"})
        # Issues raised at the deputy's receptions, and messages left for the deputy
        # (a message has no visit, so the two never count the same issue twice).
        at_visits = (
            _restrict(
                _of_congress(Visit.deputies.through.objects.filter(
                    visit__received_on__gte=first, visit__received_on__lte=last, visit__issues__status__in=RESOLVED_STATUSES
                ), "visit__station__congress", congress_id),
                "deputy_id",
                deputy_ids,
            )
            .values("deputy_id")
            .annotate(n=Count("visit__issues", distinct=True))
            .order_by()
        )
        add(at_visits, {"n": "station_issues_handled"})
        messages = (
            _restrict(
                _of_congress(Issue.objects.filter(visit__isnull=True, created_at__gte=start, created_at__lt=end,
                                                  status__in=RESOLVED_STATUSES), "station__congress", congress_id),
                "addressed_to_id",
                deputy_ids,
            )
            .filter(addressed_to__isnull=False)
            .values("addressed_to_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        add(({"deputy_id": r["addressed_to_id"], "n": r["n"]} for r in messages), {"n": "station_issues_handled"})
        # 扫码进站: one row per deputy, station and day on duty.
        CheckIn = _model("liaison_stations.CheckIn")
        if CheckIn is not None:
            duty_days = (
                _restrict(_of_congress(CheckIn.objects.filter(on_date__gte=first, on_date__lte=last), "station__congress", congress_id),
                          "deputy_id", deputy_ids)
                .values("deputy_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            add(duty_days, {"n": "station_duty_days"})
        return result

    def details(self, *, year, deputy, congress_id=None):
        Visit = _model("liaison_stations.Visit")
        first, last = m.year_bounds(year)
        rows = (
            _of_congress(Visit.objects.filter(deputies=deputy, received_on__gte=first, received_on__lte=last), "station__congress", congress_id)
            .select_related("station")
            .order_by("received_on", "pk")
        )
        return [
            (v.received_on, _("%(station)s接待群众%(n)s人次") % {"station": v.station, "n": v.people_count}) for v in rows
        ]


class BallotSource(DutySource):
    """Livelihood-project ballots the deputy took part in: only the fact, which
    the voting app keeps apart from any ballot's content."""

    key = "ballots"
    label = _("民生实事项目票决")
    metrics = (
        ("ballots_taken_part", _("参加民生实事项目票决（次）")),
        ("project_proposals", _("提出民生实事项目建议（件）")),
    )

    def is_available(self):
        return _model("voting.BallotParticipation") is not None

    def collect(self, *, year, deputy_ids, congress_id=None):
        Participation = _model("voting.BallotParticipation")
        Proposal = _model("voting.Proposal")
        result = {}
        rows = (
            _restrict(_of_congress(Participation.objects.filter(ballot__call__year=year), "ballot__congress", congress_id),
                      "deputy_id", deputy_ids)
            .values("deputy_id")
            .annotate(n=Count("ballot_id", distinct=True))
            .order_by()
        )
        for row in rows:
            result.setdefault(row["deputy_id"], {})["ballots_taken_part"] = row["n"]
        if Proposal is not None:
            rows = (
                _restrict(_of_congress(Proposal.objects.filter(call__year=year, deputy__isnull=False), "call__congress", congress_id),
                          "deputy_id", deputy_ids)
                .values("deputy_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for row in rows:
                result.setdefault(row["deputy_id"], {})["project_proposals"] = row["n"]
        return result

    def details(self, *, year, deputy, congress_id=None):
        Participation = _model("voting.BallotParticipation")
        rows = _of_congress(Participation.objects.filter(deputy=deputy, ballot__call__year=year), "ballot__congress", congress_id)
        rows = rows.select_related("ballot").order_by("ballot_id")
        return [(None, str(p.ballot)) for p in rows]


SOURCES = [PlenarySource(), SuggestionSource(), StationSource(), TrainingSource(), BallotSource(), ActivitySource()]


def available_sources():
    return [source for source in SOURCES if source.is_available()]


def metric_labels():
    """Every metric a scoring item may name, with its label (also those of
    sources whose app has not landed yet, so staff can prepare the rules)."""
    return {key: label for source in SOURCES for key, label in source.metrics}


def zero_metrics():
    return {key: 0 for key in metric_labels()}


def as_number(value):
    """JSON-friendly: ints stay ints, Decimals become floats rounded to 0.1."""
    if isinstance(value, Decimal):
        return float(round(value, 1))
    return value or 0
