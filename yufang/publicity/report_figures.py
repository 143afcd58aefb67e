"""Publicity's figures in the projects app's progress reports and completion report (through
core.registry, so that projects never imports this app): an agreement indicator tied to
deliverable kinds (宣传短视频（部）, 播出/推送次数 …) is counted from the project's accepted
deliverables of those kinds, as training figures are counted from sessions and completions.
The report prefills that count and can never claim more (projects.services.reports)."""

import datetime

from django.db.models import Sum
from django.template.loader import render_to_string

from yufang.core.registry import DELIVERABLES_ACCEPTED, REPORT_PANELS, contribute
from yufang.core.scoping import scoped

from . import permissions as may
from .models import Deliverable, DeliverableKind, DeliverableStatus, PlannedQuantity


def deliverables_accepted(project, indicator_kind: str, *, until: datetime.date | None = None) -> int | None:
    """The quantity of the project's accepted deliverables of the kinds tied to the indicator,
    delivered up to `until` (a progress report's period end; the completion report: all).
    None for a project outside the publicity line or an indicator no kind is tied to (its
    figure stays typed, as before)."""
    if not may.is_publicity(project):
        return None
    kinds = DeliverableKind.objects.filter(indicator_kind=indicator_kind).values("pk")
    if not indicator_kind or not kinds.exists():
        return None
    accepted = Deliverable.objects.filter(project=project, kind__in=kinds, status=DeliverableStatus.ACCEPTED)
    if until is not None:
        accepted = accepted.filter(delivered_on__lte=until)
    return accepted.aggregate(total=Sum("quantity"))["total"] or 0


def report_panel(request, report) -> str:
    """On a progress report's page: per kind, planned beside what was accepted by the period's
    end (the figures above add up the kinds of each indicator)."""
    project = report.project
    if not may.is_publicity(project):
        return ""
    planned = list(
        scoped(request.user, PlannedQuantity)
        .filter(project=project)
        .select_related("kind")
        .order_by("kind__sort_order", "kind_id")
    )
    accepted = dict(
        Deliverable.objects.filter(
            project=project, status=DeliverableStatus.ACCEPTED, delivered_on__lte=report.period_end
        )
        .order_by()
        .values("kind")
        .annotate(total=Sum("quantity"))
        .values_list("kind", "total")
    )
    rows = [(p.kind, p.planned, accepted.get(p.kind_id, 0)) for p in planned]
    rows = [r for r in rows if r[1] or r[2]]
    if not rows:
        return ""
    return render_to_string("publicity/_report_panel.html", {"r": report, "rows": rows}, request=request)


def register() -> None:
    contribute(DELIVERABLES_ACCEPTED, deliverables_accepted)
    contribute(REPORT_PANELS, report_panel)
