"""Reminder stages computed by the database, and "not yet said" as an anti-join.

A reminder scan that rebuilt every due message in Python and let the insert
skip those already recorded did work in proportion to everything open (300,000
rows at 1,000,000 suggestions) on every run. Here each kind's query computes
the stage of every row in SQL (the same rules as ``text.due_stage`` and
``text.waiting_stage``) and keeps only the rows whose (recipient, kind, item,
stage) has no Notification yet: a NOT EXISTS probed on the unique index
``notification_said_once``. A repeat with nothing new returns no rows, and
only what is new is turned into a Message.

The unique constraint still decides what is said once: two scans at once both
find the same rows and the second insert skips them (``record_messages``)."""
import datetime

from django.db.models import Case, CharField, Exists, F, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat

from .models import Notification


class DaysFrom(Func):
    """``later - earlier`` in whole days, for two date expressions (or dates):
    PostgreSQL date arithmetic; julianday on SQLite, the demo's database."""

    output_field = IntegerField()

    def __init__(self, later, earlier):
        super().__init__(*(Value(day) if isinstance(day, datetime.date) else day for day in (later, earlier)))

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="((%(expressions)s::date))", arg_joiner="::date - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(", **extra_context,
        )


def _text(expression):
    return Cast(expression, CharField())


def due_stage(days_left, stages, overdue_every):
    """SQL for ``text.due_stage``: "d7" when the 7-day stage is the nearest one
    reached, "o2" in the second overdue period, NULL when nothing is due."""
    whens = []
    if overdue_every:
        periods = (-F(days_left) - 1) / Value(overdue_every) + 1
        whens.append(When(Q(**{f"{days_left}__lt": 0}), then=Concat(Value("o"), _text(periods))))
    else:
        whens.append(When(Q(**{f"{days_left}__lt": 0}), then=Value(None, output_field=CharField())))
    for stage in sorted(stages):  # the smallest stage reached is the nearest one
        whens.append(When(Q(**{f"{days_left}__lte": stage}), then=Value(f"d{stage}")))
    return Case(*whens, default=Value(None, output_field=CharField()), output_field=CharField())


def waiting_stage(days_waiting, stages):
    """SQL for ``text.waiting_stage``: "a4" once 4 days have passed (the largest reached)."""
    whens = [When(Q(**{f"{days_waiting}__gte": stage}), then=Value(f"a{stage}")) for stage in sorted(stages, reverse=True)]
    return Case(*whens, default=Value(None, output_field=CharField()), output_field=CharField())


def recipient_key(recipient_type, id_field):
    """SQL for ``Recipient.key`` ("unit:5") from a column of the outer row."""
    return Concat(Value(f"{recipient_type}:"), _text(OuterRef(id_field)), output_field=CharField())


def unsaid(queryset, *, recipient_type, recipient_field, kind, item_type, item_field, stage="stage"):
    """``queryset`` (already annotated with its stage and, when it varies by
    row, its kind) without the rows whose notification exists: a NOT EXISTS
    on the columns of the unique index. ``kind`` and ``stage`` name an
    annotation of the queryset, or ``kind`` is a constant."""
    kind_value = OuterRef(kind) if kind in queryset.query.annotations else Value(kind)
    said = Notification.objects.filter(
        recipient_key=recipient_key(recipient_type, recipient_field),
        kind=kind_value,
        item_type=item_type,
        item_id=OuterRef(item_field),
        stage=OuterRef(stage),
    )
    return queryset.filter(**{f"{stage}__isnull": False}).filter(~Exists(said))
