"""The demo's clock for the audit trail: what the demo does in a `demo_clock(moment)` block is
recorded at that 2023 moment, not at the hour the loader runs, so a record's history reads as the
demo's story does. With `now=True` the block's "now" is that moment too (timezone.now and
localdate, so a record's own submitted or decided time and a "not after today" check read the
demo's day), and so is every field whose default is timezone.now (a record's created time, a
flag's 发现时间, a job's start); the publicity demo and the reports use it. Only the demo loader uses it; real requests always
record the real time."""

import datetime
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone

from yufang.core.models import AuditLog

TZ = datetime.timezone(datetime.timedelta(hours=8))
_REAL_NOW = timezone.now
_NOW_FIELDS: list = []


def _now_fields() -> list:
    """Every concrete field whose default is timezone.now (BaseModel.created_at, Flag's and
    Job's created times): bound to the function itself, they would not see it patched."""
    if not _NOW_FIELDS:
        _NOW_FIELDS.extend(
            f
            for model in apps.get_models()
            for f in model._meta.concrete_fields
            if f.default is _REAL_NOW and f is not AuditLog._meta.get_field("occurred_at")
        )
    return _NOW_FIELDS


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@contextmanager
def demo_clock(moment: datetime.datetime | datetime.date, *, now: bool = False):
    if not isinstance(moment, datetime.datetime):
        moment = at(moment)
    moment = timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)
    field = AuditLog._meta.get_field("occurred_at")
    previous = field.default
    previous_now = timezone.now
    field.default = lambda: moment
    field.__dict__.pop("_get_default", None)  # Field caches its default callable
    defaults = []
    if now:
        # Module attribute: timezone.localdate() and auto_now fields look `now` up at each call.
        utc = moment.astimezone(datetime.UTC)
        timezone.now = lambda: utc
        for f in _now_fields():
            defaults.append((f, f.default))
            f.default = timezone.now
            f.__dict__.pop("_get_default", None)
    try:
        yield moment
    finally:
        field.default = previous
        field.__dict__.pop("_get_default", None)
        timezone.now = previous_now
        for f, default in defaults:
            f.default = default
            f.__dict__.pop("_get_default", None)
