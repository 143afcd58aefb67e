"""Completions and target counting.

`completion_record` is the only writer of Completion. When it writes one, it counts the person
for every target the completion meets, unless they are already counted: one TargetMember per
(target, person), and the TargetTally cell and Target.achieved move by exactly one. A target's
figure therefore equals the number of distinct people with a matching completion, which
`target_recompute` rebuilds from scratch (and the tests check against a raw recount)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q

from yufang.accounts.models import Organisation
from yufang.core import audit
from yufang.core.services import model_create, model_update
from yufang.enterprises.selectors import key_enterprise_ids
from yufang.people.models import Person
from yufang.reference.models import Region

from .models import (
    BaselineEntry,
    Completion,
    Dimension,
    EnterpriseSet,
    LegacyBatch,
    Metric,
    Mode,
    Target,
    TargetMember,
    TargetTally,
    TrainingProgramme,
)

# --- Which completions a target counts --------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    """A target's filters, loaded once, usable both in Python and as a query."""

    target_id: int
    metric: str
    year: int
    years: tuple[int, int]
    deadline: datetime.date
    modes: frozenset[str]
    industries: frozenset[int]
    positions: frozenset[int]
    enterprises: frozenset[int] | None  # None: any enterprise; else the programme's or the year's key ones

    @classmethod
    def of(cls, target: Target) -> "Criteria":
        programme = target.programme
        positions = frozenset(target.positions.values_list("pk", flat=True))
        if target.metric == Metric.PROGRAMME_SHARE:
            years = (programme.start_year, programme.end_year)
            if not positions:
                positions = frozenset(programme.positions.values_list("pk", flat=True))
        else:
            years = (target.plan.year, target.plan.year)
        enterprises = None
        if target.enterprise_set == EnterpriseSet.PROGRAMME:
            enterprises = frozenset(
                BaselineEntry.objects.filter(programme=programme).values_list("enterprise_id", flat=True)
            )
        elif target.enterprise_set == EnterpriseSet.KEY:
            enterprises = frozenset(key_enterprise_ids(year=target.plan.year))
        return cls(
            target_id=target.pk,
            metric=target.metric,
            year=target.plan.year,
            years=years,
            deadline=target.deadline,
            modes=frozenset(target.modes or []),
            industries=frozenset(target.industries.values_list("pk", flat=True)),
            positions=positions,
            enterprises=enterprises,
        )

    def matches(self, c: Completion) -> bool:
        return (
            self.years[0] <= c.year <= self.years[1]
            and c.completed_on <= self.deadline
            and (not self.modes or c.mode in self.modes)
            and (not self.industries or c.industry_id in self.industries)
            and (not self.positions or c.position_id in self.positions)
            and (self.enterprises is None or c.enterprise_id in self.enterprises)
        )

    def q(self) -> Q:
        q = Q(year__gte=self.years[0], year__lte=self.years[1], completed_on__lte=self.deadline)
        if self.modes:
            q &= Q(mode__in=self.modes)
        if self.industries:
            q &= Q(industry_id__in=self.industries)
        if self.positions:
            q &= Q(position_id__in=self.positions)
        if self.enterprises is not None:
            q &= Q(enterprise_id__in=self.enterprises)
        return q


def _cities_of(completions: list[Completion]) -> dict[int, int | None]:
    """The city each completion belongs to (by completion id): its district's, else its
    enterprise's, else none (a single-city installation)."""
    region_city = dict(Region.objects.values_list("pk", "city_id"))
    enterprise_ids = {c.enterprise_id for c in completions if not c.region_id and c.enterprise_id}
    enterprise_city = (
        dict(Organisation.objects.filter(pk__in=enterprise_ids).values_list("pk", "city_id")) if enterprise_ids else {}
    )
    return {
        c.pk: region_city.get(c.region_id) if c.region_id else enterprise_city.get(c.enterprise_id) for c in completions
    }


def _city_q(city_id: int) -> Q:
    """Completions of a city, as _city_of assigns them (none without district or enterprise go
    to a city's targets only in a single-city installation, where _city_of gives None)."""
    return (
        Q(region__city_id=city_id)
        | Q(region__isnull=True, enterprise__city_id=city_id)
        | Q(region__isnull=True, enterprise__isnull=True)
    )


def _candidate_targets(*, year: int, city_id: int | None) -> models.QuerySet[Target]:
    qs = Target.objects.filter(
        Q(metric=Metric.PERSONS, plan__year=year)
        | Q(metric=Metric.PROGRAMME_SHARE, programme__start_year__lte=year, programme__end_year__gte=year)
    )
    if city_id is not None:
        qs = qs.filter(plan__city_id=city_id)
    return qs.select_related("plan", "programme")


def _cells(region_id, industry_id, position_id, day: datetime.date):
    """The tally cells one counted person adds to: their district's industry, position and month."""
    region = region_id or 0
    return (
        (region, Dimension.INDUSTRY, industry_id or 0),
        (region, Dimension.POSITION, position_id or 0),
        (region, Dimension.MONTH, day.year * 100 + day.month),
    )


def _count(target_id: int, completions: list[Completion]) -> int:
    """Counts the completions' people for the target, each once and only if not already counted.
    Returns how many were new. The target row is locked, so counts and recounts queue."""
    if not completions:
        return 0
    with transaction.atomic():
        Target.objects.select_for_update().filter(pk=target_id).values_list("pk", flat=True).get()
        counted = set(
            TargetMember.objects.filter(
                target_id=target_id, person_id__in={c.person_id for c in completions}
            ).values_list("person_id", flat=True)
        )
        members, cells = [], defaultdict(int)
        for c in sorted(completions, key=lambda c: c.pk):
            if c.person_id in counted:
                continue
            counted.add(c.person_id)
            members.append(TargetMember(target_id=target_id, person_id=c.person_id, completion=c))
            for cell in _cells(c.region_id, c.industry_id, c.position_id, c.completed_on):
                cells[cell] += 1
        TargetMember.objects.bulk_create(members, batch_size=2000)
        # The target row is locked, so the cells read here cannot change before they are written.
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
                new.append(
                    TargetTally(target_id=target_id, region_id=region_id, dimension=dimension, key=value, count=n)
                )
        TargetTally.objects.bulk_update(changed, ["count"], batch_size=500)
        TargetTally.objects.bulk_create(new, batch_size=2000)
        Target.objects.filter(pk=target_id).update(achieved=F("achieved") + len(members))
    return len(members)


def completion_record_many(
    *,
    people: list[Person],
    mode: str,
    completed_on: datetime.date,
    source: models.Model,
    provider=None,
    actor=None,
) -> list[Completion]:
    """Writes that these people completed training on that day, proved by `source` (an offline
    session, a practical training, the online rule), and counts each for every target the
    completion meets. Idempotent per (source, person): people already recorded for the source
    are skipped. Returns the new completions."""
    if mode not in Mode.values:
        raise ValidationError({"mode": f"未知的培训方式：{mode}"})
    source_type = ContentType.objects.get_for_model(source)
    with transaction.atomic():
        done = set(
            Completion.objects.filter(source_type=source_type, source_id=str(source.pk)).values_list(
                "person_id", flat=True
            )
        )
        fresh, seen = [], set()
        for person in people:
            if person.pk in done or person.pk in seen:
                continue
            seen.add(person.pk)
            fresh.append(
                Completion(
                    person=person,
                    year=completed_on.year,
                    mode=mode,
                    completed_on=completed_on,
                    industry_id=person.industry_id,
                    position_id=person.position_id,
                    enterprise_id=person.enterprise_id,
                    region_id=person.region_id,
                    provider=provider,
                    source_type=source_type,
                    source_id=str(source.pk),
                    source_repr=str(source)[:300],
                )
            )
        if not fresh:
            return []
        created = Completion.objects.bulk_create(fresh, batch_size=2000)
        if any(c.pk is None for c in created):  # databases that cannot return ids from a bulk insert
            by_person = dict(
                Completion.objects.filter(source_type=source_type, source_id=str(source.pk)).values_list(
                    "person_id", "pk"
                )
            )
            for c in created:
                c.pk = by_person[c.person_id]
        audit.record_created_many(actor=actor, instances=created)
        by_city: dict[int | None, list[Completion]] = defaultdict(list)
        cities = _cities_of(created)
        for c in created:
            by_city[cities[c.pk]].append(c)
        for city_id, group in by_city.items():
            for target in _candidate_targets(year=completed_on.year, city_id=city_id):
                criteria = Criteria.of(target)
                _count(target.pk, [c for c in group if criteria.matches(c)])
    return created


def completion_record(
    *, person: Person, mode: str, completed_on: datetime.date, source: models.Model, provider=None, actor=None
) -> tuple[Completion, bool]:
    """One person's completion; see completion_record_many. Returns (completion, created)."""
    created = completion_record_many(
        people=[person], mode=mode, completed_on=completed_on, source=source, provider=provider, actor=actor
    )
    if created:
        return created[0], True
    source_type = ContentType.objects.get_for_model(source)
    return Completion.objects.get(source_type=source_type, source_id=str(source.pk), person=person), False


def target_recount(target: Target, progress=None) -> int:
    """Rebuilds a target's members and tallies from the completions, exactly as counting them
    one by one in the order they were recorded would."""
    criteria = Criteria.of(target)
    with transaction.atomic():
        Target.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True).get()
        TargetMember.objects.filter(target=target).delete()
        TargetTally.objects.filter(target=target).delete()
        qs = (
            Completion.objects.filter(criteria.q())
            .filter(_city_q(target.plan.city_id))
            .order_by("pk")
            .values_list("pk", "person_id", "region_id", "industry_id", "position_id", "completed_on")
        )
        if progress is not None:
            progress.total(qs.count(), "正在重新统计")
        seen: set[int] = set()
        members: list[TargetMember] = []
        cells: dict[tuple, int] = defaultdict(int)
        done = 0
        for pk, person_id, region_id, industry_id, position_id, day in qs.iterator(chunk_size=5000):
            done += 1
            if person_id not in seen:
                seen.add(person_id)
                members.append(TargetMember(target_id=target.pk, person_id=person_id, completion_id=pk))
                for cell in _cells(region_id, industry_id, position_id, day):
                    cells[cell] += 1
                if len(members) >= 5000:
                    TargetMember.objects.bulk_create(members)
                    members.clear()
            if progress is not None:
                progress.step(done)
        TargetMember.objects.bulk_create(members)
        TargetTally.objects.bulk_create(
            [
                TargetTally(target_id=target.pk, region_id=r, dimension=d, key=k, count=n)
                for (r, d, k), n in cells.items()
            ],
            batch_size=2000,
        )
        Target.objects.filter(pk=target.pk).update(achieved=len(seen))
    target.achieved = len(seen)
    return target.achieved


# --- Targets --------------------------------------------------------------------------------

TARGET_FIELDS = [
    "name",
    "metric",
    "modes",
    "enterprise_set",
    "programme",
    "threshold",
    "deadline",
    "counting_rule",
    "sort_order",
]


def _require_owner(actor) -> None:
    if not actor.is_programme_owner:
        raise PermissionDenied("目标只能由市人社局设定。")


def describe_rule(
    *, plan, metric: str, modes: Iterable[str], industries, positions, enterprise_set: str, programme
) -> str:
    """The counting rule in words, written next to every figure."""
    modes = list(modes)
    parts = [
        "以身份证号识别人员，同一人无论参加多少场次、多少门课程，在本目标中只计一次，计入其首次达标的区县、行业、岗位和月份。"
    ]
    definitions = {
        Mode.OFFLINE: f"线下培训：实名签到签退，在场时长不少于该场次时长的 {plan.offline_attendance_percent}%",
        Mode.PRACTICAL: "实操培训：一线班组长参加实操培训并按线下规则完成签到签退",
        Mode.ONLINE: f"线上培训：完成本人课程表中全部必修课程，并另修选修课程不少于 {plan.online_elective_hours} 学时（1 学时 = {plan.class_hour_minutes} 分钟，学习时长由平台服务器核定）",
    }
    chosen = modes or list(Mode.values)
    parts.append("计入方式：" + "；".join(str(definitions[Mode(m)]) for m in chosen) + "。")
    if industries:
        parts.append("限定行业：" + "、".join(i.name for i in industries) + "。")
    if positions:
        parts.append("限定岗位：" + "、".join(p.name for p in positions) + "。")
    if enterprise_set == EnterpriseSet.PROGRAMME and programme is not None:
        parts.append(f"限定企业：{programme.name}应受训摸底名单内的企业。")
    if enterprise_set == EnterpriseSet.KEY:
        parts.append(
            f"限定企业：经办机构确定的 {plan.year} 年重点企业（以“重点企业”中的当前标记为准，标记或取消标记后随即重新统计）。"
        )
    if metric == Metric.PROGRAMME_SHARE and programme is not None:
        parts.append(
            f"完成比例 = {programme.start_year} 年以来累计达标人数 ÷ 应受训摸底总人数（{programme.start_year}—{programme.end_year} 年三年任务）。"
        )
    return "".join(parts)


@transaction.atomic
def target_save(
    *, actor, plan, data: dict[str, Any], industries=(), positions=(), target: Target | None = None
) -> Target:
    """Creates or changes a target; its figures are recounted from the completions."""
    _require_owner(actor)
    data = {k: v for k, v in data.items() if k in TARGET_FIELDS}
    if data.get("metric") == Metric.PROGRAMME_SHARE and not data.get("programme"):
        raise ValidationError({"programme": "完成比例指标须选择多年度工程。"})
    if data.get("metric") == Metric.PROGRAMME_SHARE and data.get("threshold", Decimal(0)) > 100:
        raise ValidationError({"threshold": "完成比例不能超过 100%。"})
    if not data.get("counting_rule"):
        data["counting_rule"] = describe_rule(
            plan=plan,
            metric=data.get("metric", Metric.PERSONS),
            modes=data.get("modes", []),
            industries=list(industries),
            positions=list(positions),
            enterprise_set=data.get("enterprise_set", EnterpriseSet.ALL),
            programme=data.get("programme"),
        )
    if target is None:
        target = model_create(model=Target, data={"plan": plan, **data}, actor=actor)
    else:
        target, _ = model_update(instance=target, fields=list(data), data=data, actor=actor)
    target.industries.set(industries)
    target.positions.set(positions)
    target_recount(target)
    return target


# --- The multi-year programme and its baseline ------------------------------------------------


@transaction.atomic
def programme_create(*, actor, data: dict[str, Any], positions) -> TrainingProgramme:
    _require_owner(actor)
    programme = model_create(model=TrainingProgramme, data=data, actor=actor)
    programme.positions.set(positions)
    return programme


@transaction.atomic
def baseline_apply(*, actor, programme: TrainingProgramme, rows: list[tuple[int, int, int]], job=None) -> int:
    """Sets the baseline headcounts (enterprise id, position id, headcount) in one transaction,
    then recounts the programme's targets, whose enterprise set may have changed. With the
    checking job, marks it applied so the same file is not imported twice."""
    _require_owner(actor)
    if job is not None:
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.result.get("applied"):
            raise ValidationError("该文件已导入过。")
        locked.result = {**locked.result, "applied": True}
        locked.save(update_fields=["result"])
    before = BaselineEntry.objects.filter(programme=programme).count()
    for enterprise_id, position_id, headcount in rows:
        BaselineEntry.objects.update_or_create(
            programme=programme, enterprise_id=enterprise_id, position_id=position_id, defaults={"headcount": headcount}
        )
    audit.record(
        actor=actor,
        action="update",
        instance=programme,
        event="baseline_import",
        changes={"baseline_rows": [before, BaselineEntry.objects.filter(programme=programme).count()]},
        extra={"imported_rows": len(rows)},
    )
    for target in programme.targets.all():
        target_recount(target)
    return len(rows)


@transaction.atomic
def key_enterprise_targets_recount(*, year: int) -> int:
    """Recounts the targets that count the year's key enterprises, whose enterprise set changes
    when the agency marks or unmarks one (`enterprises.services.key_mark`, `key_unmark` call this
    through `targets.contributions` in their transaction, as `baseline_apply` does for a programme's targets). Returns how many
    targets were recounted."""
    targets = list(
        Target.objects.filter(enterprise_set=EnterpriseSet.KEY, plan__year=year).select_related("plan", "programme")
    )
    for target in targets:
        target_recount(target)
    return len(targets)


@transaction.atomic
def legacy_batch_create(*, actor, name: str, year: int, provider=None, description: str = "") -> LegacyBatch:
    if not actor.has_role("programme_owner", "agency_staff"):
        raise PermissionDenied("历史培训记录只能由市人社局或经办机构导入。")
    return model_create(
        model=LegacyBatch,
        data={"name": name, "year": year, "provider": provider, "description": description},
        actor=actor,
    )
