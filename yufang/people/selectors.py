"""Reads for a person's archive (一人一档): everything they took, every year, every provider."""

from dataclasses import dataclass

from django.db.models import QuerySet

from yufang.core.registry import PERSON_ARCHIVE, contributions
from yufang.core.scoping import scoped

from . import idnumbers
from .models import Person


def person_find(*, id_number: str) -> Person | None:
    info = idnumbers.check(id_number)
    return Person.objects.filter(id_hash=idnumbers.id_hash(info.number)).first()


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
    the sessions they were rostered for; each list narrowed by what the viewer may see. The apps
    that keep those records contribute them (targets: completions; training: attendance, rosters)."""
    parts: dict[str, list] = {"completions": [], "attendances": [], "rosters": []}
    for source in contributions(PERSON_ARCHIVE):
        parts.update(source(user, person))
    completions, attendances = parts["completions"], parts["attendances"]
    years = sorted({c.year for c in completions} | {a.session.starts_at.year for a in attendances}, reverse=True)
    return Archive(
        person=person, completions=completions, attendances=attendances, rosters=parts["rosters"], years=years
    )
