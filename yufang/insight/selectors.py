"""Reads for the leaders' pages: the prevention effect and the plan years side by side."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from yufang.accounts.models import Role
from yufang.core.scoping import ScopeKind, scope_of, scoped
from yufang.enterprises.models import InjuryStatistic, KeyEnterpriseMark
from yufang.plans.models import BudgetLine, Plan, PlanStatus
from yufang.projects.models import Deduction, Project
from yufang.projects.models.acceptance import AcceptanceResult
from yufang.projects.models.money import DEDUCTION_COUNTS
from yufang.targets.models import Completion, Dimension, Metric, Target, TargetTally
from yufang.targets.selectors import reference_names

from .effect import Result, Unit, estimate, size_band
from .permissions import can_view_insight


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
    counts: dict[str, int] = field(default_factory=dict)
    computed_at: datetime.datetime | None = None

    @property
    def before_year(self) -> int:
        return self.year - 1

    @property
    def after_year(self) -> int:
        return self.year + 1


def effect_stamp() -> tuple[int | None, int | None]:
    """The newest statistic and the newest completion: an import of either (new rows) changes
    it. Both read the primary key's index, so the page can afford to look (effect_store)."""
    return (
        InjuryStatistic.objects.aggregate(last=Max("pk"))["last"],
        Completion.objects.aggregate(last=Max("pk"))["last"],
    )


def effect_years(*, user) -> list[int]:
    """Training years the comparison can be made for: statistics exist for the year before and
    the year after."""
    present = set(scoped(user, InjuryStatistic).order_by().values_list("year", flat=True).distinct())
    return sorted((y for y in present if y - 1 in present and y + 1 in present), reverse=True)


def prevention_effect(*, user, year: int, threshold: Decimal, exclude_key: bool = False) -> Effect:
    """The comparison for training year `year` over the enterprises the user may see (a district
    its own district's). Trained: people who completed training in the year (distinct persons,
    any mode) are at least `threshold` percent of the insured headcount. Untrained: nobody
    completed. Before and after: the years either side.

    The people counted are aggregated per enterprise and never leave this module, so the page
    may show partner departments what they may not list (the completions themselves). Computed
    afresh every time, which at programme scale takes seconds (the bootstrap): the page reads
    what the background refresh stored (effect_store), never this."""
    rows, units, counts = _gather(user=user, year=year, threshold=threshold, exclude_key=exclude_key)
    return Effect(
        year=year,
        threshold=threshold,
        exclude_key=exclude_key,
        result=estimate(units),
        counts=counts,
        computed_at=timezone.now(),
    )


def effect_rows(*, user, year: int, threshold: Decimal, exclude_key: bool = False) -> list[EnterpriseRow]:
    """Every enterprise behind the comparison, with its group and figures (the export)."""
    return _gather(user=user, year=year, threshold=threshold, exclude_key=exclude_key)[0]


def _gather(*, user, year: int, threshold: Decimal, exclude_key: bool) -> tuple[list, list, dict]:
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
    return rows, units, counts


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


@dataclass
class YearColumn:
    year: int
    plan: object  # None: a year with enterprises' statistics but no plan on the platform
    figures: dict[str, object] = field(default_factory=dict)


@dataclass
class YearsTable:
    columns: list[YearColumn]
    rows: list[tuple[str, str, str]]  # key, label, unit
    district: bool


def _targets_by_plan(user, plans, district: bool, region_id) -> dict[int, list]:
    """Each plan's person targets with what they reached (the maintained rollups, so the page
    never counts the completions): a district its own district's share."""
    targets = list(
        scoped(user, Target).filter(plan__in=plans, metric=Metric.PERSONS).order_by("plan_id", "sort_order", "pk")
    )
    values = {t.pk: t.achieved for t in targets}
    if district and targets:
        values = dict(
            TargetTally.objects.filter(target__in=targets, region_id=region_id, dimension=Dimension.MONTH)
            .values_list("target_id")
            .annotate(n=Sum("count"))
            .order_by()
        )
    result: dict[int, list] = {}
    for t in targets:
        result.setdefault(t.plan_id, []).append((t.name, values.get(t.pk, 0) or 0, t.threshold))
    return result


def years_side_by_side(*, user) -> YearsTable:
    """The key figures of every plan year the user may see, side by side. Money and projects are
    the programme's; people trained, enterprises' statistics and key enterprises are narrowed to
    a district for district staff."""
    scope = scope_of(user)
    district = scope.kind == ScopeKind.REGION
    plans = list(scoped(user, Plan).exclude(status=PlanStatus.DRAFT).select_related("city").order_by("year", "pk"))
    ids = [p.pk for p in plans]
    money = {
        row["plan_id"]: row
        for row in BudgetLine.objects.filter(plan_id__in=ids)
        .values("plan_id")
        .annotate(committed=Sum("committed"), paid=Sum("paid"))
        .order_by()
    }
    projects = {
        row["plan_id"]: row
        for row in Project.objects.filter(plan_id__in=ids)
        .values("plan_id")
        .annotate(
            n=Count("pk"),
            passed=Count("pk", filter=Q(acceptance__result=AcceptanceResult.PASS)),
            failed=Count("pk", filter=Q(acceptance__result=AcceptanceResult.FAIL)),
        )
        .order_by()
    }
    deducted = dict(
        Deduction.objects.filter(project__plan_id__in=ids, status__in=DEDUCTION_COUNTS)
        .values_list("project__plan_id")
        .annotate(n=Sum("amount"))
        .order_by()
    )
    stats = {
        row["year"]: row
        for row in scoped(user, InjuryStatistic)
        .values("year")
        .annotate(
            n=Count("pk"),
            cases=Sum(F("accident_cases") + F("disease_cases")),
            insured=Sum("insured_headcount"),
            premiums=Sum("premiums_paid"),
            benefits=Sum("benefits_paid"),
        )
        .order_by()
    }
    keys = dict(scoped(user, KeyEnterpriseMark).values_list("year").annotate(n=Count("pk")).order_by())
    targets = _targets_by_plan(user, plans, district, scope.region_id)

    rows = [
        ("fund", "工伤预防费提取额度", "元"),
        ("committed", "已承诺（协议签订）", "元"),
        ("paid", "已支付", "元"),
        ("paid_pct", "支付进度", "%"),
        ("projects", "项目数", "个"),
        ("passed", "验收合格", "个"),
        ("failed", "验收不合格", "个"),
        ("deducted", "扣减项目费用", "元"),
    ]
    target_names: list[str] = []
    for plan in plans:
        for name, _, _ in targets.get(plan.pk, []):
            if name not in target_names:
                target_names.append(name)
    rows += [(f"target:{name}", name, "人") for name in target_names]
    rows += [
        ("enterprises", "有工伤统计的企业", "家"),
        ("injury_rate", "工伤发生率（合计件数 × 1000 ÷ 参保人数）", "‰"),
        ("loss_ratio", "赔付率（基金支付 ÷ 缴费）", "%"),
        ("key", "重点企业", "家"),
    ]
    by_year = {p.year: p for p in plans}
    columns = []
    for year in sorted(set(by_year) | set(stats)):
        plan = by_year.get(year)
        st = stats.get(year)
        figures = {
            "enterprises": st["n"] if st else None,
            "injury_rate": (Decimal(st["cases"]) * 1000 / st["insured"]).quantize(Decimal("0.01"))
            if st and st["insured"]
            else None,
            "loss_ratio": (st["benefits"] * 100 / st["premiums"]).quantize(Decimal("0.1"))
            if st and st["premiums"]
            else None,
            "key": keys.get(year, 0),
        }
        if plan is not None:
            m = money.get(plan.pk, {})
            pr = projects.get(plan.pk, {})
            paid = m.get("paid") or Decimal(0)
            figures |= {
                "fund": plan.fund_amount,
                "committed": m.get("committed") or Decimal(0),
                "paid": paid,
                "paid_pct": (paid * 100 / plan.fund_amount).quantize(Decimal("0.1")) if plan.fund_amount else None,
                "projects": pr.get("n", 0),
                "passed": pr.get("passed", 0),
                "failed": pr.get("failed", 0),
                "deducted": deducted.get(plan.pk) or Decimal(0),
            }
            for name, achieved, threshold in targets.get(plan.pk, []):
                figures[f"target:{name}"] = (achieved, None if district else threshold)
        columns.append(YearColumn(year=year, plan=plan, figures=figures))
    return YearsTable(columns=columns, rows=rows, district=district)


def dashboard_home_panel(user) -> dict | None:
    """The home page's way into the dashboard, for everyone who may see it."""
    if not can_view_insight(user)[0]:
        return None
    district = user.has_role(Role.DISTRICT_OFFICER) and user.organisation is not None
    return {"scope": user.organisation.region.name if district and user.organisation.region_id else "全市"}
