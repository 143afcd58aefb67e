"""The demo's clock for the audit trail: what the demo does in a `demo_clock(moment)` block is
recorded at that 2023 moment, not at the hour the loader runs, so a record's history reads as the
demo's story does. Only the demo loader uses it; real requests always record the real time."""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from yufang.core.models import AuditLog

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@contextmanager
def demo_clock(moment: datetime.datetime | datetime.date):
    if not isinstance(moment, datetime.datetime):
        moment = at(moment)
    moment = timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)
    field = AuditLog._meta.get_field("occurred_at")
    previous = field.default
    field.default = lambda: moment
    field.__dict__.pop("_get_default", None)  # Field caches its default callable
    try:
        yield moment
    finally:
        field.default = previous
        field.__dict__.pop("_get_default", None)
