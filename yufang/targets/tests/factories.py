"""People and completions for tests, through the real services."""

import datetime
import random

from stdnum.cn import ric

from yufang.people.services import person_bulk_create
from yufang.reference.models import Industry, Position
from yufang.targets.models import LegacyBatch
from yufang.targets.services import completion_record_many, legacy_batch_create


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
                "name": f"测试{i}",
                "enterprise": enterprise,
                "region": enterprise.region,
                "industry": industry_obj,
                "position": position_objs[rng.choice(positions)],
            }
        )
    return person_bulk_create(actor=actor, rows=rows)


def make_batch(actor, name: str, year: int) -> LegacyBatch:
    return legacy_batch_create(actor=actor, name=name, year=year)


def complete(actor, people, *, mode: str, day: datetime.date, source):
    return completion_record_many(people=list(people), mode=mode, completed_on=day, source=source, actor=actor)
