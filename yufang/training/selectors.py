"""Reads for the training pages and API, always through scoping."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yufang.core.scoping import scoped

from .models import Attendance, Flag, RosterEntry, TrainingSession


def session_list(
    *, user, project=None, kind: str = "", status: str = "", region=None, month: str = "", q: str = ""
) -> QuerySet[TrainingSession]:
    qs = scoped(user, TrainingSession).select_related("project", "project__provider", "region", "industry")
    if project is not None:
        qs = qs.filter(project=project)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region=region)
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(venue__icontains=q))
    return qs.annotate(
        roster_count=Count("roster", distinct=True),
        signed_count=Count("attendances", distinct=True),
        flag_count=Count("flags", filter=Q(flags__status="open"), distinct=True),
    ).order_by("-starts_at", "pk")


def sessions_in_month(*, user, year: int, month: int) -> QuerySet[TrainingSession]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return (
        scoped(user, TrainingSession)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("region", "project__provider")
        .order_by("starts_at")
    )


def attendance_board(session: TrainingSession) -> tuple[list, list]:
    """Who has signed in (with sign-out), and who on the roster has not."""
    signed = list(Attendance.objects.filter(session=session).select_related("person").order_by("signed_in_at"))
    ids = {a.person_id for a in signed}
    missing = [
        e
        for e in RosterEntry.objects.filter(session=session).select_related("person").order_by("row_number", "pk")
        if e.person_id not in ids
    ]
    return signed, missing


def flag_list(*, user, status: str = "", kind: str = "", project=None, session=None) -> QuerySet[Flag]:
    qs = scoped(user, Flag).select_related("session", "project", "person")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if project is not None:
        qs = qs.filter(project=project)
    if session is not None:
        qs = qs.filter(session=session)
    return qs


def open_flag_count(*, user) -> int:
    return scoped(user, Flag).filter(status="open").count()


def roster_list(*, user, session) -> QuerySet[RosterEntry]:
    return (
        scoped(user, RosterEntry)
        .filter(session=session)
        .select_related("person", "person__enterprise", "person__position")
    )
