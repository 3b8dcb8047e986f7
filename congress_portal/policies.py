"""The policy values staff edit in the portal (deadlines, reminder stages,
thresholds): each app registers its policy row from ``AppConfig.ready()``,
as it registers its notices, and the page (``policy_views``) lists them. So
this module imports no app, and an app's policy stays in its own models.

Every change goes through ``save_policy``: the row is locked, checked (the
model's own validators and ``clean``, plus the checks the app registered per
field, e.g. reminder stages strictly descending) and saved with its
simple_history row naming who changed it; the page shows that history."""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress_portal.accounts import roles
from congress_portal.notifications.models import NotificationPolicy

HISTORY_SHOWN = 10
COMMITTEE_LEVELS = ("national", "provincial")


@dataclass
class Policy:
    """One registered policy: its model, how to get the row that is edited,
    the fields shown (in order) and extra checks per field."""

    key: str
    model: type
    row: object  # callable -> the row
    fields: list
    checks: dict = field(default_factory=dict)
    order: int = 100

    @property
    def title(self):
        return self.model._meta.verbose_name


_POLICIES = {}


def register(model, *, row, fields=None, exclude=(), checks=None, order=100):
    """Register ``model``'s policy row (``row()`` returns it, created with the
    defaults when missing). ``fields``: shown and edited, default every
    editable one but ``exclude``; ``checks``: {field: callable(value)} raising
    ValidationError, beyond the model's own."""
    key = model._meta.label_lower
    if fields is None:
        fields = [
            f.name for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and not f.auto_created and f.name not in exclude
            and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
        ]
    _POLICIES[key] = Policy(key=key, model=model, row=row, fields=list(fields), checks=dict(checks or {}), order=order)


def registered():
    return sorted(_POLICIES.values(), key=lambda p: (p.order, p.key))


def get(key):
    return _POLICIES.get(key)


def can_edit_policies(user):
    """Committee-wide staff: the whole province (a superuser, a staff account
    without a congress) or the provincial committee's own staff. A county's or
    township's staff cannot change the rules every congress follows."""
    if not roles.is_staff_member(user):
        return False
    congress = roles.congress_of(user)
    return congress is None or congress.level in COMMITTEE_LEVELS


@transaction.atomic
def save_policy(*, key, values, actor):
    """Change the registered policy ``key`` to ``values`` ({field: value}):
    all or nothing, every error named by its field."""
    if not can_edit_policies(actor):
        raise PermissionDenied(_("只有代表工作委员会（全省）工作人员可以修改规则设置。"))
    policy = get(key)
    if policy is None:
        raise ValidationError(_("没有这项设置。"))
    unknown = set(values) - set(policy.fields)
    if unknown:
        raise ValidationError(_("不能修改这些项目：%(names)s。") % {"names": "、".join(sorted(unknown))})
    row = policy.model.objects.select_for_update().get(pk=policy.row().pk)
    if not row.history.exists():
        # A row a data migration made has no history: keep its values first, so
        # that the first change shows what it was.
        row._change_reason = _("修改前的数值")
        row.save()
    for name, value in values.items():
        setattr(row, name, value)
    errors = {}
    for name, check in policy.checks.items():
        try:
            check(getattr(row, name))
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    try:
        row.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    row._history_user = actor
    row._change_reason = _("门户规则设置页修改")
    row.save()
    return row


def history(policy, row, *, shown=HISTORY_SHOWN):
    """The last changes of ``row`` (newest first): when, who, and each
    changed field as (label, old, new). One query: consecutive history
    records are compared in Python."""
    records = list(row.history.select_related("history_user").order_by("-history_date", "-history_id")[: shown + 1])
    labels = {name: policy.model._meta.get_field(name).verbose_name for name in policy.fields}
    changes = []
    for newer, older in zip(records, records[1:] + [None]):
        if len(changes) == shown:
            break
        if older is None:
            fields = []
        else:
            fields = [(labels[n], _shown(older, n), _shown(newer, n)) for n in policy.fields
                      if getattr(older, n) != getattr(newer, n)]
        changes.append({"at": newer.history_date, "user": newer.history_user, "first": older is None,
                        "created": newer.history_type == "+", "fields": fields,
                        "reason": newer.history_change_reason or ""})
    return changes


def _shown(record, name):
    value = getattr(record, name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


# --------------------------------------------------------------------------- checks
def _days(value):
    try:
        days = [int(part) for part in str(value).replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise ValidationError(_("请填写以逗号分隔的天数，例如 30，7，1。")) from None
    if not days:
        raise ValidationError(_("请至少填写一个天数。"))
    if any(day < 1 for day in days):
        raise ValidationError(_("天数须为正整数。"))
    return days


def descending_days(value):
    """Stages before a deadline: positive, strictly descending (30，7，1)."""
    days = _days(value)
    if any(a <= b for a, b in zip(days, days[1:])):
        raise ValidationError(_("提醒天数须从大到小排列且不重复，例如 30，7，1。"))


def ascending_days(value):
    """Stages after an event: positive, strictly ascending (2，4)."""
    days = _days(value)
    if any(a >= b for a, b in zip(days, days[1:])):
        raise ValidationError(_("提醒天数须从小到大排列且不重复，例如 2，4。"))


# The notifications policy is registered here, not from its own app:
# congress_portal.notifications sits below this module (the layout imports it),
# so it must not import it back. Reminder stages before a deadline count down
# (30，7，1); those after an event count up (2，4).
register(
    NotificationPolicy, row=NotificationPolicy.current, order=20,
    checks={
        **{name: descending_days for name in (
            "reply_due_days", "co_opinion_due_days", "rehandling_due_days", "second_reply_due_days", "station_feedback_due_days")},
        **{name: ascending_days for name in ("acknowledgement_after_days", "cosign_after_days", "rating_after_days")},
    },
)
