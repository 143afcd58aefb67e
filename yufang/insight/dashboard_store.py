"""Where the dashboard keeps its counted figures between counts: one row per kind of reader,
plan and period (`DashboardSnapshot`), read in one query together with the stamp of the
sources, so a visit knows at once whether what is kept is still what a count would give.

One recount per row runs at a time: a visit that finds the figures behind the sources claims
the row with a conditional UPDATE (the database decides between two visits at the same
moment), and a recount that stopped answering for `RECOUNT_STALL` is taken over by the next
visit."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import DashboardSnapshot

RECOUNT_STALL = datetime.timedelta(minutes=2)
READ_FIELDS = ("computed_at", "stamp", "recount_started", "recount_done", "recount_total")


def stamp_text(values) -> str:
    return "|".join("" if v is None else str(v) for v in values)


@dataclass(frozen=True)
class Kept:
    """A row as a visit reads it: the figures (when asked for), when they were counted, the
    stamp they were counted at, the sources' stamp now, and the recount's progress."""

    sections: list[dict] | None
    computed_at: datetime.datetime
    stamp: str
    current: str
    recount_started: datetime.datetime | None
    recount_done: int
    recount_total: int

    @property
    def counted(self) -> bool:
        """False for the row a first visit placed to claim the first count."""
        return self.stamp != ""

    @property
    def fresh(self) -> bool:
        return self.stamp == self.current

    @property
    def recounting(self) -> bool:
        started = self.recount_started
        return started is not None and started > timezone.now() - RECOUNT_STALL


def kept_read(key: str, stamp_columns: dict, extra: tuple, *, sections: bool = True) -> Kept | None:
    """The row for `key` and the sources' stamp (`stamp_columns`: subqueries, then `extra`), in
    one query; None when nothing was counted for this key yet."""
    fields = (*(("sections",) if sections else ()), *READ_FIELDS)
    row = (
        DashboardSnapshot.objects.filter(key=key).annotate(**stamp_columns).values_list(*fields, *stamp_columns).first()
    )
    if row is None:
        return None
    values = dict(zip(fields, row, strict=False))
    return Kept(
        sections=values.get("sections"),
        computed_at=values["computed_at"],
        stamp=values["stamp"],
        current=stamp_text((*row[len(fields) :], *extra)),
        recount_started=values["recount_started"],
        recount_done=values["recount_done"],
        recount_total=values["recount_total"],
    )


def kept_claim(key: str) -> bool:
    """Claims the recount of `key`: True for the one visit that may start it."""
    now = timezone.now()
    free = Q(recount_started__isnull=True) | Q(recount_started__lt=now - RECOUNT_STALL)
    return bool(
        DashboardSnapshot.objects.filter(free, key=key).update(recount_started=now, recount_done=0, recount_total=0)
    )


def kept_begin(key: str, *, plan, month: int | None) -> bool:
    """Places the row of a reader, plan and period nothing was counted for yet, claimed for its
    first count: True for the one visit that placed it (and so starts the count)."""
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.create(
                key=key,
                plan=plan,
                month=month,
                stamp="",
                sections=[],
                computed_at=timezone.now(),
                recount_started=timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def kept_progress(key: str, done: int, total: int) -> None:
    DashboardSnapshot.objects.filter(key=key).update(
        recount_started=timezone.now(), recount_done=done, recount_total=total
    )


def kept_release(key: str) -> None:
    """Gives the claim back (a recount that could not run): the next visit may claim it."""
    DashboardSnapshot.objects.filter(key=key).update(recount_started=None)


def kept_save(
    *, key: str, plan, month: int | None, stamp: str, sections: list[dict], computed_at, new: bool = False
) -> None:
    """Keeps what was counted (at `stamp`, from `computed_at`) and ends the claim, unless a count
    begun later is kept already (`older`: the row if it was counted before this count began).
    `new`: nothing was kept for the key when the count began."""
    values = {
        "plan": plan,
        "month": month,
        "stamp": stamp,
        "sections": sections,
        "computed_at": computed_at,
        "recount_started": None,
        "recount_done": 0,
        "recount_total": 0,
    }
    older = DashboardSnapshot.objects.filter(key=key, computed_at__lte=computed_at)
    if not new and older.update(**values):
        return
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.create(key=key, **values)
    except IntegrityError:
        if new:  # another visit placed the row meanwhile
            older.update(**values)
