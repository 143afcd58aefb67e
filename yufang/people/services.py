"""Writes on people. A person is found by the keyed hash of their ID number, never by the number."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.services import model_update

from . import idnumbers
from .models import Person
from .permissions import can_edit_archive

PROFILE_FIELDS = ["name", "phone", "enterprise", "position", "industry", "region"]


@transaction.atomic
def person_upsert(*, actor: User, id_number: str, name: str, **profile) -> tuple[Person, bool]:
    """Finds the person by ID number or creates them; updates the profile fields given, never the
    name (person_rename). Returns (person, created). Raises ValidationError for an invalid ID
    number or a name that differs from the archive's."""
    info = idnumbers.check(id_number)
    key = idnumbers.id_hash(info.number)
    person = Person.objects.select_for_update().filter(id_hash=key).first()
    if person is None:
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    id_number=info.number,
                    id_hash=key,
                    name=name,
                    sex=info.sex,
                    birth_date=info.birth_date,
                    **{k: v for k, v in profile.items() if k in PROFILE_FIELDS and v not in (None, "")},
                )
        except IntegrityError:  # created by a concurrent request a moment ago
            person = Person.objects.select_for_update().get(id_hash=key)
        else:
            audit.record_create(actor=actor, instance=person)
            return person, True
    if person.name != name:
        # A name in the archive changes only through person_rename.
        raise ValidationError({"name": "姓名与人员档案不一致：姓名更正须由经办机构在人员档案中办理。"})
    data = {k: v for k, v in profile.items() if k in PROFILE_FIELDS and k != "name" and v not in (None, "")}
    person, _ = model_update(instance=person, fields=list(data), data=data, actor=actor)
    return person, False


@transaction.atomic
def person_rename(*, actor: User, person: Person, name: str, reason: str) -> Person:
    """Corrects the name in a person's archive: only the register's keepers, with a reason,
    audited."""
    allowed, why = can_edit_archive(actor)
    if not allowed:
        raise PermissionDenied(why)
    name = "".join(name.split())
    reason = reason.strip()
    if not name:
        raise ValidationError({"name": "请填写姓名。"})
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明更名依据（至少 4 个字）。"})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.name == name:
        return person
    before = audit.snapshot(person, ["name"])
    person.name = name
    person.full_clean()
    person.save(update_fields=["name", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=person,
        event="rename",
        changes=audit.diff(before, audit.snapshot(person, ["name"])),
        extra={"reason": reason[:300]},
    )
    return person


@transaction.atomic
def person_bulk_create(*, actor: User, rows: list[dict]) -> list[Person]:
    """Creates many new people at once (id_number, name, and profile fields). Every ID number is
    checked; people already on file are left as they are. Returns the people created."""
    prepared, seen = [], set()
    for row in rows:
        info = idnumbers.check(row["id_number"])
        key = idnumbers.id_hash(info.number)
        if key in seen:
            continue
        seen.add(key)
        prepared.append(
            Person(
                id_number=info.number,
                id_hash=key,
                name=row["name"],
                sex=info.sex,
                birth_date=info.birth_date,
                **{k: v for k, v in row.items() if k in PROFILE_FIELDS and k != "name" and v not in (None, "")},
            )
        )
    existing = set(Person.objects.filter(id_hash__in=seen).values_list("id_hash", flat=True))
    created = Person.objects.bulk_create([p for p in prepared if p.id_hash not in existing], batch_size=2000)
    if any(p.pk is None for p in created):
        ids = dict(Person.objects.filter(id_hash__in=[p.id_hash for p in created]).values_list("id_hash", "pk"))
        for p in created:
            p.pk = ids[p.id_hash]
    audit.record_created_many(actor=actor, instances=created)
    return created
