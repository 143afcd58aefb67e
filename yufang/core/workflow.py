"""Lifecycles as tables: (status, action) -> (next status, who may). One service performs
every transition: lock the row, check the table and the actor, save, audit (django-oscar's
pipeline, with Hypha's lesson that nothing else may assign a status)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from . import audit
from .models import AuditAction

Check = Callable[[Any, models.Model], tuple[bool, str]]
Effect = Callable[..., None]


class TransitionError(ValidationError):
    pass


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    label: str
    allowed: Check
    # Runs inside the transaction, on the locked row, before it is saved: further field changes
    # and the money or other records the move implies. Raises ValidationError to refuse.
    effect: Effect | None = None
    style: str = "primary"
    needs_note: bool = False
    # What cannot be undone is confirmed first: the text says what will happen. `done` is
    # what the message afterwards says happened (default: 已<label>).
    confirm: str = ""
    done: str = ""
    # A move made only as part of another record's transition (a plan version submitted when
    # the project's plan is, an extension decided when the project's deadline is): never drawn
    # as a button, refused as unknown unless that transition's effect asks for it.
    internal: bool = False


# Every workflow by the model it moves, so a page or a message can find the transition made.
_BY_MODEL: dict[type[models.Model], list["Workflow"]] = {}


@dataclass
class Workflow:
    model: type[models.Model]
    transitions: list[Transition]
    status_field: str = "status"
    table: dict[tuple[str, str], Transition] = field(init=False)

    def __post_init__(self) -> None:
        self.table = {}
        for t in self.transitions:
            key = (t.source, t.action)
            if key in self.table:
                raise ValueError(f"duplicate transition {key}")
            self.table[key] = t
        _BY_MODEL.setdefault(self.model, []).append(self)

    @property
    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}

    @property
    def public_actions(self) -> set[str]:
        return {t.action for t in self.transitions if not t.internal}

    def _status_label(self, value: str) -> str:
        choices = dict(self.model._meta.get_field(self.status_field).choices)
        return str(choices.get(value, value))

    def options(self, obj: models.Model, user) -> list[tuple[Transition, bool, str]]:
        """Every move out of the current status, whether this user may make it, and why not."""
        current = getattr(obj, self.status_field)
        result = []
        for t in self.transitions:
            if t.source == current and not t.internal:
                ok, reason = t.allowed(user, obj)
                result.append((t, ok, reason))
        return result

    def perform(
        self, *, obj: models.Model, action: str, actor, note: str = "", internal: bool = False, **params: Any
    ) -> models.Model:
        """`internal=True` only from another transition's effect, for this table's internal moves."""
        if not internal and action in self.actions and action not in self.public_actions:
            raise TransitionError(f"未知的操作：{action}")
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.status_field)
            transition = self.table.get((current, action))
            if transition is None:
                if action not in self.actions:
                    raise TransitionError(f"未知的操作：{action}")
                raise TransitionError(f"当前状态为「{self._status_label(current)}」，不能执行此操作。")
            ok, reason = transition.allowed(actor, locked)
            if not ok:
                raise PermissionDenied(reason or "无权执行此操作。")
            if transition.needs_note and not note.strip():
                raise TransitionError("请填写说明。")
            before = audit.snapshot(locked)
            if transition.effect is not None:
                transition.effect(obj=locked, actor=actor, note=note, **params)
            setattr(locked, self.status_field, transition.target)
            changed = [name for name, value in audit.snapshot(locked).items() if before.get(name) != value]
            update_fields = [
                f.name for f in locked._meta.concrete_fields if f.name in changed or f.name == "updated_at"
            ]
            locked.save(update_fields=update_fields)
            audit.record(
                actor=actor,
                action=AuditAction.TRANSITION,
                instance=locked,
                event=action,
                changes=audit.diff(before, audit.snapshot(locked)),
                extra={
                    "from": current,
                    "to": transition.target,
                    "label": transition.label,
                    "note": note,
                },
            )
        # Keep the caller's object in step with what was saved.
        for f in locked._meta.concrete_fields:
            setattr(obj, f.attname, getattr(locked, f.attname))
        return obj


def status_of(obj: models.Model) -> str:
    """The current status of a record some workflow moves ('' when none does)."""
    for workflow in _BY_MODEL.get(type(obj), []):
        return getattr(obj, workflow.status_field)
    return ""


def done_message(obj: models.Model, action: str, previous: str) -> str:
    """What a transition just did, for the message after it: the record, what happened and the
    status it is in now."""
    for workflow in _BY_MODEL.get(type(obj), []):
        transition = workflow.table.get((previous, action))
        if transition is not None:
            now = workflow._status_label(getattr(obj, workflow.status_field))
            return f"「{obj}」{transition.done or '已' + transition.label}。当前状态：{now}。"
    return f"「{obj}」已保存。"
