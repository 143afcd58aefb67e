"""Writing the audit trail. Services call these inside their own transaction."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .context import client_ip
from .masking import SENSITIVE_FIELDS, mask_value
from .models import AuditAction, AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # file fields
        return value.name or ""
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of an instance, JSON-ready, foreign keys as ids, sensitive ones masked."""
    result: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in ("password", "created_at", "updated_at"):
            continue
        value = getattr(instance, field.attname)
        value = _plain(value)
        if field.name in SENSITIVE_FIELDS or getattr(field, "sensitive", False):
            value = mask_value(field.name, value)
        result[field.name] = value
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), after.get(key)]
        for key in after.keys() | before.keys()
        if before.get(key) != after.get(key)
    }


def _actor_repr(actor) -> str:
    if actor is None:
        return "系统"
    name = getattr(actor, "display_name", "") or actor.get_full_name() or ""
    return f"{actor.get_username()}（{name}）" if name else actor.get_username()


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    changes: dict[str, list[Any]] | None = None,
    event: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_repr=_actor_repr(actor),
        action=action,
        event=event,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes or {},
        extra=extra or {},
        client_ip=client_ip.get(),
    )


def record_create(*, actor, instance: models.Model, event: str = "") -> AuditLog:
    after = snapshot(instance)
    return record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "")},
        event=event,
    )


def history(instance: models.Model):
    return AuditLog.objects.for_object(instance).select_related("actor")


def record_created_many(*, actor, instances: list[models.Model], event: str = "") -> None:
    """One CREATE record per instance, written in one statement (bulk writes such as a
    session's completions)."""
    if not instances:
        return
    content_type = ContentType.objects.get_for_model(instances[0])
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    who, ip = _actor_repr(actor), client_ip.get()
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor_id=actor_id,
                actor_repr=who,
                action=AuditAction.CREATE,
                event=event,
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes={k: [None, v] for k, v in snapshot(obj).items() if v not in (None, "")},
                client_ip=ip,
            )
            for obj in instances
        ],
        batch_size=1000,
    )
