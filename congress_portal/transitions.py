"""The one way a lifecycle moves: a table of moves and one transition service.

Every app with a lifecycle (suggestions, station issues, ballots, candidate
projects, and what comes after them) declares a ``Lifecycle``: its model, its
event model, a table of ``Move``s (from which states, to which state, which
kinds of actor, who sees the event on a timeline) and how to tell which kinds
of actor a user is for one row. ``Lifecycle.transition`` is then the only writer
of the row's ``status``:

1. lock the row (``select_for_update``);
2. refuse a move the table does not allow from the current state, with the
   reason, or an actor of a kind the move does not name (``PermissionDenied``);
   a move that became impossible because someone else moved the row since the
   caller read it is refused with code ``"conflict"`` (HTTP 409);
3. let the caller's ``apply`` set the move's own fields and do its own writes;
4. write the new state with ``update_fields`` and an event row (old, new,
   actor, time, note);
5. after commit, tell the notification registry (``notifications.registry``)
   that the event happened, so each app's notices decide who is told.

A move whose ``target`` is None keeps the state and is still recorded (a unit
acknowledging a suggestion). Moves that create their row (submitting a
suggestion) call ``record_event`` themselves.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_portal.notifications import registry


@dataclass(frozen=True)
class Move:
    label: object
    sources: frozenset
    target: object  # a state, or None when the state stays
    actors: frozenset
    public: bool = False  # shown on the public timeline (where there is one)
    to_deputy: bool = True  # shown on the deputy's timeline (where there is one)

    def target_from(self, state):
        return self.target if self.target is not None else state


def move(label, sources, target, actors, *, public=False, to_deputy=True):
    """A row of a move table: ``move(_("交办"), [S.REGISTERED], S.ASSIGNED, [STAFF], public=True)``."""
    return Move(label, frozenset(sources), target, frozenset(actors), public, to_deputy)


_AS_READ = object()  # the state of the object the caller passed
_by_event_model = {}  # "app_label.EventModel" -> Lifecycle


def move_label(event, move_name):
    """The label of ``move_name`` in the table of the lifecycle that writes
    ``event``'s model (for an event row's ``move_label``; the name itself when
    the move is no longer in the table)."""
    lifecycle = _by_event_model.get(type(event)._meta.label)
    spec = lifecycle.moves.get(move_name) if lifecycle is not None else None
    return spec.label if spec is not None else move_name


class Lifecycle:
    """A model's table of moves and the transition service over it.

    Subclasses (or instances given keyword arguments) set:

    * ``model``: the model whose ``status_field`` this lifecycle writes;
    * ``event_model`` and ``subject_field``: the event table and its foreign key
      to the model; ``event_fields`` maps the event's parts to its columns;
    * ``moves``: ``{name: Move}``; ``actor_labels``: ``{kind: label}`` for refusals;
    * ``noun``: what the row is called in a refusal ("建议", "问题", "票决");
    * ``actor_kinds(user, obj)``: the set of actor kinds ``user`` is for ``obj``.
    """

    model = None
    event_model = None
    subject_field = None
    status_field = "status"
    moves = {}
    actor_labels = {}
    noun = ""
    # event column for each part of an event; None leaves a part out
    event_fields = {
        "move": "move", "old": "from_status", "new": "to_status", "actor": "actor", "note": "note", "at": "at",
        "public": None, "to_deputy": None,
    }

    def __init__(self, **attributes):
        for name, value in attributes.items():
            if not hasattr(type(self), name):
                raise TypeError(f"unknown lifecycle attribute {name!r}")
            setattr(self, name, value)
        if self.event_model is not None:
            _by_event_model[self.event_model._meta.label] = self

    # -------------------------------------------------------------- the table

    @property
    def event_source(self):
        """The name notices register their event handler under: "app_label.EventModel"."""
        return self.event_model._meta.label

    def allowed_moves(self, state):
        """The moves the table allows from ``state`` (whoever makes them)."""
        return [name for name, spec in self.moves.items() if state in spec.sources]

    def actor_kinds(self, user, obj):
        raise NotImplementedError

    def state_label(self, state):
        field = self.model._meta.get_field(self.status_field)
        return str(dict(field.flatchoices).get(state, state))

    def check(self, obj, move_name, actor):
        """Raise unless the table allows ``move_name`` from ``obj``'s state and
        ``actor`` is of a kind allowed to make it. Returns the Move."""
        spec = self.moves.get(move_name)
        if spec is None:
            raise ValidationError(_("未知的操作：%(move)s。") % {"move": move_name}, code="unknown_move")
        state = getattr(obj, self.status_field)
        if state not in spec.sources:
            raise ValidationError(
                _("%(noun)s当前状态为「%(status)s」，不能执行「%(move)s」。")
                % {"noun": self.noun, "status": self.state_label(state), "move": spec.label},
                code="invalid_move",
            )
        if not (self.actor_kinds(actor, obj) & spec.actors):
            raise PermissionDenied(
                _("「%(move)s」只能由%(actors)s办理。")
                % {"move": spec.label,
                   "actors": "、".join(str(self.actor_labels.get(a, a)) for a in sorted(spec.actors))}
            )
        return spec

    # ---------------------------------------------------------- the service

    def lock(self, obj, *, related=()):
        """The row, locked until the end of the transaction."""
        queryset = self.model.objects.select_for_update(of=("self",)) if related else self.model.objects.select_for_update()
        if related:
            queryset = queryset.select_related(*related)
        return queryset.get(pk=obj.pk)

    def transition(self, obj, move_name, *, actor, note="", expected_status=_AS_READ, fields=None, apply=None,
                   related=(), event=None):
        """Make ``move_name`` on ``obj`` as ``actor``; returns the event row.

        Runs inside the caller's transaction (it opens one if there is none).
        ``expected_status`` is the state the caller saw when it decided to act
        (by default ``obj``'s own; None: do not tell a conflict apart): if the
        row was moved meanwhile so that the move is no longer possible, the
        refusal's code is ``"conflict"`` rather than ``"invalid_move"``.
        ``apply(locked)`` sets further fields on the locked row (listed in
        ``fields``) and does the move's own writes, after the checks and before
        the state is saved. ``event`` holds extra columns of the event row.
        ``obj`` is refreshed with the new state and fields."""
        if expected_status is _AS_READ:
            expected_status = getattr(obj, self.status_field, None)
        with transaction.atomic():
            locked = self.lock(obj, related=related)
            current = getattr(locked, self.status_field)
            spec = self.moves.get(move_name)
            if spec is not None and expected_status is not None and current != expected_status and current not in spec.sources:
                raise ValidationError(
                    _("该%(noun)s刚被他人处理，当前状态为「%(status)s」，请刷新后再试。")
                    % {"noun": self.noun, "status": self.state_label(current)},
                    code="conflict",
                )
            spec = self.check(locked, move_name, actor)
            if apply is not None:
                apply(locked)
            new = spec.target_from(current)
            setattr(locked, self.status_field, new)
            update_fields = [self.status_field, *self._auto_now_fields(), *(fields or [])]
            locked.save(update_fields=list(dict.fromkeys(update_fields)))
            row = self.record_event(obj=locked, move_name=move_name, old=current, new=new, actor=actor, note=note,
                                    **(event or {}))
        for name in update_fields:
            setattr(obj, name, getattr(locked, name))
        return row

    def _auto_now_fields(self):
        return [f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]

    def record_event(self, *, obj, move_name, old, new, actor, note="", **extra):
        """Write the event row and tell the registry after commit. Used by
        ``transition`` and by moves that create their row."""
        spec = self.moves[move_name]
        parts = {
            "move": move_name, "old": old or "", "new": new, "actor": actor if getattr(actor, "pk", None) else None,
            "note": note, "at": timezone.now(), "public": spec.public, "to_deputy": spec.to_deputy,
        }
        values = {column: parts[part] for part, column in self.event_fields.items() if column}
        values[self.subject_field] = obj
        values.update(extra)
        row = self.event_model.objects.create(**values)
        source = self.event_source
        transaction.on_commit(lambda: registry.event_recorded(source, row.pk))
        return row
