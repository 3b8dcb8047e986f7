"""Every write of the training app: keyword-only functions that raise Django's
ValidationError / PermissionDenied. Pages, the API, admin actions and tasks call
these and nothing else writes enrolment status, attendance or hours."""
import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.notifications import registry

from . import models as m
from . import permissions, selectors
from .duty.records import collect_metrics, congresses_of_year, scoring_items, total_score
from .models import EnrolmentSource, EnrolmentStatus, LeaveStatus
from .tokens import session_id_from_token

BATCH = 2000


def _require_staff(actor, session=None):
    """Staff; of the training session's congress when ``session`` is given."""
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以进行此操作。"))
    if session is not None and not permissions.can_manage_session(actor, session):
        raise PermissionDenied(_("只能办理本级人大的事项。"))


SESSION_FIELDS = ("plan", "title", "kind", "form", "field", "starts_at", "ends_at", "venue", "hours", "organiser", "description")


@transaction.atomic
def save_session(*, actor, session=None, **fields):
    """Create a training session, or change one (``session``). The plan's
    congress, and for a change also the session's current one, must be the
    actor's own; the model's checks (times, a thematic session's field) apply."""
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"not session fields: {sorted(unknown)}")
    if session is not None:
        # The stored row decides whose it is; the caller's object (with the
        # figures its list annotated) is the one changed and saved.
        _require_staff(actor, m.TrainingSession.objects.select_for_update().select_related("plan__term").get(pk=session.pk))
    else:
        session = m.TrainingSession()
    for name, value in fields.items():
        setattr(session, name, value)
    _require_staff(actor, session)
    session.full_clean()
    session.save()
    return session


PLAN_FIELDS = ("term", "year", "title", "description")


@transaction.atomic
def save_plan(*, actor, plan=None, **fields):
    """Create a yearly training plan, or change one (``plan``). The term's
    congress, and for a change also the plan's current one, must be the
    actor's own; the model's checks apply (the year within the term, one
    title per term and year)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(_("只有代表工作委员会工作人员可以进行此操作。"))
    if plan is not None:
        stored = m.TrainingPlan.objects.select_for_update().select_related("term").get(pk=plan.pk)
        if not permissions.can_manage_plan(actor, stored):
            raise PermissionDenied(_("只能办理本级人大的事项。"))
    else:
        plan = m.TrainingPlan()
    for name, value in fields.items():
        setattr(plan, name, value)
    if not permissions.can_manage_plan(actor, plan):
        raise PermissionDenied(_("只能办理本级人大的事项。"))
    plan.full_clean()
    plan.save()
    return plan


def notify_enrolled(session_id, deputy_ids):
    """Tell the notice registry that these deputies were enrolled in the
    session (run after commit; the enrolment rows are their own events)."""
    enrolment_ids = m.Enrolment.objects.filter(session_id=session_id, deputy_id__in=list(deputy_ids)).values_list(
        "pk", flat=True
    )
    registry.events_recorded(m.Enrolment._meta.label, enrolment_ids)


def _notify_enrolled(session_id, deputy_ids):
    if deputy_ids:
        ids = list(deputy_ids)
        transaction.on_commit(lambda: notify_enrolled(session_id, ids))


def _enrol_ids(*, session, deputy_ids, source, rule=None):
    """Insert the missing enrolments in batches; returns the deputy ids newly enrolled."""
    wanted = set(deputy_ids)
    already = set(m.Enrolment.objects.filter(session=session).values_list("deputy_id", flat=True))
    new_ids = sorted(wanted - already)
    rows = [m.Enrolment(session=session, deputy_id=deputy_id, source=source, rule=rule) for deputy_id in new_ids]
    # ignore_conflicts: a concurrent enrolment of the same deputy is not an error.
    m.Enrolment.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return new_ids


@transaction.atomic
def enrol_deputies(*, session, deputies, actor):
    """Enrol deputies by hand. Those already on the roll are left as they are."""
    _require_staff(actor, session)
    new_ids = _enrol_ids(session=session, deputy_ids=[d.pk for d in deputies], source=EnrolmentSource.HAND)
    _notify_enrolled(session.pk, new_ids)
    return len(new_ids)


@transaction.atomic
def add_enrolment_rule(*, session, kind, actor, term=None, level="", group=None, field=""):
    """Record a rule on the session and apply it at once."""
    _require_staff(actor, session)
    rule = m.EnrolmentRule(session=session, kind=kind, term=term, level=level or "", group=group, field=field or "")
    rule.full_clean()
    rule.save()
    apply_enrolment_rule(rule=rule, actor=actor)
    rule.refresh_from_db()
    return rule


@transaction.atomic
def apply_enrolment_rule(*, rule, actor):
    """Enrol everyone the rule selects who is not yet on the roll (set-based:
    one query for the selection, one for the roll, batched inserts)."""
    _require_staff(actor, rule.session)
    rule = m.EnrolmentRule.objects.select_for_update().get(pk=rule.pk)
    new_ids = _enrol_ids(
        session=rule.session, deputy_ids=selectors.deputy_ids_for_rule(rule), source=EnrolmentSource.RULE, rule=rule
    )
    rule.applied_at = timezone.now()
    rule.enrolled_count = len(new_ids)
    rule.save(update_fields=["applied_at", "enrolled_count"])
    _notify_enrolled(rule.session_id, new_ids)
    return len(new_ids)


@transaction.atomic
def withdraw_enrolment(*, enrolment, actor):
    _require_staff(actor, enrolment.session)
    enrolment = m.Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.ATTENDED:
        raise ValidationError(_("已参加培训的报名不能撤销。"), code="attended")
    enrolment.delete()


def _checkin_window(session, policy):
    opens = session.starts_at - datetime.timedelta(minutes=policy.checkin_opens_minutes_before)
    closes = session.ends_at + datetime.timedelta(minutes=policy.checkin_closes_minutes_after)
    return opens, closes


@transaction.atomic
def check_in(*, user, token, now=None):
    """A deputy scanned the session's QR code. The token must be genuine and
    fresh, the session open for check-in and the deputy on its roll. Checking in
    twice is harmless: the first time stands."""
    now = now or timezone.now()
    policy = m.TrainingPolicy.current()
    session_id = session_id_from_token(token, max_age_minutes=policy.checkin_token_minutes)
    deputy = roles.deputy_of(user)
    if deputy is None:
        raise PermissionDenied(_("只有人大代表可以扫码签到。"))
    try:
        enrolment = (
            m.Enrolment.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(session_id=session_id, deputy=deputy)
        )
    except m.Enrolment.DoesNotExist:
        raise ValidationError(_("您未报名参加该培训，请联系工作人员。"), code="not_enrolled")
    session = enrolment.session
    opens, closes = _checkin_window(session, policy)
    if not opens <= now <= closes:
        raise ValidationError(_("不在签到时间内。"), code="outside_window")
    if enrolment.status == EnrolmentStatus.ATTENDED:
        return enrolment
    _attend(enrolment, method=m.CheckInMethod.QR, at=now, hours=session.hours)
    return enrolment


def _attend(enrolment, *, method, at, hours):
    enrolment.status = EnrolmentStatus.ATTENDED
    enrolment.checked_in_at = at
    enrolment.check_in_method = method
    enrolment.hours_credited = hours
    enrolment.save(update_fields=["status", "checked_in_at", "check_in_method", "hours_credited"])


@transaction.atomic
def mark_attendance(*, enrolment, attended, actor, hours=None, now=None):
    """Staff record attendance (or undo it). ``hours`` overrides the session's
    hours, e.g. for a deputy who left halfway."""
    _require_staff(actor, enrolment.session)
    enrolment = m.Enrolment.objects.select_for_update(of=("self",)).select_related("session").get(pk=enrolment.pk)
    if attended:
        credited = enrolment.session.hours if hours is None else hours
        if credited < 0 or credited > enrolment.session.hours:
            raise ValidationError({"hours": _("认定学时应在0到本班次学时之间。")})
        _attend(enrolment, method=m.CheckInMethod.STAFF, at=now or timezone.now(), hours=credited)
    else:
        approved = enrolment.leave_requests.filter(status=LeaveStatus.APPROVED).exists()
        enrolment.status = EnrolmentStatus.ON_LEAVE if approved else EnrolmentStatus.ENROLLED
        enrolment.checked_in_at = None
        enrolment.check_in_method = ""
        enrolment.hours_credited = 0
        enrolment.save(update_fields=["status", "checked_in_at", "check_in_method", "hours_credited"])
    return enrolment


@transaction.atomic
def request_leave(*, enrolment, reason, user, now=None):
    now = now or timezone.now()
    enrolment = m.Enrolment.objects.select_for_update(of=("self",)).select_related("session").get(pk=enrolment.pk)
    if not permissions.can_request_leave(user, enrolment):
        raise PermissionDenied(_("只能为本人的报名请假。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写请假事由。")})
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("该报名当前不能请假。"), code="not_enrolled_state")
    if now >= enrolment.session.ends_at:
        raise ValidationError(_("培训已结束，不能再请假。"), code="session_over")
    if enrolment.leave_requests.filter(status=LeaveStatus.PENDING).exists():
        raise ValidationError(_("已有待审批的请假申请。"), code="conflict")
    return m.LeaveRequest.objects.create(enrolment=enrolment, reason=reason.strip())


@transaction.atomic
def decide_leave(*, leave_request, approve, actor, note="", now=None):
    _require_staff(actor, leave_request.enrolment.session)
    leave_request = m.LeaveRequest.objects.select_for_update().get(pk=leave_request.pk)
    if leave_request.status != LeaveStatus.PENDING:
        raise ValidationError(_("该请假申请已审批。"), code="conflict")
    enrolment = m.Enrolment.objects.select_for_update().get(pk=leave_request.enrolment_id)
    leave_request.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    leave_request.decided_by = actor
    leave_request.decided_at = now or timezone.now()
    leave_request.decision_note = note or ""
    leave_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve and enrolment.status == EnrolmentStatus.ENROLLED:
        enrolment.status = EnrolmentStatus.ON_LEAVE
        enrolment.save(update_fields=["status"])
    return leave_request


# --- duty records ------------------------------------------------------------------


@transaction.atomic
def record_plenary_attendance(*, session, deputies, status, actor, note=""):
    """Record (or correct) the attendance of deputies at a plenary, in bulk."""
    _require_staff(actor)
    if not roles.acts_on(actor, session.term.congress_id):
        raise PermissionDenied(_("只能办理本级人大的事项。"))
    if status not in m.PlenaryAttendanceStatus.values:
        raise ValidationError({"status": _("出席情况不正确。")})
    rows = [
        m.PlenaryAttendance(session=session, deputy_id=d.pk if hasattr(d, "pk") else d, status=status, note=note, recorded_by=actor)
        for d in deputies
    ]
    m.PlenaryAttendance.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["session", "deputy"],
        update_fields=["status", "note", "recorded_by", "recorded_at"],
    )
    return len(rows)


@transaction.atomic
def record_activity(*, deputy, kind, title, date, actor, description="", congress=None):
    """An activity done as a deputy of ``congress`` (default: the recording staff's
    congress, or for staff of the whole province the congress of the deputy's first mandate)."""
    _require_staff(actor)
    congress = congress or roles.congress_of(actor) or _first_congress(deputy)
    if congress is not None:
        if not roles.acts_on(actor, congress.pk):
            raise PermissionDenied(_("只能登记本级人大代表的履职活动。"))
        if not deputy.mandates.filter(congress=congress).exists():
            raise ValidationError({"deputy": _("%(name)s不是%(congress)s代表。") % {"name": deputy.name, "congress": congress}})
    activity = m.DutyActivity(
        deputy=deputy, congress=congress, kind=kind, title=title, date=date, description=description, recorded_by=actor,
    )
    activity.full_clean()
    activity.save()
    return activity


def _first_congress(deputy):
    mandate = deputy.mandates.select_related("congress").order_by("start_date", "pk").first()
    return mandate.congress if mandate else None


def refresh_duty_records(*, year, congress_id=None, now=None, batch_size=5000):
    """Recompute the year's records of every deputy of the congress
    ``congress_id`` as that congress's deputy (its suggestions, trainings,
    station duty, ballots, plenaries and activities) and store the snapshots;
    without ``congress_id``, those of every congress with deputies that year,
    one congress after another, and the year's snapshots stored before records
    were kept per congress are removed. Per congress a handful of grouped queries
    whatever the number of deputies, then one upsert: on PostgreSQL through COPY
    into a temporary table and a single INSERT ... ON CONFLICT (five times faster
    than batched INSERTs at 140,000 rows), elsewhere batched bulk_create. Safe
    to run twice or concurrently: the upsert is keyed on (deputy, congress, year).
    Returns the number of records stored."""
    now = now or timezone.now()
    if congress_id is not None:
        return _refresh_congress_records(year=year, congress_id=congress_id, now=now, batch_size=batch_size)
    stored = 0
    for each in congresses_of_year(year):
        stored += _refresh_congress_records(year=year, congress_id=each, now=now, batch_size=batch_size)
    with transaction.atomic():
        # Congresses without deputies that year, and the snapshots over all work, lose theirs.
        m.DutyRecord.objects.filter(year=year).exclude(computed_at=now).delete()
    return stored


def _refresh_congress_records(*, year, congress_id, now, batch_size):
    metrics_by_deputy = collect_metrics(year=year, fill_zeros=False, congress_id=congress_id)
    rule_set = m.ScoringRuleSet.for_year(year)
    items = scoring_items(rule_set)
    rows = [
        (deputy_id, metrics, total_score(metrics, items)) for deputy_id, metrics in metrics_by_deputy.items()
    ]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _upsert_records_copy(rows, year=year, congress_id=congress_id, rule_set=rule_set, now=now)
        else:
            m.DutyRecord.objects.bulk_create(
                [
                    m.DutyRecord(deputy_id=d, congress_id=congress_id, year=year, metrics=metrics, score=score,
                                 rule_set=rule_set, computed_at=now)
                    for d, metrics, score in rows
                ],
                batch_size=batch_size,
                update_conflicts=True,
                unique_fields=["deputy", "congress", "year"],
                update_fields=["metrics", "score", "rule_set", "computed_at"],
            )
        # Deputies no longer in the congress's population that year lose their stale snapshot.
        m.DutyRecord.objects.filter(year=year, congress_id=congress_id).exclude(computed_at=now).delete()
    return len(rows)


def _upsert_records_copy(rows, *, year, congress_id, rule_set, now):
    table = m.DutyRecord._meta.db_table
    rule_set_id = rule_set.pk if rule_set else None
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg 3, for COPY
        # Dropped at commit; dropped here too for a second refresh in the same transaction.
        cursor.execute("DROP TABLE IF EXISTS training_dutyrecord_stage")
        cursor.execute(
            "CREATE TEMP TABLE training_dutyrecord_stage (deputy_id bigint, metrics jsonb, score numeric(8, 2)) ON COMMIT DROP"
        )
        with cursor.copy("COPY training_dutyrecord_stage (deputy_id, metrics, score) FROM STDIN") as copy:
            for deputy_id, metrics, score in rows:
                copy.write_row((deputy_id, json.dumps(metrics), score))
        cursor.execute(
            f"""INSERT INTO {table} (deputy_id, congress_id, year, metrics, score, rule_set_id, computed_at)
                SELECT deputy_id, %s, %s, metrics, score, %s, %s FROM training_dutyrecord_stage
                ON CONFLICT (deputy_id, congress_id, year) DO UPDATE SET metrics = EXCLUDED.metrics, score = EXCLUDED.score,
                    rule_set_id = EXCLUDED.rule_set_id, computed_at = EXCLUDED.computed_at""",
            [congress_id, year, rule_set_id, now],
        )
