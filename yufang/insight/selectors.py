"""Reads for the leaders' pages: the prevention effect and the plan years side by side."""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from yufang.core.scoping import scope_of, scoped
from yufang.enterprises.models import InjuryStatistic, KeyEnterpriseMark
from yufang.targets.models import Completion
from yufang.targets.selectors import reference_names

from .effect import Result, Unit, estimate, size_band

EFFECT_CACHE_SECONDS = 6 * 3600


class Group:
    TRAINED = "trained"
    CONTROL = "control"
    PARTIAL = "partial"


GROUP_LABELS = {
    Group.TRAINED: "受训企业",
    Group.CONTROL: "对照企业（当年无人受训）",
    Group.PARTIAL: "部分受训（不计入）",
}


@dataclass(frozen=True)
class EnterpriseRow:
    """One enterprise behind the figures, for the export."""

    enterprise_id: int
    name: str
    region: str
    industry: str
    band: str
    insured: int
    trained_people: int
    share: Decimal | None
    group: str
    key: bool
    before: tuple[int, int, Decimal, Decimal] | None  # cases, insured, benefits, premiums
    after: tuple[int, int, Decimal, Decimal] | None

    @property
    def included(self) -> bool:
        """Whether it is in the comparison: trained or untrained, with both years' headcount and premiums."""
        return self.group != Group.PARTIAL and _usable(self.before, self.after)


def _usable(before, after) -> bool:
    return bool(before and after and before[1] and after[1] and before[3] and after[3])


@dataclass
class Effect:
    year: int
    threshold: Decimal
    exclude_key: bool
    result: Result
    rows: list[EnterpriseRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    computed_at: datetime.datetime | None = None

    @property
    def before_year(self) -> int:
        return self.year - 1

    @property
    def after_year(self) -> int:
        return self.year + 1


def effect_years(*, user) -> list[int]:
    """Training years the comparison can be made for: statistics exist for the year before and
    the year after."""
    years = set(scoped(user, InjuryStatistic).order_by().values_list("year", flat=True).distinct())
    return sorted((y for y in years if y - 1 in years and y + 1 in years), reverse=True)


def _stamp(year: int) -> tuple:
    """What changes when the figures behind a year's comparison change: the statistics of the
    three years and the training year's completions."""
    stats = InjuryStatistic.objects.filter(year__in=(year - 1, year, year + 1)).aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )
    completions = Completion.objects.filter(year=year).aggregate(n=Count("pk"), last=Max("pk"))
    return (stats["n"], str(stats["changed"]), completions["n"], completions["last"])


def prevention_effect(*, user, year: int, threshold: Decimal, exclude_key: bool = False) -> Effect:
    """The comparison for training year `year` over the enterprises the user may see (a district
    its own district's). Trained: people who completed training in the year (distinct persons,
    any mode) are at least `threshold` percent of the insured headcount. Untrained: nobody
    completed. Before and after: the years either side.

    The people counted are aggregated per enterprise and never leave this function, so the page
    may show partner departments what they may not list (the completions themselves). The whole
    result is cached under a stamp of the records behind it: the bootstrap is the costly part."""
    scope = scope_of(user)
    key = (
        "insight.effect:"
        + hashlib.sha256(
            (
                f"{scope.kind}:{int(scope.partner)}:{scope.region_id}:{scope.organisation_id}:{year}:{threshold}:"
                f"{int(exclude_key)}:{'.'.join(map(str, _stamp(year)))}"
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    effect = _compute(user=user, year=year, threshold=threshold, exclude_key=exclude_key)
    cache.set(key, effect, EFFECT_CACHE_SECONDS)
    return effect


def _compute(*, user, year: int, threshold: Decimal, exclude_key: bool) -> Effect:
    stats = scoped(user, InjuryStatistic).filter(year__in=(year - 1, year, year + 1)).order_by()
    by_enterprise: dict[int, dict] = {}
    for eid, y, accident, disease, insured, premiums, benefits, industry_id, name, region in stats.values_list(
        "enterprise_id",
        "year",
        "accident_cases",
        "disease_cases",
        "insured_headcount",
        "premiums_paid",
        "benefits_paid",
        "enterprise__enterprise_profile__industry_id",
        "enterprise__name",
        "enterprise__region__name",
    ):
        entry = by_enterprise.setdefault(eid, {"industry_id": industry_id, "name": name, "region": region or ""})
        entry[y] = (accident + disease, insured, benefits, premiums)
    trained = dict(
        Completion.objects.filter(year=year, enterprise_id__in=stats.filter(year=year - 1).values("enterprise_id"))
        .values("enterprise_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("enterprise_id", "n")
    )
    key_ids = set(KeyEnterpriseMark.objects.filter(year=year).order_by().values_list("enterprise_id", flat=True))
    industries = reference_names()["industry"]

    rows: list[EnterpriseRow] = []
    units: list[Unit] = []
    counts = {"enterprises": 0, "trained": 0, "control": 0, "partial": 0, "missing": 0, "key_trained": 0}
    for eid, entry in by_enterprise.items():
        before, current, after = entry.get(year - 1), entry.get(year), entry.get(year + 1)
        if before is None or entry["industry_id"] is None:
            continue
        if exclude_key and eid in key_ids:
            continue
        counts["enterprises"] += 1
        insured = (current or before)[1]
        people = trained.get(eid, 0)
        share = (Decimal(people) * 100 / insured).quantize(Decimal("0.1")) if insured else None
        if people == 0:
            group = Group.CONTROL
        elif share is not None and share >= threshold:
            group = Group.TRAINED
        else:
            group = Group.PARTIAL
        counts[group] += 1
        industry = industries.get(entry["industry_id"], "")
        band = size_band(before[1])
        row = EnterpriseRow(
            enterprise_id=eid,
            name=entry["name"],
            region=entry["region"],
            industry=industry,
            band=band,
            insured=insured,
            trained_people=people,
            share=share,
            group=group,
            key=eid in key_ids,
            before=before,
            after=after,
        )
        rows.append(row)
        if group == Group.PARTIAL:
            continue
        if not _usable(before, after):
            counts["missing"] += 1
            continue
        if group == Group.TRAINED and row.key:
            counts["key_trained"] += 1
        units.append(
            Unit(
                enterprise_id=eid,
                industry=industry,
                band=band,
                trained=group == Group.TRAINED,
                figures=(*(float(v) for v in before), *(float(v) for v in after)),
            )
        )
    rows.sort(key=lambda r: (r.industry, r.group, r.name))
    return Effect(
        year=year,
        threshold=threshold,
        exclude_key=exclude_key,
        result=estimate(units),
        rows=rows,
        counts=counts,
        computed_at=timezone.now(),
    )


def effect_orm_baseline(*, user, year: int) -> list:
    """Plain ORM aggregates over the same records (per industry and year: enterprises, cases,
    insured, premiums, benefits), what the bench compares the page with."""
    return list(
        scoped(user, InjuryStatistic)
        .filter(year__in=(year - 1, year + 1))
        .values("enterprise__enterprise_profile__industry_id", "year")
        .annotate(
            n=Count("pk"),
            cases=Sum("accident_cases") + Sum("disease_cases"),
            insured=Sum("insured_headcount"),
            premiums=Sum("premiums_paid"),
            benefits=Sum("benefits_paid"),
        )
        .order_by()
    ) + list(
        Completion.objects.filter(year=year, enterprise__isnull=False)
        .values("enterprise_id")
        .annotate(n=Count("person_id", distinct=True))
        .filter(Q(n__gt=0))
        .order_by()
        .values_list("enterprise_id", "n")
    )
