"""Reads for a person's archive (一人一档): everything they took, every year, every provider."""

from dataclasses import dataclass

from django.db.models import QuerySet

from yufang.core.scoping import scoped

from .models import Person


def person_list(*, user, q: str = "", enterprise=None) -> QuerySet[Person]:
    qs = scoped(user, Person).select_related("enterprise", "position", "industry", "region")
    if q:
        qs = qs.filter(name__icontains=q)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


@dataclass
class Archive:
    person: Person
    completions: list
    attendances: list
    rosters: list
    years: list[int]


def person_archive(*, user, person: Person) -> Archive:
    """Completions of every mode and provider, offline attendance with times and methods, and
    the sessions they were rostered for; each list narrowed by what the viewer may see."""
    from yufang.targets.models import Completion
    from yufang.training.models import Attendance, RosterEntry

    completions = list(
        scoped(user, Completion)
        .filter(person=person)
        .select_related("provider", "enterprise")
        .order_by("-completed_on", "-pk")
    )
    attendances = list(
        scoped(user, Attendance)
        .filter(person=person)
        .select_related("session", "session__project__provider")
        .order_by("-signed_in_at")
    )
    rosters = list(
        scoped(user, RosterEntry)
        .filter(person=person)
        .select_related("session", "session__project__provider")
        .order_by("-session__starts_at")
    )
    years = sorted({c.year for c in completions} | {a.session.starts_at.year for a in attendances}, reverse=True)
    return Archive(person=person, completions=completions, attendances=attendances, rosters=rosters, years=years)
