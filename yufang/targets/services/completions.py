"""Completions and their counting. `completion_record_many` is the only writer of Completion:
when it writes one, it counts the person for every target the completion meets, unless they are
already counted: one TargetMember per (target, person), and the TargetTally cell and
Target.achieved move by exactly one. A target's figure therefore equals the number of distinct
people with a matching completion, which `target_recount` rebuilds from scratch (and the tests
check against a raw recount)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from yufang.accounts.models import Organisation, User
from yufang.core import audit
from yufang.people.models import Person

from ..counting import Criteria, Tally, _candidate_targets, _cities_of, target_tally
from ..models import Completion, LegacyBatch, Mode, ProgrammeHours, Target, TargetMember, TargetTally


def _hours_write(target_id: int, tally: Tally, stored_hours: dict[int, ProgrammeHours]) -> None:
    """A share target's per-person hours as the tally left them (the target row is locked)."""
    changed, new = [], []
    for person in tally.touched:
        hours, offline, met = tally.hours[person]
        row = stored_hours.get(person)
        if row is None:
            new.append(
                ProgrammeHours(target_id=target_id, person_id=person, hours=hours, offline_hours=offline, met=met)
            )
        else:
            row.hours, row.offline_hours, row.met = hours, offline, met
            changed.append(row)
    ProgrammeHours.objects.bulk_update(changed, ["hours", "offline_hours", "met"], batch_size=500)
    ProgrammeHours.objects.bulk_create(new, batch_size=2000)


def _cells_add(target_id: int, cells: dict[tuple, int]) -> None:
    """Adds the newly counted people to the target's tally cells. The target row is locked, so the
    cells read here cannot change before they are written."""
    existing = {
        (t.region_id, t.dimension, t.key): t
        for t in TargetTally.objects.filter(target_id=target_id, region_id__in={key[0] for key in cells})
    }
    changed, new = [], []
    for key, n in cells.items():
        if key in existing:
            existing[key].count += n
            changed.append(existing[key])
        else:
            region_id, dimension, value = key
            new.append(TargetTally(target_id=target_id, region_id=region_id, dimension=dimension, key=value, count=n))
    TargetTally.objects.bulk_update(changed, ["count"], batch_size=500)
    TargetTally.objects.bulk_create(new, batch_size=2000)


def _count(target: Target, criteria: Criteria, completions: list[Completion]) -> int:
    """Counts the completions' people for the target, each once and only if not already counted
    (and, for a programme's share, only once their hours meet its rule). Returns how many were
    new. The target row is locked, so counts and recounts queue."""
    if not completions:
        return 0
    target_id = target.pk
    people = {c.person_id for c in completions}
    with transaction.atomic():
        Target.objects.select_for_update().filter(pk=target_id).values_list("pk", flat=True).get()
        tally = Tally(criteria)
        tally.members = dict(
            TargetMember.objects.filter(target_id=target_id, person_id__in=people).values_list(
                "person_id", "completion_id"
            )
        )
        stored_hours = {}
        if criteria.rule is not None:
            stored_hours = {
                h.person_id: h for h in ProgrammeHours.objects.filter(target_id=target_id, person_id__in=people)
            }
            tally.hours = {p: [h.hours, h.offline_hours, h.met] for p, h in stored_hours.items()}
        for c in sorted(completions, key=lambda c: c.pk):
            tally.feed(c)
        TargetMember.objects.bulk_create(
            [TargetMember(target_id=target_id, person_id=p, completion_id=c) for p, c in tally.new_members],
            batch_size=2000,
        )
        if criteria.rule is not None:
            _hours_write(target_id, tally, stored_hours)
        _cells_add(target_id, tally.cells)
        Target.objects.filter(pk=target_id).update(achieved=F("achieved") + len(tally.new_members))
    return len(tally.new_members)


def completion_record_many(
    *,
    people: list[Person],
    mode: str,
    completed_on: datetime.date,
    source: models.Model,
    provider=None,
    project=None,
    hours: Decimal | dict[int, Decimal] = Decimal(0),
    source_key: str = "",
    actor: User | None = None,
    _historic: bool = False,
) -> list[Completion]:
    """Writes that these people completed training on that day, proved by `source` (an offline
    session, an online certificate, a historic record batch), for `project` (the project whose
    work it was; none for a historic record), with the class hours it carries (one figure, or
    per person id), and counts each for every target the completion meets. Idempotent per
    (source, person): people already recorded for the source are skipped. `source_key` tells
    apart records of one source (a historic batch's mode and day). Returns the new completions."""
    historic = _source_allowed(mode=mode, source=source, project=project, _historic=_historic)
    source_type = ContentType.objects.get_for_model(source)
    source_id = f"{source.pk}:{source_key}" if source_key else str(source.pk)
    with transaction.atomic():
        done = set(
            Completion.objects.filter(source_type=source_type, source_id=source_id).values_list("person_id", flat=True)
        )
        common = {
            "year": completed_on.year,
            "mode": mode,
            "completed_on": completed_on,
            "provider": provider,
            "project": project,
            "historic": historic,
            "source_type": source_type,
            "source_id": source_id,
            "source_repr": str(source)[:300],
        }
        fresh = _fresh(people, done=done, hours=hours, common=common)
        if not fresh:
            return []
        created = Completion.objects.bulk_create(fresh, batch_size=2000)
        if any(c.pk is None for c in created):  # databases that cannot return ids from a bulk insert
            by_person = dict(
                Completion.objects.filter(source_type=source_type, source_id=source_id).values_list("person_id", "pk")
            )
            for c in created:
                c.pk = by_person[c.person_id]
        _audit_and_count(created, actor)
    return created


def _audit_and_count(created: list[Completion], actor: User | None) -> None:
    """Audits new completions and counts them for every target they meet, per city and year."""
    audit.record_created_many(actor=actor, instances=created)
    groups: dict[tuple[int | None, int], list[Completion]] = defaultdict(list)
    cities = _cities_of(created)
    for c in created:
        groups[(cities[c.pk], c.year)].append(c)
    for (city_id, year), group in groups.items():
        for target in _candidate_targets(year=year, city_id=city_id):
            criteria = Criteria.of(target)
            _count(target, criteria, [c for c in group if criteria.matches(c)])


@dataclass(frozen=True)
class SourcedCompletion:
    """One person's completion proved by a source of its own (an online certificate)."""

    person: Person
    completed_on: datetime.date
    source: models.Model
    provider: Organisation | None = None
    project: Any = None
    hours: Decimal = Decimal(0)


def completion_record_each(
    *, mode: str, records: list[SourcedCompletion], actor: User | None = None
) -> list[Completion]:
    """completion_record_many for completions that each have their own source, in one pass: the
    same rows, audit and target counting, in a fixed number of statements per batch. Idempotent
    per (source, person). Historic records are refused here as there."""
    _mode_known(mode)
    if not records:
        return []
    for r in records:
        _source_allowed(mode=mode, source=r.source, project=r.project, _historic=False)
    with transaction.atomic():
        keys = {(ContentType.objects.get_for_model(r.source).pk, str(r.source.pk), r.person.pk): r for r in records}
        done = _recorded(keys)
        fresh = [
            _completion_new(
                r.person,
                hours=r.hours,
                common={
                    "year": r.completed_on.year,
                    "mode": mode,
                    "completed_on": r.completed_on,
                    "provider": r.provider,
                    "project": r.project,
                    "historic": False,
                    "source_type_id": key[0],
                    "source_id": key[1],
                    "source_repr": str(r.source)[:300],
                },
            )
            for key, r in keys.items()
            if key not in done
        ]
        if not fresh:
            return []
        created = Completion.objects.bulk_create(fresh, batch_size=2000)
        if any(c.pk is None for c in created):  # databases that cannot return ids from a bulk insert
            _ids_fill(created)
        _audit_and_count(created, actor)
    return created


def _by_source(keys: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, int, int]]:
    """(source type id, source id, person id, completion id) of the completions recorded for
    these (source type id, source id) pairs, a batch of sources at a time."""
    for type_id in {k[0] for k in keys}:
        ids = [k[1] for k in keys if k[0] == type_id]
        for start in range(0, len(ids), 2000):
            for source_id, person_id, pk in Completion.objects.filter(
                source_type_id=type_id, source_id__in=ids[start : start + 2000]
            ).values_list("source_id", "person_id", "pk"):
                yield type_id, source_id, person_id, pk


def _recorded(keys: Iterable[tuple[int, str, int]]) -> set[tuple[int, str, int]]:
    """Which of these (source type id, source id, person id) are recorded already."""
    sources = {(k[0], k[1]) for k in keys}
    return {(type_id, source_id, person_id) for type_id, source_id, person_id, _ in _by_source(sources)}


def _ids_fill(created: list[Completion]) -> None:
    """Sets the ids of completions inserted by a database that returns none from a bulk insert."""
    by_key = {
        (type_id, source_id, person_id): pk
        for type_id, source_id, person_id, pk in _by_source({(c.source_type_id, c.source_id) for c in created})
    }
    for c in created:
        c.pk = by_key[(c.source_type_id, c.source_id, c.person_id)]


def _mode_known(mode: str) -> None:
    if mode not in Mode.values:
        raise ValidationError({"mode": f"未知的培训方式：{mode}"})


def _source_allowed(*, mode: str, source: models.Model, project, _historic: bool) -> bool:
    """Refuses an unknown mode and a historic batch outside its import or with a project;
    returns whether the source is a historic batch."""
    _mode_known(mode)
    historic = isinstance(source, LegacyBatch)
    if historic and not _historic:
        # Historic records enter only through their import (historic_import_apply), with its report.
        raise ValidationError("原系统记录只能通过“原系统记录导入”写入。")
    if historic and project is not None:
        raise ValidationError("原系统记录不属于平台上的项目。")
    return historic


def _fresh(
    people: list[Person], *, done: set[int], hours: Decimal | dict[int, Decimal], common: dict
) -> list[Completion]:
    """Unsaved completions for the people not yet recorded for the source, each once."""
    fresh, seen = [], set()
    for person in people:
        if person.pk in done or person.pk in seen:
            continue
        seen.add(person.pk)
        person_hours = hours.get(person.pk, Decimal(0)) if isinstance(hours, dict) else hours
        fresh.append(_completion_new(person, hours=person_hours, common=common))
    return fresh


def _completion_new(person: Person, *, hours: Decimal, common: dict) -> Completion:
    """An unsaved completion of the person with the class hours; `common` holds the rest."""
    if hours < 0:
        raise ValidationError({"hours": f"{person.name} 的学时不能为负数。"})
    return Completion(
        person=person,
        industry_id=person.industry_id,
        position_id=person.position_id,
        enterprise_id=person.enterprise_id,
        region_id=person.region_id,
        hours=hours,
        **common,
    )


def completion_record(
    *,
    person: Person,
    mode: str,
    completed_on: datetime.date,
    source: models.Model,
    provider=None,
    project=None,
    hours: Decimal = Decimal(0),
    actor: User | None = None,
) -> tuple[Completion, bool]:
    """One person's completion; see completion_record_many. Returns (completion, created)."""
    created = completion_record_many(
        people=[person],
        mode=mode,
        completed_on=completed_on,
        source=source,
        provider=provider,
        project=project,
        hours=hours,
        actor=actor,
    )
    if created:
        return created[0], True
    source_type = ContentType.objects.get_for_model(source)
    return Completion.objects.get(source_type=source_type, source_id=str(source.pk), person=person), False


def target_recount(*, target: Target, progress=None) -> int:
    """Rebuilds a target's members, tallies and programme hours from the completions, exactly as
    counting them one by one in the order they were recorded would."""
    with transaction.atomic():
        Target.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True).get()
        tally = target_tally(target, progress)
        TargetMember.objects.filter(target=target).delete()
        TargetTally.objects.filter(target=target).delete()
        ProgrammeHours.objects.filter(target=target).delete()
        TargetMember.objects.bulk_create(
            [TargetMember(target_id=target.pk, person_id=p, completion_id=c) for p, c in tally.members.items()],
            batch_size=5000,
        )
        TargetTally.objects.bulk_create(
            [
                TargetTally(target_id=target.pk, region_id=r, dimension=d, key=k, count=n)
                for (r, d, k), n in tally.cells.items()
            ],
            batch_size=2000,
        )
        ProgrammeHours.objects.bulk_create(
            [
                ProgrammeHours(target_id=target.pk, person_id=p, hours=h, offline_hours=o, met=m)
                for p, (h, o, m) in tally.hours.items()
            ],
            batch_size=5000,
        )
        Target.objects.filter(pk=target.pk).update(achieved=len(tally.members))
    target.achieved = len(tally.members)
    return target.achieved
