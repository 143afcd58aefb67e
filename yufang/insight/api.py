"""/api/v1/insight/: the dashboard's figures as the page shows them, scoped the same way."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema

from .dashboard import dashboard_figures, dashboard_plan, period_of
from .permissions import can_view_insight

router = Router(tags=["领导驾驶舱"])


class SeriesOut(Schema):
    name: str
    data: list[float | int | None]


class FigureOut(Schema):
    key: str
    title: str
    rule: str
    unit: str
    chart: str
    categories: list[str]
    series: list[SeriesOut]
    links: list[list[str | None]]
    warn: list[list[bool]]
    link: str | None
    note: str
    computed_at: str | None


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]


class PlanRef(Schema):
    id: int
    year: int
    title: str


class PeriodOut(Schema):
    month: int | None
    label: str
    end: str


class ScopeOut(Schema):
    district_id: int | None
    label: str


class CountedOut(Schema):
    at: str
    label: str
    fresh: bool
    recounting: bool
    done: int
    total: int


class DashboardOut(Schema):
    plan: PlanRef
    period: PeriodOut
    scope: ScopeOut
    counted: CountedOut
    sections: list[SectionOut]


@router.get("/dashboard", response=DashboardOut, summary="领导驾驶舱各图表数据（全市或本区县）")
def dashboard(request, plan: int | None = None, period: str = ""):
    """Every figure of a plan year (the latest issued plan if none is named) up to the end of
    month `period` (1–12; empty: the whole year). A district's staff receive their district's.
    `counted` says when the figures were counted; `fresh` false: the records have changed since
    and a recount runs in the background (the online funnel is always live). The first call for
    a plan and period counts before it answers."""
    allowed, reason = can_view_insight(request.auth)
    if not allowed:
        raise PermissionDenied(reason)
    chosen, _ = dashboard_plan(user=request.auth, wanted=plan)
    if chosen is None:
        raise Http404("实施方案不存在。")
    return dashboard_figures(user=request.auth, plan=chosen, period=period_of(chosen, period), wait=True)
