"""Generic audited writes that domain services build on (HackSoft's model_update, with the trail)."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction

from . import audit
from .models import AuditAction


@transaction.atomic
def model_create[M: models.Model](
    *, model: type[M], data: dict[str, Any], actor: AbstractBaseUser, event: str = ""
) -> M:
    instance = model(**data)
    instance.full_clean()
    instance.save()
    audit.record_create(actor=actor, instance=instance, event=event)
    return instance


@transaction.atomic
def model_update[M: models.Model](
    *, instance: M, fields: list[str], data: dict[str, Any], actor: AbstractBaseUser, event: str = ""
) -> tuple[M, bool]:
    """Set the named fields from data, validate, save only what changed, audit the difference."""
    before = audit.snapshot(instance, fields)
    changed_fields = []
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed_fields.append(field)
    if not changed_fields:
        return instance, False
    instance.full_clean()
    update_fields = [*changed_fields]
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    changes = audit.diff(before, audit.snapshot(instance, fields))
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes, event=event)
    return instance, True


@transaction.atomic
def model_delete(*, instance: models.Model, actor: AbstractBaseUser, event: str = "") -> None:
    before = audit.snapshot(instance)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes={k: [v, None] for k, v in before.items() if v not in (None, "")},
        event=event,
    )
    instance.delete()
