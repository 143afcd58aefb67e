"""Generic audited writes that domain services build on (HackSoft's model_update, with the trail)."""

from typing import Any

from django.db import models, transaction

from . import audit
from .models import AuditAction


@transaction.atomic
def model_create[M: models.Model](*, model: type[M], data: dict[str, Any], actor, event: str = "") -> M:
    instance = model(**data)
    instance.full_clean()
    instance.save()
    audit.record_create(actor=actor, instance=instance, event=event)
    return instance


@transaction.atomic
def model_update[M: models.Model](
    *, instance: M, fields: list[str], data: dict[str, Any], actor, event: str = ""
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
def model_delete(*, instance: models.Model, actor, event: str = "") -> None:
    before = audit.snapshot(instance)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes={k: [v, None] for k, v in before.items() if v not in (None, "")},
        event=event,
    )
    instance.delete()


def rows_update(objs: list[models.Model], fields: list[str]) -> None:
    """Writes the named fields of many rows of one model: one parameterised UPDATE by primary key,
    run for every row at once (executemany). Django's bulk_update builds a CASE expression per
    field and row, which for thousands of rows costs far more than the writes. No audit: the
    calling service writes it."""
    if not objs:
        return
    from django.db import connection

    meta = type(objs[0])._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)}"
        f" WHERE {quote(meta.pk.column)} = %s"
    )
    params = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in columns] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
