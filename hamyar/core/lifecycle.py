"""One shape for every lifecycle, and one function that applies a step of it.

An app declares its lifecycle once, in its `choices.py`: for each action, the states it may start
from, the state it leads to and the roles that may take it. A service takes the step with
`transition(...)`, which does in one place what every transition needs: the row must be in the
actor's scope (404 otherwise, read together with its row lock), the actor's role must be allowed
(403), the current state must be a source (409); then the service's own work, the new state, one
save, exactly one AuditEvent, and notifications only once the transaction has committed. Any
refusal writes nothing.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, snapshot
from .errors import ApplicationError, NotFound, PermissionDenied
from .roles import Role
from .scoping import membership_of, scope

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Step:
    """One action of a lifecycle: from which states, to which state, by whom.

    `targets` names other states the service may choose instead of `target` (an invoice paid in part
    or in full); any state it sets outside them is a programming error.
    """

    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    targets: frozenset[str] = field(default_factory=frozenset)


class Lifecycle:
    """The declared lifecycle of one model: its actions (a TextChoices) and their steps."""

    def __init__(self, *, name: str, actions: type[models.TextChoices], steps: Mapping[str, Step],
                 field: str = "status", code: str | None = None, message: Any = None) -> None:
        missing = set(actions.values) - set(steps)
        if missing:
            raise ValueError(f"{name}: no step declared for {sorted(missing)}")
        self.name = name
        self.actions = actions
        self.steps = dict(steps)
        self.field = field
        self.code = code or f"{name}_state"
        self.message = message or _("It is “%(status)s” now; “%(action)s” is not allowed.")

    def step(self, action: str) -> Step:
        return self.steps[action]

    def allows(self, state: str, action: str) -> bool:
        return state in self.steps[action].sources

    def allowed_actions(self, state: str, role: Role | None) -> list[str]:
        """The actions a user of `role` may take from `state`: the buttons a page shows."""
        return [action for action, step in self.steps.items() if state in step.sources and role in step.roles]

    def state_error(self, obj: models.Model, action: str) -> ApplicationError:
        display = getattr(obj, f"get_{self.field}_display", lambda: getattr(obj, self.field))
        return ApplicationError(
            self.message % {"status": display(), "action": self.actions(action).label}, code=self.code)


@dataclass
class Move:
    """A step under way: the locked row, its state before, and what to do once it has committed."""

    obj: Any
    before: dict
    action: str
    _after_commit: list[Callable[[], object]] = field(default_factory=list)

    def on_commit(self, callback: Callable[[], object]) -> None:
        self._after_commit.append(callback)


def lock_in_scope(obj: M, acting_user: Any) -> M:
    """The row re-read under its lock, if the actor may see it: one query for both; NotFound if not."""
    manager = type(obj)._default_manager
    queryset = manager.select_for_update(of=("self",)) if _locks_rows() else manager.all()
    locked = scope(queryset, acting_user).filter(pk=obj.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _locks_rows() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_of


@contextmanager
def transition(lifecycle: Lifecycle, obj: models.Model, action: str, *, acting_user: Any,
               snapshot_of: Callable[[Any], dict] | None = None,
               audit_action: str | None = None, savepoint: bool = True) -> Iterator[Move]:
    """Take `action` on `obj` for `acting_user`; the `with` body does the step's own work on `move.obj`.

    `savepoint=False` when the caller's own atomic block already encloses the step (it locked another
    row first): a refusal then rolls back the caller's block, and two statements are saved.
    """
    step = lifecycle.step(action)
    take_snapshot = snapshot_of or snapshot
    with transaction.atomic(savepoint=savepoint):
        locked = lock_in_scope(obj, acting_user)
        membership = membership_of(acting_user)
        if membership is None or membership.role not in step.roles:
            raise PermissionDenied()
        state = getattr(locked, lifecycle.field)
        if state not in step.sources:
            raise lifecycle.state_error(locked, action)
        move = Move(obj=locked, before=take_snapshot(locked), action=action)
        yield move
        chosen = getattr(locked, lifecycle.field)
        if chosen == state or chosen not in step.targets:
            if chosen != state and chosen != step.target:
                raise ValueError(f"{lifecycle.name}.{action} may not lead to {chosen!r}")
            setattr(locked, lifecycle.field, step.target)
        locked.save()
        audit_record(actor=acting_user, action=audit_action or f"{lifecycle.name}.{action}", obj=locked,
                     before=move.before, after=take_snapshot(locked))
        for callback in move._after_commit:
            transaction.on_commit(callback)
    _refresh(obj, locked)


def _refresh(obj: models.Model, locked: models.Model) -> None:
    """The caller's instance shows the new state without another query."""
    if obj is not locked:
        for concrete in obj._meta.concrete_fields:
            setattr(obj, concrete.attname, getattr(locked, concrete.attname))
