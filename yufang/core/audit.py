"""Writing the audit trail (services call these inside their own transaction) and reading it
back as people read it: field names, choice labels, related records' names, 是/否, local time."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .context import client_ip
from .labels import chinese as _chinese
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


# Keys, hashes and nonces: the trail records that they were set, never what they are.
SECRET_FIELDS = frozenset({"qr_secret", "key_hash", "nonce", "id_hash", "secret", "token"})
SECRET_TEXT = "（已隐藏）"


def is_secret(field_name: str) -> bool:
    return field_name in SECRET_FIELDS or field_name.endswith(("_secret", "_hash", "_token"))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of an instance, JSON-ready, foreign keys as ids, sensitive ones masked,
    secrets replaced by a marker."""
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
        if is_secret(field.name) and value not in (None, ""):
            value = SECRET_TEXT
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
    """A record's trail, newest first, made readable when iterated (related names fetched once
    per model for the whole trail)."""
    return AuditLog.objects.for_object(instance).select_related("actor", "content_type").readable()


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


def record_updated_many(
    *, actor, changes: list[tuple[models.Model, dict[str, list[Any]], dict[str, Any]]], event: str = ""
) -> None:
    """One UPDATE record per (instance, changes, extra), written in one statement (bulk writes
    such as a bulk credit's certificates)."""
    if not changes:
        return
    content_type = ContentType.objects.get_for_model(changes[0][0])
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    who, ip = _actor_repr(actor), client_ip.get()
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor_id=actor_id,
                actor_repr=who,
                action=AuditAction.UPDATE,
                event=event,
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=diff_,
                extra=extra or {},
                client_ip=ip,
            )
            for obj, diff_, extra in changes
        ],
        batch_size=1000,
    )


# --- Reading the trail back ------------------------------------------------------------------

# Keys services record that are not a field of the model (summaries of child rows).
_KEY_LABELS = {
    "rows": "明细",
    "team": "项目组成员",
    "score": "评分",
    "total": "总分",
    "baseline_rows": "应受训基数（行）",
    "figures": "数字",
    "parts": "区县分解数",
}
_BOOLEAN_TEXT = {True: "是", False: "否"}
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?")


def field_label(model, key: str) -> str:
    """The Chinese name of a recorded key: the field's verbose_name, else the related model's
    name for a relation; '' when there is none (a technical field)."""
    if key in _KEY_LABELS:
        return _KEY_LABELS[key]
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return ""
    label = _chinese(getattr(field, "verbose_name", ""))
    if not label and field.is_relation and field.related_model is not None:
        meta = field.related_model._meta
        label = _chinese(meta.verbose_name_plural if field.one_to_many or field.many_to_many else meta.verbose_name)
    return label


def _local(value: str) -> str | None:
    moment = parse_datetime(value) if "T" in value or " " in value else None
    if moment is not None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    day = parse_date(value) if len(value) == 10 else None
    return day.strftime("%Y-%m-%d") if day else None


class _Names:
    """Related records' names, fetched once per model for a page of entries."""

    def __init__(self):
        self.cache: dict[tuple[type, Any], str] = {}
        self.wanted: dict[type, set] = {}

    def want(self, model, pk) -> None:
        if pk is not None and not isinstance(pk, bool) and (model, pk) not in self.cache:
            self.wanted.setdefault(model, set()).add(pk)

    def name(self, model, pk) -> str:
        if self.wanted.get(model):
            pks = self.wanted.pop(model)
            for obj in model._default_manager.filter(pk__in=pks):
                self.cache[(model, obj.pk)] = str(obj)
                self.cache[(model, str(obj.pk))] = str(obj)
        return self.cache.get((model, pk), f"（已删除的记录 {pk}）")


def _related_model(field):
    return field.related_model if field is not None and field.is_relation else None


def _choices_of(model) -> dict:
    """Labels for the stored values of a child model's choice fields (a list of roles)."""
    labels = {}
    for f in model._meta.concrete_fields:
        if f.choices:
            labels.update({str(k): str(v) for k, v in f.flatchoices})
    return labels


def _plain_text(value, labels: dict) -> str:
    """A summary value (a row of a list): its Chinese keys kept, technical keys dropped."""
    if isinstance(value, dict):
        return "，".join(
            f"{k}：{_plain_text(v, labels)}" if _chinese(k) else _plain_text(v, labels) for k, v in value.items()
        )
    if isinstance(value, bool):
        return _BOOLEAN_TEXT[value]
    if isinstance(value, list):
        return "、".join(_plain_text(v, labels) for v in value)
    return labels.get(str(value), str(value))


FILE_TEXT = "（已上传文件）"


def _display(field, value, names: _Names) -> Any:
    if value is None or value == "":
        return None
    if field is not None and field.name in SENSITIVE_FIELDS:
        return value  # masked at write time
    if isinstance(value, bool):
        return _BOOLEAN_TEXT[value]
    related = _related_model(field)
    if isinstance(value, list):
        if related is not None and all(isinstance(v, int) for v in value):
            return "、".join(names.name(related, v) for v in value) or "（无）"
        labels = _choices_of(related) if related is not None else {}
        return "、".join(_plain_text(v, labels) for v in value) or "（无）"
    if isinstance(value, dict):
        return _plain_text(value, {})
    if field is not None and getattr(field, "choices", None):
        return dict((str(k), str(v)) for k, v in field.flatchoices).get(str(value), value)
    if related is not None and not (field.one_to_many or field.many_to_many):
        return names.name(related, value)
    if isinstance(field, models.FileField):
        # Stored under a random name that means nothing to a reader; the record's own fields
        # (original name, size, hash) say which file it is.
        return FILE_TEXT
    if isinstance(field, models.DecimalField) and field.decimal_places == 2:
        try:
            return f"{Decimal(str(value)):,.2f}"
        except InvalidOperation:
            return value
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return _local(value) or value
    return value


def readable_changes(entries, *, model: type[models.Model] | None = None) -> list:
    """Sets `readable_rows` (field label, old, new) and `hidden_count` (technical fields that
    changed besides, shown only as a count) on each audit entry, as its readers see them.
    Related records' names are fetched once per model for all the entries. `model` reads
    records that keep changes of one model without being audit entries (an agreement's
    amendments)."""
    names = _Names()
    prepared = []
    fixed_model = model
    for entry in entries:
        model = fixed_model or entry.content_type.model_class()
        rows, hidden = [], 0
        for key, pair in (entry.changes or {}).items():
            old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            label = field_label(model, key) if model else ""
            if key == "id" or not label:
                hidden += 1
                continue
            if is_secret(key):
                rows.append((label, None, None, SECRET_TEXT, True))
                continue
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:
                field = None
            related = _related_model(field)
            for value in [old, new]:
                for v in value if isinstance(value, list) else [value]:
                    if related is not None and isinstance(v, int | str) and not isinstance(v, bool):
                        names.want(related, v)
            rows.append((label, field, old, new, False))
        prepared.append((entry, rows, hidden))
    for entry, rows, hidden in prepared:
        entry.readable_rows = [
            (label, None, new) if secret else (label, _display(field, old, names), _display(field, new, names))
            for label, field, old, new, secret in rows
        ]
        entry.hidden_count = hidden
    return [entry for entry, _, _ in prepared]
