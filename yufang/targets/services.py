"""Completions and target counting.

`completion_record` is the only writer of Completion. When it writes one, it counts the person
for every target the completion meets, unless they are already counted: one TargetMember per
(target, person), and the TargetTally cell and Target.achieved move by exactly one. A target's
figure therefore equals the number of distinct people with a matching completion, which
`target_recompute` rebuilds from scratch (and the tests check against a raw recount)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.reference.models import Position, Region

from .models import (
    OFFLINE_MODES,
    BaselineEntry,
    Completion,
    Dimension,
    EnterpriseSet,
    LegacyBatch,
    Metric,
    Mode,
    ProgrammeHours,
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
    include_historic: bool = True
    # Share targets: the programme's per-person rule (required hours, offline share percent).
    rule: tuple[Decimal, Decimal] | None = None

    @classmethod
    def of(cls, target: Target) -> "Criteria":
        programme = target.programme
        positions = frozenset(target.positions.values_list("pk", flat=True))
        rule = None
        if target.metric == Metric.PROGRAMME_SHARE:
            years = (programme.start_year, programme.end_year)
            if not positions:
                positions = frozenset(programme.positions.values_list("pk", flat=True))
            rule = (programme.required_hours, programme.offline_share_percent)
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
            include_historic=target.include_historic,
            rule=rule,
        )

    def matches(self, c: Completion) -> bool:
        return (
            self.years[0] <= c.year <= self.years[1]
            and c.completed_on <= self.deadline
            and (not self.modes or c.mode in self.modes)
            and (not self.industries or c.industry_id in self.industries)
            and (not self.positions or c.position_id in self.positions)
            and (self.enterprises is None or c.enterprise_id in self.enterprises)
            and (self.include_historic or not c.historic)
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
        if not self.include_historic:
            q &= Q(historic=False)
        return q

    def meets_rule(self, hours: Decimal, offline_hours: Decimal) -> bool:
        if self.rule is None:
            return True
        required, share = self.rule
        return hours > 0 and hours >= required and offline_hours * 100 >= share * hours


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


@dataclass
class Tally:
    """What counting a target's completions in the order they were recorded gives: who is
    counted and by which completion, the tally cells, and (share targets) every person's hours.
    The maintained rows must always equal this; `target_recount` writes it, `target_check`
    compares with it."""

    criteria: Criteria
    members: dict[int, int] = field(default_factory=dict)  # person -> completion that met the target
    cells: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))
    hours: dict[int, list] = field(default_factory=dict)  # person -> [hours, offline hours, met]
    new_members: list[tuple[int, int]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)

    def feed(self, c) -> None:
        """One completion (anything with the Completion's attributes), in recording order."""
        person = c.person_id
        if self.criteria.rule is not None:
            row = self.hours.get(person)
            if row is None:
                row = self.hours[person] = [Decimal(0), Decimal(0), False]
            row[0] += c.hours
            if c.mode in OFFLINE_MODES:
                row[1] += c.hours
            self.touched.add(person)
            if row[2] or not self.criteria.meets_rule(row[0], row[1]):
                return
            row[2] = True
        if person in self.members:
            return
        self.members[person] = c.pk
        self.new_members.append((person, c.pk))
        for cell in _cells(c.region_id, c.industry_id, c.position_id, c.completed_on):
            self.cells[cell] += 1


COUNT_FIELDS = ("pk", "person_id", "region_id", "industry_id", "position_id", "completed_on", "mode", "hours")


def _target_completions(target: Target, criteria: Criteria):
    return (
        Completion.objects.filter(criteria.q())
        .filter(_city_q(target.plan.city_id))
        .order_by("pk")
        .values_list(*COUNT_FIELDS, named=True)
    )


def target_tally(target: Target, progress=None) -> Tally:
    """Counts the target from the raw completions, in memory (nothing written)."""
    tally = Tally(Criteria.of(target))
    qs = _target_completions(target, tally.criteria)
    if progress is not None:
        progress.total(qs.count(), f"正在重新统计：{target.name}")
    for done, row in enumerate(qs.iterator(chunk_size=5000), start=1):
        tally.feed(row)
        if progress is not None:
            progress.step(done)
    return tally


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
            changed, new = [], []
            for person in tally.touched:
                hours, offline, met = tally.hours[person]
                row = stored_hours.get(person)
                if row is None:
                    new.append(
                        ProgrammeHours(
                            target_id=target_id, person_id=person, hours=hours, offline_hours=offline, met=met
                        )
                    )
                else:
                    row.hours, row.offline_hours, row.met = hours, offline, met
                    changed.append(row)
            ProgrammeHours.objects.bulk_update(changed, ["hours", "offline_hours", "met"], batch_size=500)
            ProgrammeHours.objects.bulk_create(new, batch_size=2000)
        cells = tally.cells
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
    actor=None,
    _historic: bool = False,
) -> list[Completion]:
    """Writes that these people completed training on that day, proved by `source` (an offline
    session, an online certificate, a historic record batch), for `project` (the project whose
    work it was; none for a historic record), with the class hours it carries (one figure, or
    per person id), and counts each for every target the completion meets. Idempotent per
    (source, person): people already recorded for the source are skipped. `source_key` tells
    apart records of one source (a historic batch's mode and day). Returns the new completions."""
    if mode not in Mode.values:
        raise ValidationError({"mode": f"未知的培训方式：{mode}"})
    historic = isinstance(source, LegacyBatch)
    if historic and not _historic:
        # Historic records enter only through their import (historic_import_apply), with its report.
        raise ValidationError("原系统记录只能通过“原系统记录导入”写入。")
    if historic and project is not None:
        raise ValidationError("原系统记录不属于平台上的项目。")
    source_type = ContentType.objects.get_for_model(source)
    source_id = f"{source.pk}:{source_key}" if source_key else str(source.pk)
    with transaction.atomic():
        done = set(
            Completion.objects.filter(source_type=source_type, source_id=source_id).values_list("person_id", flat=True)
        )
        fresh, seen = [], set()
        for person in people:
            if person.pk in done or person.pk in seen:
                continue
            seen.add(person.pk)
            person_hours = hours.get(person.pk, Decimal(0)) if isinstance(hours, dict) else hours
            if person_hours < 0:
                raise ValidationError({"hours": f"{person.name} 的学时不能为负数。"})
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
                    project=project,
                    hours=person_hours,
                    historic=historic,
                    source_type=source_type,
                    source_id=source_id,
                    source_repr=str(source)[:300],
                )
            )
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


def _audit_and_count(created: list[Completion], actor) -> None:
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


def completion_record_each(*, mode: str, records: list[SourcedCompletion], actor=None) -> list[Completion]:
    """completion_record_many for completions that each have their own source, in one pass: the
    same rows, audit and target counting, in a fixed number of statements per batch. Idempotent
    per (source, person). Historic records are refused here as there."""
    if mode not in Mode.values:
        raise ValidationError({"mode": f"未知的培训方式：{mode}"})
    if not records:
        return []
    if any(isinstance(r.source, LegacyBatch) for r in records):
        raise ValidationError("原系统记录只能通过“原系统记录导入”写入。")
    with transaction.atomic():
        keys = {(ContentType.objects.get_for_model(r.source).pk, str(r.source.pk), r.person.pk): r for r in records}
        done = set()
        for type_id in {k[0] for k in keys}:
            ids = [k[1] for k in keys if k[0] == type_id]
            for start in range(0, len(ids), 2000):
                done.update(
                    (type_id, source_id, person_id)
                    for source_id, person_id in Completion.objects.filter(
                        source_type_id=type_id, source_id__in=ids[start : start + 2000]
                    ).values_list("source_id", "person_id")
                )
        fresh = []
        for key, r in keys.items():
            if key in done:
                continue
            if r.hours < 0:
                raise ValidationError({"hours": f"{r.person.name} 的学时不能为负数。"})
            person = r.person
            fresh.append(
                Completion(
                    person=person,
                    year=r.completed_on.year,
                    mode=mode,
                    completed_on=r.completed_on,
                    industry_id=person.industry_id,
                    position_id=person.position_id,
                    enterprise_id=person.enterprise_id,
                    region_id=person.region_id,
                    provider=r.provider,
                    project=r.project,
                    hours=r.hours,
                    historic=False,
                    source_type_id=key[0],
                    source_id=key[1],
                    source_repr=str(r.source)[:300],
                )
            )
        if not fresh:
            return []
        created = Completion.objects.bulk_create(fresh, batch_size=2000)
        if any(c.pk is None for c in created):
            by_key = {}
            for type_id in {c.source_type_id for c in created}:
                ids = [c.source_id for c in created if c.source_type_id == type_id]
                for start in range(0, len(ids), 2000):
                    by_key.update(
                        ((type_id, source_id, person_id), pk)
                        for source_id, person_id, pk in Completion.objects.filter(
                            source_type_id=type_id, source_id__in=ids[start : start + 2000]
                        ).values_list("source_id", "person_id", "pk")
                    )
            for c in created:
                c.pk = by_key[(c.source_type_id, c.source_id, c.person_id)]
        _audit_and_count(created, actor)
    return created


def completion_record(
    *,
    person: Person,
    mode: str,
    completed_on: datetime.date,
    source: models.Model,
    provider=None,
    project=None,
    hours: Decimal = Decimal(0),
    actor=None,
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


def target_recount(target: Target, progress=None) -> int:
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


def target_check(target: Target, progress=None) -> list[str]:
    """Compares a target's maintained figures with a count from the raw completions. Returns each
    difference in words (none when the figures are exact)."""
    target.refresh_from_db(fields=["achieved"])
    tally = target_tally(target, progress)
    problems = []
    if target.achieved != len(tally.members):
        problems.append(f"已完成人数记为 {target.achieved}，按原始记录应为 {len(tally.members)}")
    stored = dict(TargetMember.objects.filter(target=target).values_list("person_id", "completion_id"))
    if stored != tally.members:
        extra = len(stored.keys() - tally.members.keys())
        missing = len(tally.members.keys() - stored.keys())
        moved = sum(1 for p in stored.keys() & tally.members.keys() if stored[p] != tally.members[p])
        problems.append(f"计入人员不一致：多计 {extra} 人，漏计 {missing} 人，计入依据不同 {moved} 人")
    cells = {
        (r, d, k): n
        for r, d, k, n in TargetTally.objects.filter(target=target).values_list(
            "region_id", "dimension", "key", "count"
        )
        if n
    }
    expected = {k: n for k, n in tally.cells.items() if n}
    for key in sorted(cells.keys() | expected.keys(), key=str):
        if cells.get(key, 0) != expected.get(key, 0):
            region, dimension, value = key
            problems.append(
                f"分项（区县 {region}，{Dimension(dimension).label} {value}）记为 {cells.get(key, 0)}，"
                f"应为 {expected.get(key, 0)}"
            )
    hours = {
        p: [h, o, m]
        for p, h, o, m in ProgrammeHours.objects.filter(target=target).values_list(
            "person_id", "hours", "offline_hours", "met"
        )
    }
    if hours != tally.hours:
        differing = sum(1 for p in hours.keys() | tally.hours.keys() if hours.get(p) != tally.hours.get(p))
        problems.append(f"多年度工程学时累计有 {differing} 人与原始记录不一致")
    return problems


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
    "include_historic",
    "sort_order",
]


def _require_owner(actor) -> None:
    if not actor.is_programme_owner:
        raise PermissionDenied("目标只能由市人社局设定。")


def describe_rule(
    *,
    plan,
    metric: str,
    modes: Iterable[str],
    industries,
    positions,
    enterprise_set: str,
    programme,
    include_historic: bool = True,
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
            f"达标：{programme.rule_text}；未达标者计为“在途”。"
            f"完成比例 = {programme.start_year} 年以来累计达标人数 ÷ 应受训摸底总人数"
            f"（{programme.start_year}—{programme.end_year} 年任务）。"
        )
    parts.append(
        "含原系统记录（平台启用前的培训记录，经导入）。"
        if include_historic
        else "不含原系统记录，只计平台上产生的培训记录。"
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
            include_historic=data.get("include_historic", True),
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


PROGRAMME_FIELDS = [
    "city",
    "name",
    "doc_number",
    "start_year",
    "end_year",
    "industry",
    "required_hours",
    "offline_share_percent",
]


@transaction.atomic
def programme_save(
    *, actor, data: dict[str, Any], positions, programme: TrainingProgramme | None = None
) -> TrainingProgramme:
    """Creates or changes a multi-year programme: its years, industry, positions and per-person
    rule. A change recounts the programme's targets, whose figures depend on all of these."""
    _require_owner(actor)
    data = {k: v for k, v in data.items() if k in PROGRAMME_FIELDS}
    if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
        raise ValidationError({"end_year": "结束年度不能早于起始年度。"})
    if not positions:
        raise ValidationError({"positions": "请至少选择一个培训岗位。"})
    if programme is None:
        programme = model_create(model=TrainingProgramme, data=data, actor=actor)
        changed = True
    else:
        data.pop("city", None)
        programme, changed = model_update(instance=programme, fields=list(data), data=data, actor=actor)
    before = set(programme.positions.values_list("pk", flat=True))
    programme.positions.set(positions)
    after = set(programme.positions.values_list("pk", flat=True))
    if before != after and before:
        audit.record(
            actor=actor,
            action="update",
            instance=programme,
            changes={"positions": [sorted(before), sorted(after)]},
        )
    if changed or before != after:
        for target in programme.targets.select_related("plan", "programme"):
            target_recount(target)
    return programme


def programme_create(*, actor, data: dict[str, Any], positions) -> TrainingProgramme:
    return programme_save(actor=actor, data=data, positions=positions)


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


# --- Historic records (原系统记录) ---------------------------------------------------------------


def can_import_historic(actor) -> tuple[bool, str]:
    if actor.has_role("programme_owner", "agency_staff"):
        return True, ""
    return False, "原系统记录只能由市人社局或经办机构导入。"


@transaction.atomic
def historic_import_apply(*, actor, batch: dict[str, Any], checked, job=None, file=None) -> LegacyBatch:
    """Writes a checked import of historic records: one batch named with its source document,
    the people not yet on file, and their completions (labelled 原系统记录, in no project),
    counted for every target that includes historic records. With the checking job, marks it
    applied so the same file is not imported twice. The only writer of historic completions."""
    from yufang.people.services import person_bulk_create

    from .historic import rows_by_completion

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
