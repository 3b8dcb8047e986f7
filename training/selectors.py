"""Reads for training and duty records, with their joins and scoping."""
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from deputies.models import Deputy, DeputyGroupMembership, Level, Mandate, MandateStatus, Term

from . import models as m
from .models import EnrolmentStatus, RuleKind, SessionKind


# --- enrolment rules ------------------------------------------------------------


def deputy_ids_for_rule(rule):
    """The deputies a rule selects, as a queryset of ids. Only serving deputies:
    a rule enrols people who can attend."""
    serving = Mandate.objects.filter(status=MandateStatus.SERVING)
    if rule.kind == RuleKind.NEW_DEPUTIES_OF_TERM:
        return serving.filter(term_id=rule.term_id, first_term=True).values_list("deputy_id", flat=True).distinct()
    if rule.kind == RuleKind.LEVEL:
        return serving.filter(level=rule.level).values_list("deputy_id", flat=True).distinct()
    if rule.kind == RuleKind.GROUP:
        return (
            DeputyGroupMembership.objects.filter(group_id=rule.group_id)
            .filter(Exists(serving.filter(deputy_id=OuterRef("deputy_id"))))
            .values_list("deputy_id", flat=True)
        )
    if rule.kind == RuleKind.FIELD:
        return (
            Deputy.objects.filter(occupation=rule.field)
            .filter(Exists(serving.filter(deputy_id=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
    raise ValueError(rule.kind)


# --- sessions, enrolments, materials --------------------------------------------


def duty_records_visible_to(user):
    """Stored duty records (one per deputy, congress and year): staff those of
    their congress and the congresses below it (read-only); a deputy their own,
    one per congress; others none. A snapshot stored before records were kept
    per congress (no congress) is in no list."""
    qs = m.DutyRecord.objects.select_related("deputy", "congress").filter(congress__isnull=False)
    if roles.is_staff_member(user):
        return roles.scope_to_congress(qs, user, supervise=True)
    deputy = roles.deputy_of(user)
    return qs.filter(deputy=deputy) if deputy is not None else qs.none()


def activities_visible_to(user):
    """Duty activities: staff those of deputies with a mandate in their congress
    or one below it; a deputy their own; others none."""
    qs = m.DutyActivity.objects.select_related("deputy")
    if roles.is_staff_member(user):
        seen = roles.seen_congresses(user)
        if seen is None:
            return qs
        return qs.filter(Exists(Mandate.objects.filter(deputy=OuterRef("deputy_id"), congress__in=seen)))
    deputy = roles.deputy_of(user)
    return qs.filter(deputy=deputy) if deputy is not None else qs.none()


def sessions_readable_by(user):
    """Sessions to read (their pages): the staff's own congress's and those below it."""
    return sessions_visible_to(user, supervise=True)


def sessions_visible_to(user, *, supervise=False):
    """Staff see their own congress's sessions (``supervise``: to read, and
    those of the congresses below it); a deputy the sessions they are enrolled
    in; others none."""
    qs = m.TrainingSession.objects.select_related("plan__term__congress")
    if roles.is_staff_member(user):
        return roles.scope_to_congress(qs, user, "plan__term__congress", supervise=supervise).annotate(
            enrolled_count=Count("enrolments", distinct=True),
            attended_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ATTENDED), distinct=True),
        )
    deputy = roles.deputy_of(user)
    if deputy is None:
        return qs.none()
    return qs.filter(enrolments__deputy=deputy)


def enrolments_visible_to(user):
    qs = m.Enrolment.objects.select_related("session", "deputy")
    if roles.is_staff_member(user):
        return roles.scope_to_congress(qs, user, "session__plan__term__congress")
    deputy = roles.deputy_of(user)
    if deputy is None:
        return qs.none()
    return qs.filter(deputy=deputy)


def my_enrolments(deputy):
    """A deputy's sessions, newest first, with whether a leave request is pending."""
    pending = m.LeaveRequest.objects.filter(enrolment=OuterRef("pk"), status=m.LeaveStatus.PENDING)
    return (
        m.Enrolment.objects.filter(deputy=deputy)
        .select_related("session__plan__term__congress__area")  # labelled by congress: a deputy may sit in several
        .annotate(leave_pending=Exists(pending))
        .order_by("-session__starts_at", "pk")
    )


def hours_by_year(deputy):
    """[(year, sessions attended, hours)] of a deputy, newest year first."""
    tz = timezone.get_default_timezone()
    rows = {}
    for starts_at, hours in m.Enrolment.objects.filter(deputy=deputy, status=EnrolmentStatus.ATTENDED).values_list(
        "session__starts_at", "hours_credited"
    ):
        year = starts_at.astimezone(tz).year
        count, total = rows.get(year, (0, 0))
        rows[year] = (count + 1, total + hours)
    return [(year, *rows[year]) for year in sorted(rows, reverse=True)]


def leave_requests_visible_to(user):
    qs = m.LeaveRequest.objects.select_related("enrolment__session", "enrolment__deputy", "decided_by")
    if roles.is_staff_member(user):
        return roles.scope_to_congress(qs, user, "enrolment__session__plan__term__congress")
    deputy = roles.deputy_of(user)
    if deputy is None:
        return qs.none()
    return qs.filter(enrolment__deputy=deputy)


def materials_visible_to(user):
    qs = m.TrainingMaterial.objects.select_related("session")
    if roles.is_staff_member(user):
        # Library items of no session are shared by every congress.
        own = roles.acting_congress_ids(user)
        return qs if own is None else qs.filter(Q(session__isnull=True) | Q(session__plan__term__congress__in=own))
    deputy = roles.deputy_of(user)
    if deputy is None:
        return qs.none()
    # Shared library items, and those of sessions of the congresses the deputy sits in.
    mine = Mandate.objects.filter(deputy=deputy).values("congress_id")
    return qs.filter(is_published=True).filter(Q(session__isnull=True) | Q(session__plan__term__congress__in=mine))


def session_roll(session):
    return session.enrolments.select_related("deputy").order_by("deputy__name", "deputy_id")


# --- coverage -----------------------------------------------------------------------


def current_terms(on=None):
    on = on or timezone.localdate()
    return Term.objects.filter(start_date__lte=on, end_date__gte=on)


@dataclass
class CoverageRow:
    level: str
    level_label: str
    first_term: bool
    deputies: int = 0
    induction_done: int = 0
    duty_done: int = 0

    @property
    def induction_share(self):
        return self.induction_done / self.deputies if (self.deputies and self.first_term) else None

    @property
    def duty_share(self):
        return self.duty_done / self.deputies if self.deputies else None


@dataclass
class CoverageReport:
    terms: list
    rows: list = field(default_factory=list)

    def _sum(self, attr, rows):
        return sum(getattr(r, attr) for r in rows)

    @property
    def total(self):
        return self._sum("deputies", self.rows)

    @property
    def new_total(self):
        return self._sum("deputies", [r for r in self.rows if r.first_term])

    @property
    def induction_done(self):
        return self._sum("induction_done", [r for r in self.rows if r.first_term])

    @property
    def duty_done(self):
        return self._sum("duty_done", self.rows)

    @property
    def induction_share(self):
        return self.induction_done / self.new_total if self.new_total else None

    @property
    def duty_share(self):
        return self.duty_done / self.total if self.total else None

    @property
    def fully_covered(self):
        """履职学习全覆盖: every deputy of the terms attended duty training."""
        return self.total > 0 and self.duty_done == self.total

    def chart(self):
        """The coverage chart (static/js/charts.js): a bar per row of the table,
        the induction and duty shares in percent (no induction bar for
        returning deputies, who owe none)."""

        def percent(share):
            return None if share is None else round(share * 100, 1)

        return {
            "kind": "bars",
            "percent": True,
            "labels": [f"{row.level_label}·{_('新任代表') if row.first_term else _('连任代表')}" for row in self.rows],
            "datasets": [
                {"label": _("初任覆盖率"), "values": [percent(row.induction_share) for row in self.rows]},
                {"label": _("履职覆盖率"), "values": [percent(row.duty_share) for row in self.rows]},
            ],
        }


def _completion(kind, required_hours):
    """Exists: the mandate's deputy attended sessions of ``kind`` held within the
    mandate's term (whoever organised them) adding up to the required hours
    (0 = any one session)."""
    attended = m.Enrolment.objects.filter(
        deputy_id=OuterRef("deputy_id"),
        status=EnrolmentStatus.ATTENDED,
        session__kind=kind,
        session__starts_at__date__gte=OuterRef("term__start_date"),
        session__starts_at__date__lte=OuterRef("term__end_date"),
    )
    if required_hours:
        attended = attended.values("deputy_id").annotate(total=Sum("hours_credited")).filter(total__gte=required_hours)
    return Exists(attended)


def coverage_mandates(*, terms, level=None, policy=None):
    """Serving mandates of the terms annotated with ``induction_done`` and
    ``duty_done``. New deputies (first_term) need induction; everyone needs duty
    training."""
    policy = policy or m.TrainingPolicy.current()
    qs = Mandate.objects.filter(term__in=terms, status=MandateStatus.SERVING)
    if level:
        qs = qs.filter(level=level)
    return qs.annotate(
        induction_done=_completion(SessionKind.INDUCTION, policy.induction_required_hours),
        duty_done=_completion(SessionKind.DUTY, policy.duty_required_hours),
    )


def not_covered(*, terms, level=None, policy=None):
    """The mandates still missing training: a new deputy without induction, or
    anyone without duty training; with the names, for the report and export."""
    return (
        coverage_mandates(terms=terms, level=level, policy=policy)
        .filter(Q(first_term=True, induction_done=False) | Q(duty_done=False))
        .select_related("deputy", "term__congress", "delegation")
        .order_by("level", "term_id", "deputy__name", "deputy_id")
    )


def coverage_report(*, terms, level=None, policy=None):
    """Shares by level and by new/returning, in one grouped query."""
    policy = policy or m.TrainingPolicy.current()
    qs = Mandate.objects.filter(term__in=terms, status=MandateStatus.SERVING)
    if level:
        qs = qs.filter(level=level)
    grouped = (
        qs.values("level", "first_term")
        .annotate(
            deputies=Count("pk"),
            induction_done=Count("pk", filter=_completion(SessionKind.INDUCTION, policy.induction_required_hours)),
            duty_done=Count("pk", filter=_completion(SessionKind.DUTY, policy.duty_required_hours)),
        )
        .order_by()
    )
    level_order = {value: index for index, value in enumerate(Level.values)}
    labels = dict(Level.choices)
    report = CoverageReport(terms=list(terms) if not isinstance(terms, list) else terms)
    for row in grouped:
        report.rows.append(
            CoverageRow(
                level=row["level"],
                level_label=labels.get(row["level"], row["level"]),
                first_term=row["first_term"],
                deputies=row["deputies"],
                induction_done=row["induction_done"] if row["first_term"] else 0,
                duty_done=row["duty_done"],
            )
        )
    report.rows.sort(key=lambda r: (level_order.get(r.level, 99), not r.first_term))
    return report


def plans_run_by(user):
    """The training plans whose sessions this staff user may add or change: its own congress's."""
    return roles.scope_to_congress(
        m.TrainingPlan.objects.select_related("term__congress"), user, "term__congress"
    ).order_by("-year", "title", "pk")


def terms_run_by(user):
    """The terms a staff user may plan training for: its own congress's
    (every congress's for the whole province), the latest first."""
    return roles.scope_to_congress(Term.objects.select_related("congress"), user, "congress").order_by(
        "-end_date", "congress__area__code", "pk"
    )
