"""Which completions a target counts and what counting them gives, computed from the records
(nothing written): a target's criteria, the tally of counting its completions in recording order,
the comparison of the maintained figures with that tally, and the counting rule in words. The
writers in services/ keep the stored figures equal to what this computes."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Q

from yufang.accounts.models import Organisation
from yufang.enterprises.selectors import key_enterprise_ids
from yufang.reference.models import Region

from .models import (
    CONTRIBUTED_METRICS,
    OFFLINE_MODES,
    BaselineEntry,
    Completion,
    Dimension,
    EnterpriseSet,
    Metric,
    Mode,
    ProgrammeHours,
    Target,
    TargetMember,
    TargetTally,
)


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
            and getattr(c, "revoked_at", None) is None
        )

    def q(self) -> Q:
        # A revoked completion counts for nothing.
        q = Q(
            year__gte=self.years[0],
            year__lte=self.years[1],
            completed_on__lte=self.deadline,
            revoked_at__isnull=True,
        )
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
    """Counts the target from the raw completions, in memory (nothing written). A target whose
    metric another app counts (TARGET_VALUES) counts no completions."""
    tally = Tally(Criteria.of(target))
    if target.metric in CONTRIBUTED_METRICS:
        return tally
    qs = _target_completions(target, tally.criteria)
    if progress is not None:
        progress.total(qs.count(), f"正在重新统计：{target.name}")
    for done, row in enumerate(qs.iterator(chunk_size=5000), start=1):
        tally.feed(row)
        if progress is not None:
            progress.step(done)
    return tally


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
    min_participants: int = 1,
) -> str:
    """The counting rule in words, written next to every figure."""
    if metric == Metric.QUIZ_PARTICIPANTS:
        return (
            f"{plan.year} 年度方案下已发布的知识竞答的参与人数：以身份证号识别人员，同一人参加多场竞答、"
            "答多次卷只计一次；填写信息参与即计入（不论成绩），截止日期后参与的不计。"
        )
    if metric == Metric.QUIZ_ENTERPRISES:
        return (
            f"{plan.year} 年度方案下已发布的知识竞答覆盖的企业数：一家企业名录内的企业，其职工参与人数"
            f"（以身份证号去重，各场竞答合计）不少于 {min_participants} 人即计为已覆盖；未在企业名录中的"
            "“其他企业”不计；截止日期后参与的不计。"
        )
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
