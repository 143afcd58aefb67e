"""Publicity's figures in the projects app's progress reports and completion report (through
core.registry, so that projects never imports this app): an agreement indicator tied to
deliverable kinds (宣传短视频（部）, 播出/推送次数 …) is counted from the project's accepted
deliverables of those kinds, as training figures are counted from sessions and completions.
The report prefills that count and can never claim more (projects.services.reports)."""

import datetime

from django.db.models import Sum

from yufang.core.registry import DELIVERABLES_ACCEPTED, contribute

from . import permissions as may
from .models import Deliverable, DeliverableKind, DeliverableStatus


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


def register() -> None:
    contribute(DELIVERABLES_ACCEPTED, deliverables_accepted)
