"""People and completions for tests, through the real services."""

import datetime
import io
import random
from dataclasses import dataclass, replace
from decimal import Decimal

from openpyxl import Workbook
from stdnum.cn import ric

from yufang.people.services import person_bulk_create
from yufang.reference.models import Industry, Position
from yufang.targets.models import Completion
from yufang.targets.services import completion_record_many


def id_number(region_code: str, birth: datetime.date, seq: int) -> str:
    first17 = f"{region_code}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def make_people(actor, enterprise, n: int, *, industry: str, positions: list[str], seed: int = 0, start: int = 0):
    rng = random.Random(seed)
    industry_obj = Industry.objects.get(code=industry)
    position_objs = {p.code: p for p in Position.objects.filter(code__in=positions)}
    region_code = enterprise.region.code or "370300"
    rows = []
    for i in range(start, start + n):
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=(i * 37 + seed * 11) % 12000)
        rows.append(
            {
                "id_number": id_number(region_code, birth, i),
                "name": f"测试{chr(0x4E00 + i % 200)}{chr(0x4E00 + i // 200 % 200)}",
                "enterprise": enterprise,
                "region": enterprise.region,
                "industry": industry_obj,
                "position": position_objs[rng.choice(positions)],
            }
        )
    return person_bulk_create(actor=actor, rows=rows)


@dataclass
class BatchSpec:
    """A historic batch to be imported: `complete` builds its file and runs the real import."""

    name: str
    year: int
    provider: object = None


def make_batch(actor, name: str, year: int, provider=None) -> BatchSpec:
    return BatchSpec(name=name, year=year, provider=provider)


HISTORIC_HEADER = ["序号", "姓名", "身份证号", "培训方式", "完成日期", "学时", "工作单位", "岗位"]


def historic_xlsx(rows, *, header=HISTORIC_HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["原系统培训记录导出"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def import_historic(actor, spec: BatchSpec, rows, *, city_id=None):
    """Checks and applies a historic import the way the confirming job does."""
    from yufang.targets.historic import historic_check
    from yufang.targets.services import historic_import_apply

    city_id = city_id or actor.organisation.city_id
    checked = historic_check(io.BytesIO(historic_xlsx(rows)), "原系统记录.xlsx", city_id=city_id, year=spec.year)
    assert not checked.errors, checked.errors
    return historic_import_apply(
        actor=actor,
        batch={
            "name": spec.name,
            "year": spec.year,
            "provider": spec.provider,
            "source_document": f"{spec.name}（测试）",
        },
        checked=checked,
    )


def complete(actor, people, *, mode: str, day: datetime.date, source, hours=1, provider=None):
    """Completions of these people: a historic batch goes through the historic import (the only
    way historic records enter); any other source is recorded directly."""
    if isinstance(source, BatchSpec):
        label = {"offline": "线下", "online": "线上", "practical": "实操"}[mode]
        rows = [[i, p.name, p.id_number, label, day, str(Decimal(hours))] for i, p in enumerate(people, start=1)]
        batch = import_historic(actor, replace(source, provider=source.provider or provider), rows)
        return list(Completion.objects.filter(source_type__model="legacybatch", source_id__startswith=f"{batch.pk}:"))
    return completion_record_many(
        people=list(people),
        mode=mode,
        completed_on=day,
        source=source,
        hours=Decimal(hours),
        provider=provider,
        actor=actor,
    )
