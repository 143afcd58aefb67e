"""Reads for the publicity pages and API, always through scoping."""

from dataclasses import dataclass

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from yufang.core.scoping import scoped
from yufang.providers.models import IndicatorKind

from .models import Deliverable, DeliverableKind, DeliverableStatus, Evidence, PlannedQuantity


def indicator_minimums(project) -> dict[str, tuple[str, int]]:
    """The agreement's indicators that deliverable kinds are tied to: indicator -> (its label,
    the quantity undertaken). Training indicators (sessions, people) are not publicity's."""
    tied = set(DeliverableKind.objects.exclude(indicator_kind="").values_list("indicator_kind", flat=True))
    totals: dict[str, int] = {}
    for row in project.agreement.indicators.filter(kind__in=tied):
        totals[row.kind] = totals.get(row.kind, 0) + row.planned
    return {kind: (str(IndicatorKind(kind).label), total) for kind, total in totals.items()}


def kind_list(*, user, active_only: bool = False) -> QuerySet[DeliverableKind]:
    qs = scoped(user, DeliverableKind)
    return qs.filter(is_active=True) if active_only else qs


def deliverable_list(
    *,
    user,
    project=None,
    plan=None,
    kind=None,
    status: str = "",
    region=None,
    q: str = "",
) -> QuerySet[Deliverable]:
    qs = scoped(user, Deliverable).select_related("project", "project__provider", "kind")
    if project is not None:
        qs = qs.filter(project=project)
    if plan is not None:
        qs = qs.filter(project__plan=plan)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(pk__in=Deliverable.regions.through.objects.filter(region=region).values("deliverable_id"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(project__name__icontains=q) | Q(project__provider__name__icontains=q))
    return qs.prefetch_related("regions").order_by("-delivered_on", "-pk")


def evidence_list(*, user, deliverable: Deliverable) -> QuerySet[Evidence]:
    """A deliverable's evidence; `reused_visible` says whether the user may see the other
    deliverable a reused file came from (another provider's is named only to officials)."""
    return (
        scoped(user, Evidence)
        .filter(deliverable=deliverable)
        .select_related("reused_from__deliverable__project__provider", "uploaded_by")
        .annotate(reused_visible=Exists(scoped(user, Deliverable).filter(pk=OuterRef("reused_from__deliverable"))))
        .order_by("pk")
    )


def _quantity(status_q: Q):
    total = (
        Deliverable.objects.filter(status_q, project=OuterRef("project"), kind=OuterRef("kind"))
        .order_by()
        .values("project", "kind")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def planned_list(*, user, project=None, plan=None, kind=None, provider=None, q: str = "") -> QuerySet[PlannedQuantity]:
    """Planned against delivered per project and kind: delivered counts accepted deliverables
    only; `pending` those submitted and not yet decided."""
    qs = scoped(user, PlannedQuantity).select_related("project", "project__provider", "kind")
    if project is not None:
        qs = qs.filter(project=project)
    if plan is not None:
        qs = qs.filter(project__plan=plan)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if provider is not None:
        qs = qs.filter(project__provider=provider)
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__provider__name__icontains=q))
    return qs.annotate(
        delivered=_quantity(Q(status=DeliverableStatus.ACCEPTED)),
        pending=_quantity(Q(status=DeliverableStatus.SUBMITTED)),
    ).order_by("project__name", "project_id", "kind__sort_order", "kind_id")


@dataclass(frozen=True)
class KindTotal:
    kind: DeliverableKind
    planned: int
    delivered: int
    pending: int

    @property
    def percent(self) -> int | None:
        return round(self.delivered * 100 / self.planned) if self.planned else None


def totals_by_kind(rows) -> list[KindTotal]:
    """The rows of planned_list summed per kind (for a plan's page or a project's panel)."""
    by_kind: dict[int, list] = {}
    for row in rows:
        entry = by_kind.setdefault(row.kind_id, [row.kind, 0, 0, 0])
        entry[1] += row.planned
        entry[2] += row.delivered
        entry[3] += row.pending
    ordered = sorted(by_kind.values(), key=lambda e: (e[0].sort_order, e[0].pk))
    return [KindTotal(kind, planned, delivered, pending) for kind, planned, delivered, pending in ordered]


def returned_count(*, user) -> int:
    return scoped(user, Deliverable).filter(status=DeliverableStatus.RETURNED).count()


def submitted_count(*, user) -> int:
    return scoped(user, Deliverable).filter(status=DeliverableStatus.SUBMITTED).count()
