"""Reads of a plan's publicity reach, all through scoping: planned against delivered per kind
and project, audiences reached by district and by industry (targeted pushes delivered and
opened, printed materials confirmed distributed, event attendance), and short videos' views
over time. Every figure is summed from the records a user may see."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum

from yufang.core.scoping import scoped

from .models import (
    Deliverable,
    DeliverableStatus,
    Distribution,
    DistributionStatus,
    PushDelivery,
    ViewReading,
)
from .selectors import planned_list, totals_by_kind

UNASSIGNED = "全市（未分区县）"
NO_INDUSTRY = "未分行业"


@dataclass
class Audience:
    """What reached one district (or industry)."""

    name: str
    sort: tuple = ()
    push_sent: int = 0
    push_delivered: int = 0
    push_opened: int = 0
    materials: int = 0
    attendance: int = 0

    @property
    def open_rate(self) -> int | None:
        return round(self.push_opened * 100 / self.push_delivered) if self.push_delivered else None


@dataclass
class Reach:
    totals: list
    projects: QuerySet
    districts: list[Audience]
    industries: list[Audience]
    views: list[tuple[str, int]]  # (date, views summed over the latest reading of each video)
    videos: list[dict] = field(default_factory=list)  # each video's latest reading


def _filtered(qs: QuerySet, prefix: str, *, plan, project, kind) -> QuerySet:
    qs = qs.filter(**{f"{prefix}project__plan": plan})
    if project is not None:
        qs = qs.filter(**{f"{prefix}project": project})
    if kind is not None:
        qs = qs.filter(**{f"{prefix}kind": kind})
    return qs


def _audience(bucket: dict, key, name: str, sort: tuple) -> Audience:
    if key not in bucket:
        bucket[key] = Audience(name=name, sort=sort)
    return bucket[key]


def push_rows(*, user, plan, project=None, kind=None, region=None) -> QuerySet[PushDelivery]:
    qs = _filtered(scoped(user, PushDelivery), "deliverable__", plan=plan, project=project, kind=kind)
    return qs.filter(region=region) if region is not None else qs


def confirmed_distributions(*, user, plan, project=None, kind=None, region=None) -> QuerySet[Distribution]:
    qs = _filtered(scoped(user, Distribution), "deliverable__", plan=plan, project=project, kind=kind)
    qs = qs.filter(status=DistributionStatus.CONFIRMED)
    return qs.filter(region=region) if region is not None else qs


def _events(*, user, plan, project, kind, region):
    qs = _filtered(scoped(user, Deliverable), "", plan=plan, project=project, kind=kind)
    qs = qs.filter(kind__code="event", status=DeliverableStatus.ACCEPTED)
    if region is not None:
        qs = qs.filter(regions=region)
    return qs.prefetch_related("regions")


def plan_reach(*, user, plan, project=None, kind=None, region=None) -> Reach:
    rows = planned_list(user=user, plan=plan, project=project, kind=kind)
    districts: dict = {}
    industries: dict = {}
    pushes = (
        push_rows(user=user, plan=plan, project=project, kind=kind, region=region)
        .values(
            "region_id", "region__name", "region__sort_order", "industry_id", "industry__name", "industry__sort_order"
        )
        .annotate(sent=Sum("sent"), delivered=Sum("delivered"), opened=Sum("opened"))
        .order_by()
    )
    for p in pushes:
        for bucket, key, name, sort in (
            (districts, p["region_id"], p["region__name"] or UNASSIGNED, (p["region__sort_order"] or 999,)),
            (industries, p["industry_id"], p["industry__name"] or NO_INDUSTRY, (p["industry__sort_order"] or 999,)),
        ):
            a = _audience(bucket, key, name, sort)
            a.push_sent += p["sent"]
            a.push_delivered += p["delivered"]
            a.push_opened += p["opened"]
    materials = (
        confirmed_distributions(user=user, plan=plan, project=project, kind=kind, region=region)
        .values(
            "region_id",
            "region__name",
            "region__sort_order",
            "enterprise__enterprise_profile__industry_id",
            "enterprise__enterprise_profile__industry__name",
            "enterprise__enterprise_profile__industry__sort_order",
        )
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for m in materials:
        _audience(districts, m["region_id"], m["region__name"], (m["region__sort_order"],)).materials += m["total"]
        industry_id = m["enterprise__enterprise_profile__industry_id"]
        if industry_id is not None:
            name = m["enterprise__enterprise_profile__industry__name"]
            sort = (m["enterprise__enterprise_profile__industry__sort_order"],)
            _audience(industries, industry_id, name, sort).materials += m["total"]
    for event in _events(user=user, plan=plan, project=project, kind=kind, region=region):
        attendance = event.details.get("attendance")
        if not isinstance(attendance, int):
            continue
        regions = list(event.regions.all())
        if len(regions) == 1:
            _audience(districts, regions[0].pk, regions[0].name, (regions[0].sort_order,)).attendance += attendance
        elif region is None:
            _audience(districts, None, UNASSIGNED, (999,)).attendance += attendance
    views, videos = views_over_time(user=user, plan=plan, project=project, kind=kind, region=region)
    return Reach(
        totals=totals_by_kind(rows),
        projects=rows,
        districts=sorted(districts.values(), key=lambda a: (a.sort, a.name)),
        industries=sorted(industries.values(), key=lambda a: (a.sort, a.name)),
        views=views,
        videos=videos,
    )


def views_over_time(*, user, plan, project=None, kind=None, region=None) -> tuple[list[tuple[str, int]], list[dict]]:
    """For each date with a reading: the sum over videos (and their platforms) of each one's
    latest reading on or before that date. A reading is cumulative, so a day without a new
    reading keeps the last one; nothing is counted twice."""
    qs = _filtered(scoped(user, ViewReading), "deliverable__", plan=plan, project=project, kind=kind)
    if region is not None:
        qs = qs.filter(Q(deliverable__regions=region) | Q(deliverable__regions__isnull=True))
    readings = list(
        qs.values_list("deliverable_id", "deliverable__title", "platform", "read_on", "views")
        .order_by("read_on", "deliverable_id", "platform")
        .distinct()
    )
    latest: dict[tuple[int, str], int] = {}
    by_date: list[tuple[str, int]] = []
    last_of: dict[tuple[int, str], tuple[str, datetime.date, int]] = {}
    for deliverable_id, title, platform, read_on, views in readings:
        latest[(deliverable_id, platform)] = views
        last_of[(deliverable_id, platform)] = (title, read_on, views)
        total = sum(latest.values())
        day = read_on.isoformat()
        if by_date and by_date[-1][0] == day:
            by_date[-1] = (day, total)
        else:
            by_date.append((day, total))
    per_video: dict[int, dict] = defaultdict(lambda: {"title": "", "views": 0, "platforms": [], "read_on": None})
    for (deliverable_id, platform), (title, read_on, views) in last_of.items():
        v = per_video[deliverable_id]
        v["title"], v["views"] = title, v["views"] + views
        v["platforms"].append(platform)
        v["read_on"] = max(filter(None, [v["read_on"], read_on]))
        v["id"] = deliverable_id
    return by_date, sorted(per_video.values(), key=lambda v: -v["views"])


def distribution_list(*, user, status: str = "", region=None, q: str = "", deliverable=None) -> QuerySet[Distribution]:
    qs = scoped(user, Distribution).select_related(
        "deliverable__project__provider", "region", "enterprise", "decided_by"
    )
    if deliverable is not None:
        qs = qs.filter(deliverable=deliverable)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region=region)
    if q:
        qs = qs.filter(
            Q(deliverable__title__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(deliverable__project__provider__name__icontains=q)
        )
    return qs.order_by("-distributed_on", "-pk")


def to_confirm_count(*, user) -> int:
    """Distributions to the user's district waiting for its confirmation."""
    region_id = getattr(user.organisation, "region_id", None)
    if region_id is None:
        return 0
    return scoped(user, Distribution).filter(region_id=region_id, status=DistributionStatus.RECORDED).count()


def disputed_count(*, user) -> int:
    return scoped(user, Distribution).filter(status=DistributionStatus.DISPUTED).count()
