"""Reads for the progress pages and API. They read the maintained rollups (Target.achieved and
TargetTally), never the completions themselves, so they stay fast at programme scale."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.urls import reverse
from django.utils import timezone

from yufang.core.scoping import ScopeKind, scope_of, scoped
from yufang.reference.models import Industry, Position, Region

from .models import (
    BaselineEntry,
    Completion,
    Dimension,
    Metric,
    ProgrammeHours,
    Target,
    TargetDistrictPart,
    TargetTally,
)

HUNDRED = Decimal(100)


def _pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Progress:
    target: Target
    value: int  # distinct persons counted
    baseline: int | None = None  # programme-share targets: the survey's total
    district_only: bool = False
    partway: int | None = None  # share targets: people with hours who have not met the programme's rule
    today: datetime.date = field(default_factory=timezone.localdate)
    # A district's page: its part of the target (分解到区县), and whether the owner set it (else
    # the proposal by insured headcount); None where the target is not divided (share targets).
    district_part: int | None = None
    district_part_set: bool = False

    @property
    def percent_of_part(self) -> Decimal | None:
        if not self.district_part:
            return None
        return _pct(self.value, self.district_part)

    @property
    def is_share(self) -> bool:
        return self.target.metric == Metric.PROGRAMME_SHARE

    @property
    def unit(self) -> str:
        return "家" if self.target.metric == Metric.QUIZ_ENTERPRISES else "人"

    @property
    def figure(self) -> Decimal | int | None:
        """What is compared with the threshold: persons, or percent of the baseline."""
        if self.is_share:
            return _pct(self.value, self.baseline or 0)
        return self.value

    @property
    def percent_of_threshold(self) -> Decimal | None:
        if self.figure is None:
            return None
        return _pct(self.figure, self.target.threshold)

    @property
    def met(self) -> bool:
        return self.figure is not None and Decimal(self.figure) >= self.target.threshold

    @property
    def start(self) -> datetime.date:
        if self.is_share:
            return datetime.date(self.target.programme.start_year, 1, 1)
        return datetime.date(self.target.plan.year, 1, 1)

    @property
    def projection(self) -> Decimal | int | None:
        """Linear projection of the figure to the deadline from the pace so far."""
        if self.figure is None:
            return None
        deadline = self.target.deadline
        if self.today >= deadline or self.today < self.start:
            return self.figure
        elapsed = (self.today - self.start).days + 1
        total = (deadline - self.start).days + 1
        projected = Decimal(self.figure) * total / elapsed
        return projected.quantize(Decimal("0.1")) if self.is_share else int(projected)


def contributed_value(target: Target, region_id: int | None = None) -> int:
    """The figure of a target another app counts (TARGET_VALUES), for the city or one district."""
    from yufang.core.registry import TARGET_VALUES, contributions

    for source in contributions(TARGET_VALUES):
        value = source(target, region_id)
        if value is not None:
            return value
    return 0


def contributed_by_region(*, user, target: Target) -> list[tuple[str, int]]:
    """A contributed target's figure per district (a district officer: their own)."""
    scope = scope_of(user)
    regions = Region.objects.filter(city_id=target.plan.city_id).order_by("sort_order", "pk")
    if scope.kind == ScopeKind.REGION:
        regions = regions.filter(pk=scope.region_id)
    return [(r.name, contributed_value(target, r.pk)) for r in regions]


def plan_targets(*, user, plan) -> QuerySet[Target]:
    return scoped(user, Target).filter(plan=plan).select_related("plan", "programme")


def plan_progress(*, user, plan) -> list[Progress]:
    """Every target of the plan with its figure; a district sees its own district's figures."""
    targets = list(plan_targets(user=user, plan=plan))
    scope = scope_of(user)
    district = scope.kind == ScopeKind.REGION
    values = {t.pk: t.achieved for t in targets}
    if district and targets:
        values = dict(
            TargetTally.objects.filter(target__in=targets, region_id=scope.region_id, dimension=Dimension.MONTH)
            .values_list("target_id")
            .annotate(n=Sum("count"))
        )
    programmes = {t.programme_id for t in targets if t.metric == Metric.PROGRAMME_SHARE}
    baselines: dict[int, int] = {}
    if programmes:
        qs = BaselineEntry.objects.filter(programme_id__in=programmes)
        if district:
            qs = qs.filter(enterprise__region_id=scope.region_id)
        baselines = dict(qs.values_list("programme_id").annotate(n=Sum("headcount")))
    partway: dict[int, int] = {}
    shares = [t for t in targets if t.metric == Metric.PROGRAMME_SHARE]
    if shares:
        qs = ProgrammeHours.objects.filter(target__in=shares, met=False)
        if district:
            qs = qs.filter(person__region_id=scope.region_id)
        partway = dict(qs.values_list("target_id").annotate(n=Count("pk")))
    for t in targets:
        if t.is_contributed:
            values[t.pk] = contributed_value(t, scope.region_id if district else None)
    return [
        Progress(
            target=t,
            value=values.get(t.pk, 0) or 0,
            baseline=baselines.get(t.programme_id, 0) if t.metric == Metric.PROGRAMME_SHARE else None,
            district_only=district,
            partway=partway.get(t.pk, 0) if t.metric == Metric.PROGRAMME_SHARE else None,
        )
        for t in targets
    ]


@dataclass
class Partway:
    """People working towards a programme's rule, by how far they have come."""

    rule: str
    bands: list[tuple[str, int]]  # hours band, people
    short_offline: int  # enough hours in all, too few of them offline
    met: int


def programme_partway(*, user, target: Target) -> Partway | None:
    """For a share target: the programme's people by hours so far (one query, grouped)."""
    if target.metric != Metric.PROGRAMME_SHARE:
        return None
    programme = target.programme
    required = programme.required_hours
    scope = scope_of(user)
    qs = ProgrammeHours.objects.filter(target=target)
    if scope.kind == ScopeKind.REGION:
        qs = qs.filter(person__region_id=scope.region_id)
    third = required / 3
    edges = [Decimal(0), third, third * 2, required]
    labels = [
        f"不足 {third.normalize():f} 学时",
        f"{third.normalize():f}—{(third * 2).normalize():f} 学时",
        f"{(third * 2).normalize():f}—{required.normalize():f} 学时",
    ]
    counts = [0, 0, 0]
    short_offline = met = 0
    for hours, is_met, n in qs.values_list("hours", "met").annotate(n=Count("pk")):
        if is_met:
            met += n
        elif hours >= required:
            short_offline += n
        else:
            index = next(i for i in range(3) if edges[i] <= hours < edges[i + 1])
            counts[index] += n
    return Partway(
        rule=programme.rule_text, bands=list(zip(labels, counts, strict=True)), short_offline=short_offline, met=met
    )


@dataclass
class Breakdown:
    by_region: list[tuple[str, int]]
    by_industry: list[tuple[str, int]]
    by_position: list[tuple[str, int]]
    by_month: list[tuple[str, int, int]]  # month, new in month, cumulative
    total: int


def target_breakdown(*, user, target: Target) -> Breakdown:
    """One query over the target's tally cells (a few hundred rows at most)."""
    scope = scope_of(user)
    qs = TargetTally.objects.filter(target=target)
    if scope.kind == ScopeKind.REGION:
        qs = qs.filter(region_id=scope.region_id)
    regions: dict[int, int] = defaultdict(int)
    by: dict[str, dict[int, int]] = {d: defaultdict(int) for d in Dimension.values}
    for region_id, dimension, key, count in qs.values_list("region_id", "dimension", "key", "count"):
        by[dimension][key] += count
        if dimension == Dimension.MONTH:
            regions[region_id] += count
    names = reference_names()

    def named(counts, kind, order=None):
        rows = [(names[kind].get(k, "未登记"), v, k) for k, v in counts.items() if v]
        rows.sort(key=(lambda r: order.get(r[2], 999)) if order else (lambda r: -r[1]))
        return [(n, v) for n, v, _ in rows]

    cumulative, by_month = 0, []
    for month in sorted(by[Dimension.MONTH]):
        cumulative += by[Dimension.MONTH][month]
        by_month.append((f"{month // 100}-{month % 100:02d}", by[Dimension.MONTH][month], cumulative))
    return Breakdown(
        by_region=named(regions, "region", names["region_order"]),
        by_industry=named(by[Dimension.INDUSTRY], "industry"),
        by_position=named(by[Dimension.POSITION], "position"),
        by_month=by_month,
        total=cumulative,
    )


REFERENCE_NAMES_KEY = "targets:reference-names"


def reference_names() -> dict:
    """Names of districts, industries and positions for the breakdowns; cached, and dropped by
    the reference services whenever one changes."""
    names = cache.get(REFERENCE_NAMES_KEY)
    if names is None:
        regions = list(Region.objects.values_list("pk", "name"))
        names = {
            "region": dict(regions),
            "region_order": {pk: i for i, (pk, _) in enumerate(regions)},
            "industry": dict(Industry.objects.values_list("pk", "name")),
            "position": dict(Position.objects.values_list("pk", "name")),
        }
        cache.set(REFERENCE_NAMES_KEY, names, 3600)
    return names


def completion_list(
    *,
    user,
    year=None,
    mode: str = "",
    region=None,
    q: str = "",
    origin: str = "",
    industry=None,
    position=None,
    month: int | None = None,
    through: int | None = None,
    counted: str = "",
) -> QuerySet[Completion]:
    qs = scoped(user, Completion).select_related(
        "person", "industry", "position", "enterprise", "region", "provider", "revocation"
    )
    if origin:
        qs = qs.filter(historic=origin == "historic")
    if year:
        qs = qs.filter(year=year)
    if mode:
        qs = qs.filter(mode=mode)
    if region is not None:
        qs = qs.filter(region=region)
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(enterprise__name__icontains=q))
    if industry is not None:
        qs = qs.filter(industry=industry)
    if position is not None:
        qs = qs.filter(position=position)
    if month:
        qs = qs.filter(completed_on__month=month)
    if through:
        qs = qs.filter(completed_on__month__lte=through)
    if counted:
        qs = qs.filter(revoked_at__isnull=True)
    return qs


def programme_summary(*, user, programme) -> dict:
    """The baseline by position and by enterprise, and cumulative trained against it."""
    scope = scope_of(user)
    baseline = BaselineEntry.objects.filter(programme=programme).select_related("enterprise", "position")
    if scope.kind == ScopeKind.REGION:
        baseline = baseline.filter(enterprise__region_id=scope.region_id)
    by_position: dict[str, int] = defaultdict(int)
    by_enterprise: dict[str, int] = defaultdict(int)
    total = 0
    for entry in baseline:
        by_position[entry.position.name] += entry.headcount
        by_enterprise[entry.enterprise.name] += entry.headcount
        total += entry.headcount
    return {
        "total": total,
        "by_position": sorted(by_position.items(), key=lambda r: -r[1]),
        "by_enterprise": sorted(by_enterprise.items(), key=lambda r: -r[1]),
        "enterprise_count": len(by_enterprise),
    }


def home_panel(user) -> dict | None:
    """The leaders' view on the home page: the latest issued plan's targets."""
    from yufang.plans.selectors import plan_list

    from .permissions import can_view_progress

    if not can_view_progress(user)[0]:
        return None
    plan = plan_list(user=user, status="issued").order_by("-year").first()
    if plan is None:
        return None
    return {"plan": plan, "rows": plan_progress(user=user, plan=plan)}


def revoke_url(completion: Completion, basis) -> str:
    """The agency's page revoking the completion on this basis (a confirmed flag, a call-back)."""
    token = f"{basis._meta.app_label}.{basis._meta.model_name}.{basis.pk}"
    return f"{reverse('targets:completion_revoke', args=[completion.pk])}?basis={token}"


def person_completions(*, user, person_id: int, provider_id: int | None = None) -> list[Completion]:
    """A person's completions as the user may see them (revoked ones too, with why), the
    newest first; only one provider's work when given."""
    qs = scoped(user, Completion).filter(person_id=person_id).select_related("provider", "project", "revocation")
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    return list(qs.order_by("-completed_on", "-pk"))


# --- Parts by district (分解到区县) -----------------------------------------------------------------


def split_by_weight(total: int, weights: dict[int, int]) -> dict[int, int]:
    """`total` split in proportion to whole-number weights, whole numbers that add up to it
    exactly (largest remainder: everyone gets the floor of their share, the units left go to
    the largest remainders, a tie to the larger weight). No weight at all: nothing to split by."""
    whole = sum(weights.values())
    if total <= 0 or whole <= 0:
        return dict.fromkeys(weights, 0)
    parts = {k: total * w // whole for k, w in weights.items()}
    left = total - sum(parts.values())
    by_remainder = sorted(weights, key=lambda k: (-(total * weights[k] % whole), -weights[k], k))
    for k in by_remainder[:left]:
        parts[k] += 1
    return parts


def proposed_parts(target: Target, insured: dict[int, int]) -> dict[int, int]:
    """The proposed default: the target split by each district's share of the insured headcount
    the enterprises registered (`enterprises.selectors.insured_by_region`)."""
    return split_by_weight(int(target.threshold), insured)


def plan_parts_rows(*, plan) -> QuerySet:
    """The parts the owner set for the plan's targets as rows (target id, district id, part, 1):
    the shape of a grouped tally row with a marker, so that a page reading the tallies can read
    the parts in the same query (`union`)."""
    return (
        TargetDistrictPart.objects.filter(target__plan=plan)
        .annotate(n=F("quantity"), kind=Value(1))
        .values_list("target_id", "region_id", "n", "kind")
        .order_by()
    )


def set_parts_of(*, plan) -> dict[int, dict[int, int]]:
    """The parts the owner set, by target and district."""
    set_parts: dict[int, dict[int, int]] = {}
    for target_id, region_id, n, _ in plan_parts_rows(plan=plan):
        set_parts.setdefault(target_id, {})[region_id] = n
    return set_parts


def district_parts_of(targets, set_parts: dict[int, dict[int, int]]) -> dict[int, dict[int, int]]:
    """Each target's parts by district, as districts are held to them: the parts the owner set,
    else the split by the districts' insured headcount (read only where a target has none)."""
    from yufang.enterprises.selectors import insured_by_region

    by_target: dict[int, dict[int, int]] = {}
    insured = None
    for target in targets:
        if target.pk in set_parts:
            by_target[target.pk] = set_parts[target.pk]
        else:
            insured = insured_by_region() if insured is None else insured
            by_target[target.pk] = proposed_parts(target, insured)
    return by_target


def with_district_parts(rows: list[Progress], *, plan, region_id: int) -> list[Progress]:
    """A district's progress rows with its part of every divided target (share targets are not
    divided)."""
    set_parts = set_parts_of(plan=plan)
    parts = district_parts_of([r.target for r in rows if not r.is_share], set_parts)
    for row in rows:
        if row.target.pk in parts:
            row.district_part = parts[row.target.pk].get(region_id, 0)
            row.district_part_set = row.target.pk in set_parts
    return rows


@dataclass
class PartRow:
    region: Region
    part: int | None  # as set; None: not set
    proposed: int
    done: int  # counted so far for the district (the tallies)

    @property
    def value(self) -> int:
        return self.proposed if self.part is None else self.part


@dataclass
class PartsTable:
    target: Target
    rows: list[PartRow]
    is_set: bool  # the owner has set the target's parts
    set_total: int  # the parts as set, all districts (the cap is checked against this)

    @property
    def total(self) -> int:
        return sum(r.value for r in self.rows)

    @property
    def proposed_total(self) -> int:
        return sum(r.proposed for r in self.rows)

    @property
    def done_total(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def left(self) -> Decimal:
        """What the set parts leave with the city."""
        return self.target.threshold - self.set_total


def target_parts(*, user, target: Target) -> PartsTable:
    """Every district of the plan's city with its part as set (or the proposed split where the
    owner has set none) and its count so far; a district officer sees its own row only."""
    from yufang.enterprises.selectors import insured_by_region

    scope = scope_of(user)
    regions = Region.objects.filter(city_id=target.plan.city_id, is_active=True).order_by("sort_order", "code", "pk")
    if scope.kind == ScopeKind.REGION:
        regions = regions.filter(pk=scope.region_id)
    set_parts = dict(TargetDistrictPart.objects.filter(target=target).values_list("region_id", "quantity"))
    proposed = proposed_parts(target, insured_by_region())
    done = dict(
        TargetTally.objects.filter(target=target, dimension=Dimension.MONTH)
        .values_list("region_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    if target.is_contributed:
        done = {r.pk: contributed_value(target, r.pk) for r in regions}
    rows = [PartRow(r, set_parts.get(r.pk), proposed.get(r.pk, 0), done.get(r.pk, 0)) for r in regions]
    if set_parts:  # districts not named when the parts were set are held to nothing
        for row in rows:
            row.part = row.part or 0
    return PartsTable(target=target, rows=rows, is_set=bool(set_parts), set_total=sum(set_parts.values()))
