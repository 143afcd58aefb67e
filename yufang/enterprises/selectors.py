"""Reads for the register and the key-enterprise choice."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum

from yufang.core.scoping import scoped

from .models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark


def enterprise_list(*, user, industry=None, region=None, q: str = "", hazchem: str = "") -> QuerySet[EnterpriseProfile]:
    qs = scoped(user, EnterpriseProfile).select_related("organisation", "organisation__region", "industry")
    if industry is not None:
        qs = qs.filter(industry=industry)
    if region is not None:
        qs = qs.filter(organisation__region=region)
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(organisation__credit_code__icontains=q))
    if hazchem == "yes":
        qs = qs.exclude(licence_type="")
    return qs


@dataclass
class RankRow:
    stat: InjuryStatistic
    profile: EnterpriseProfile | None
    rate_rank: int
    loss_rank: int
    score: int  # sum of the two ranks: lower is a more urgent key enterprise
    position: int
    reason: str
    mark: KeyEnterpriseMark | None


def _ranks(values: list[Decimal | None]) -> list[int]:
    """Competition ranking, highest first; a missing value ranks last."""
    order = sorted(range(len(values)), key=lambda i: (values[i] is None, -(values[i] or 0)))
    ranks = [0] * len(values)
    previous, rank = object(), 0
    for position, i in enumerate(order, start=1):
        if values[i] != previous:
            rank, previous = position, values[i]
        ranks[i] = rank
    return ranks


def _industry_averages(stats: list[InjuryStatistic]) -> tuple[Decimal | None, Decimal | None]:
    """The industry's injury rate (‰) and loss ratio (%) over all its enterprises' figures."""
    insured = sum(s.insured_headcount for s in stats)
    cases = sum(s.cases for s in stats)
    premiums = sum((s.premiums_paid for s in stats), Decimal(0))
    benefits = sum((s.benefits_paid for s in stats), Decimal(0))
    avg_rate = (Decimal(cases) * 1000 / insured).quantize(Decimal("0.01")) if insured else None
    avg_loss = (benefits * 100 / premiums).quantize(Decimal("0.1")) if premiums else None
    return avg_rate, avg_loss


def _reason(s: InjuryStatistic, rr: int, lr: int, n: int, averages: tuple[Decimal | None, Decimal | None]) -> str:
    """Why the enterprise stands where it does: its two figures, their ranks and the averages."""
    avg_rate, avg_loss = averages
    parts = []
    if s.injury_rate is None:
        parts.append("参保人数为 0，无法计算工伤发生率")
    else:
        parts.append(
            f"工伤发生率 {s.injury_rate}‰（{s.cases} 件 ÷ {s.insured_headcount} 人），行业第 {rr}/{n}"
            + (f"，行业平均 {avg_rate}‰" if avg_rate is not None else "")
        )
    if s.loss_ratio is None:
        parts.append("未缴费，无法计算赔付率")
    else:
        parts.append(
            f"赔付率 {s.loss_ratio}%（支付 {s.benefits_paid} 元 ÷ 缴费 {s.premiums_paid} 元），行业第 {lr}/{n}"
            + (f"，行业平均 {avg_loss}%" if avg_loss is not None else "")
        )
    return "；".join(parts)


def ranking(*, user, industry, year: int, key_year: int | None = None) -> list[RankRow]:
    """Enterprises of an industry for a year, ranked by injury rate per 1,000 insured and by loss
    ratio (benefits ÷ premiums); the combined order is the sum of the two ranks. Each row says
    why it stands where it does, against the industry's figures, and carries the enterprise's
    key mark for `key_year` (default: the statistics year; the ranking page chooses the next
    year's key enterprises from a year's figures)."""
    stats = list(
        scoped(user, InjuryStatistic)
        .filter(year=year, enterprise__enterprise_profile__industry=industry)
        .select_related("enterprise", "enterprise__region", "enterprise__enterprise_profile")
    )
    if not stats:
        return []
    rates = [s.injury_rate for s in stats]
    losses = [s.loss_ratio for s in stats]
    rate_ranks, loss_ranks = _ranks(rates), _ranks(losses)
    averages = _industry_averages(stats)
    marks = {
        m.enterprise_id: m
        for m in KeyEnterpriseMark.objects.filter(
            year=year if key_year is None else key_year, enterprise_id__in=[s.enterprise_id for s in stats]
        )
    }
    n = len(stats)
    rows = []
    for s, rr, lr in zip(stats, rate_ranks, loss_ranks, strict=True):
        rows.append(
            RankRow(
                stat=s,
                profile=getattr(s.enterprise, "enterprise_profile", None),
                rate_rank=rr,
                loss_rank=lr,
                score=rr + lr,
                position=0,
                reason=_reason(s, rr, lr, n, averages),
                mark=marks.get(s.enterprise_id),
            )
        )
    rows.sort(key=lambda r: (r.score, r.rate_rank, r.stat.enterprise.name))
    for i, r in enumerate(rows, start=1):
        r.position = i
    return rows


def key_enterprise_ids(*, year: int, industry=None) -> set[int]:
    """The enterprises marked key for a year: what targets counting key enterprises read."""
    qs = KeyEnterpriseMark.objects.filter(year=year)
    if industry is not None:
        qs = qs.filter(industry=industry)
    return set(qs.values_list("enterprise_id", flat=True))


def key_enterprise_marks(*, user, year: int) -> QuerySet[KeyEnterpriseMark]:
    """The year's key enterprises with their reasons, as the user may see them (a district its
    own district's)."""
    return (
        scoped(user, KeyEnterpriseMark)
        .filter(year=year)
        .select_related("enterprise", "enterprise__enterprise_profile", "industry")
        .order_by("industry__sort_order", "industry__code", "enterprise__name")
    )


INSURED_BY_REGION_KEY = "enterprises:insured-by-region"


def insured_by_region() -> dict[int, int]:
    """The insured headcount the enterprises registered, per district: what a city-wide target
    is divided by. Cached; enterprise_save drops it whenever a profile changes (the hour is a
    backstop for a district changed on the organisation itself)."""
    totals = cache.get(INSURED_BY_REGION_KEY)
    if totals is None:
        totals = dict(
            EnterpriseProfile.objects.filter(organisation__region__isnull=False)
            .values_list("organisation__region_id")
            .annotate(n=Sum("insured_headcount"))
            .order_by()
        )
        cache.set(INSURED_BY_REGION_KEY, totals, 3600)
    return totals
