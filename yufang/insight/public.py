"""Public disclosure (政府信息主动公开): what anyone may read of an issued plan, without signing in.
The plan as issued (its document, fund and targets) and, once its year is over, its results as
aggregate figures only. Nothing here is scoped by a user, because there is none: the rule is
written once, here — issued or closed plans only, and no record of a person or an enterprise."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone

from yufang.plans.models import BudgetItem, BudgetLine, Plan, PlanStatus
from yufang.targets.models import BaselineEntry, Completion, Metric, Target
from yufang.targets.selectors import Progress

PUBLIC_STATUSES = (PlanStatus.ISSUED, PlanStatus.CLOSED)
CACHE_SECONDS = 600


def public_plans() -> list[Plan]:
    return list(Plan.objects.filter(status__in=PUBLIC_STATUSES).select_related("city").order_by("-year", "pk"))


def public_plan(pk: int) -> Plan:
    plan = Plan.objects.filter(pk=pk, status__in=PUBLIC_STATUSES).select_related("city").first()
    if plan is None:
        raise Http404("未找到该公开信息。")
    return plan


def year_over(plan: Plan, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return plan.status == PlanStatus.CLOSED or today > datetime.date(plan.year, 12, 31)


@dataclass
class Disclosure:
    plan: Plan
    budget: list[tuple[BudgetLine, list[BudgetItem]]]
    targets: list[Progress]
    results: bool  # the year is over: achieved figures and money paid are shown
    trained_by_mode: list[tuple[str, int]]


def disclosure(plan: Plan) -> Disclosure:
    """What the public page shows; cached for a while (the page needs no up-to-the-minute figures
    and may be read by many)."""
    over = year_over(plan)
    key = f"insight.public:{plan.pk}:{int(over)}:{plan.updated_at.timestamp()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    lines = list(BudgetLine.objects.filter(plan=plan).order_by("category"))
    items: dict[int, list[BudgetItem]] = {}
    for item in BudgetItem.objects.filter(line__plan=plan).order_by("line_id", "sort_order", "pk"):
        items.setdefault(item.line_id, []).append(item)
    targets = list(Target.objects.filter(plan=plan).select_related("plan", "programme").order_by("sort_order", "pk"))
    programmes = {t.programme_id for t in targets if t.metric == Metric.PROGRAMME_SHARE}
    baselines = {}
    if programmes:
        baselines = dict(
            BaselineEntry.objects.filter(programme_id__in=programmes)
            .values_list("programme_id")
            .annotate(n=Sum("headcount"))
            .order_by()
        )
    progress = [
        Progress(
            target=t,
            value=t.achieved if over else 0,
            baseline=baselines.get(t.programme_id, 0) if t.metric == Metric.PROGRAMME_SHARE else None,
        )
        for t in targets
    ]
    trained = []
    if over:
        labels = dict(Completion._meta.get_field("mode").choices)
        trained = [
            (labels.get(mode, mode), n)
            for mode, n in Completion.objects.filter(year=plan.year, region__city=plan.city, revoked_at__isnull=True)
            .values_list("mode")
            .annotate(n=Count("person_id", distinct=True))
            .order_by("mode")
        ]
    result = Disclosure(
        plan=plan,
        budget=[(line, items.get(line.pk, [])) for line in lines],
        targets=progress,
        results=over,
        trained_by_mode=trained,
    )
    cache.set(key, result, CACHE_SECONDS)
    return result
