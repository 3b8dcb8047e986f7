"""The job registry: every app declares its kinds of background job and
registers them from its ``AppConfig.ready()``, like its notices::

    registry.register(registry.JobKind(
        name="deputies.roster_import",
        label=_("代表名册导入"),
        run=run_roster_import,              # (*, job, progress) -> JobOutcome, or raise JobRefused
        may_start=can_import_deputies,      # (user) -> bool
    ))

The worker (``services.run_job``) looks the kind up by the name stored on the
row. This module imports no app: the dependency points from each app here.
"""
from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class JobKind:
    name: str
    label: object
    run: Callable
    may_start: Callable
    # A template included on the result page (the kind's own next step), or "".
    result_template: str = ""


@dataclass
class JobOutcome:
    """What a finished job reports: ``summary`` is a list of [label, value]
    rows for the result page; ``output`` an optional (download name, File)."""

    summary: list = field(default_factory=list)
    output: tuple | None = None
    message: str = ""
    extra: dict = field(default_factory=dict)  # kept in Job.result for the kind's result template


class JobRefused(Exception):
    """The job refused its input and wrote nothing: ``errors`` are dicts
    {"row", "column", "message"} (row 0 or column "" when not about a cell);
    ``error_count`` how many there were when only the first are passed."""

    def __init__(self, message, *, errors=(), error_count=None, summary=(), extra=None):
        super().__init__(message)
        self.extra = dict(extra or {})
        self.message = str(message)
        self.errors = list(errors)
        self.error_count = len(self.errors) if error_count is None else error_count
        self.summary = list(summary)


_kinds = {}


def register(kind):
    """Register a kind of job (idempotent per name)."""
    _kinds[kind.name] = kind


def get(name):
    try:
        return _kinds[name]
    except KeyError:
        raise ValidationError(_("没有这种后台任务：%(name)s。") % {"name": name}) from None


def label_of(name):
    kind = _kinds.get(name)
    return kind.label if kind else name


def result_template_of(name):
    kind = _kinds.get(name)
    return kind.result_template if kind else ""
