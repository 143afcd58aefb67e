"""Historic records (原系统记录): the import of a checked file, the only writer of historic completions."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yufang.accounts.models import Organisation, User
from yufang.core.services import model_create
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.reference.models import Position

from ..models import LegacyBatch
from ..permissions import can_import_historic
from .completions import completion_record_many


@transaction.atomic
def historic_import_apply(*, actor: User, batch: dict[str, Any], checked, job=None, file=None) -> LegacyBatch:
    """Writes a checked import of historic records: one batch named with its source document,
    the people not yet on file, and their completions (labelled 原系统记录, in no project),
    counted for every target that includes historic records. With the checking job, marks it
    applied so the same file is not imported twice. The only writer of historic completions."""
    from yufang.people.services import person_bulk_create

    from ..historic import rows_by_completion

    allowed, reason = can_import_historic(actor)
    if not allowed:
        raise PermissionDenied(reason)
    if not (batch.get("source_document") or "").strip():
        raise ValidationError({"source_document": "请写明来源文件（原系统名称、文号或导出日期）。"})
    if not checked.good:
        raise ValidationError("没有可导入的有效行。")
    if job is not None:
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.result.get("applied"):
            raise ValidationError("该文件已导入过。")
    record = model_create(
        model=LegacyBatch,
        data={
            "name": batch["name"],
            "year": batch["year"],
            "provider": batch.get("provider"),
            "description": batch.get("description", ""),
            "source_document": batch["source_document"].strip(),
            "rows": len(checked.good),
        },
        actor=actor,
    )
    if file is not None:
        record.file.save(file.name.rsplit("/", 1)[-1], file, save=True)
    keys = {r.id_number: idnumbers.id_hash(r.id_number) for r in checked.good}
    people = {p.id_hash: p for p in Person.objects.filter(id_hash__in=set(keys.values()))}
    enterprises = Organisation.objects.select_related("enterprise_profile").in_bulk(
        {r.enterprise_id for r in checked.good if r.enterprise_id}
    )
    positions = Position.objects.in_bulk({r.position_id for r in checked.good if r.position_id})
    new_rows, seen = [], set()
    for r in checked.good:
        if keys[r.id_number] in people or r.id_number in seen:
            continue
        seen.add(r.id_number)
        enterprise = enterprises[r.enterprise_id]
        profile = getattr(enterprise, "enterprise_profile", None)
        new_rows.append(
            {
                "id_number": r.id_number,
                "name": r.name,
                "enterprise": enterprise,
                "region": enterprise.region,
                "industry": profile.industry if profile else None,
                "position": positions.get(r.position_id),
            }
        )
    for person in person_bulk_create(actor=actor, rows=new_rows):
        people[person.id_hash] = person
    by_number = {number: people[key] for number, key in keys.items()}
    for (mode, day), group in sorted(rows_by_completion(checked.good, by_number).items()):
        completion_record_many(
            people=group["people"],
            mode=mode,
            completed_on=day,
            source=record,
            source_key=f"{mode}:{day.isoformat()}",
            provider=record.provider,
            hours=group["hours"],
            actor=actor,
            _historic=True,
        )
    if job is not None:
        locked.result = {**locked.result, "applied": True, "batch_id": record.pk}
        locked.save(update_fields=["result"])
    return record
