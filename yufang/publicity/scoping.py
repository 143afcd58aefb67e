"""Who sees which publicity records: officials everything; a district the deliverables addressed
to it (a deliverable addressed to no district is citywide, so every district sees it); a
provider its own projects'. Deliverable kinds are reference data every signed-in user reads."""

from django.db.models import Q

from yufang.core import scoping

from .models import (
    Deliverable,
    DeliverableKind,
    Distribution,
    Evidence,
    MaterialStock,
    PlannedQuantity,
    PushAudience,
    PushDelivery,
    ViewReading,
)

_addressed = Deliverable.regions.through.objects


def _to_district(prefix: str):
    def rule(s) -> Q:
        return Q(**{f"{prefix}pk__in": _addressed.filter(region_id=s.region_id).values("deliverable_id")}) | ~Q(
            **{f"{prefix}pk__in": _addressed.values("deliverable_id")}
        )

    return rule


scoping.register(
    Deliverable,
    region=_to_district(""),
    organisation=lambda s: Q(project__provider_id=s.organisation_id),
)
scoping.register(
    Evidence,
    region=_to_district("deliverable__"),
    organisation=lambda s: Q(deliverable__project__provider_id=s.organisation_id),
)
# A project's planned quantities are seen by whoever sees the project.
scoping.register(
    PlannedQuantity,
    region=lambda s: Q(project__regions__id=s.region_id),
    organisation=lambda s: Q(project__provider_id=s.organisation_id),
)
scoping.register(
    DeliverableKind,
    region=lambda s: Q(),
    organisation=lambda s: Q(),
    self=lambda s: Q(),
)

# Reach (issue 16): a video's readings, a push's audience and a print run's stock go with their
# deliverable; a delivery-report row and a distribution are seen by the district they reached.
for _model in (ViewReading, PushAudience, MaterialStock):
    scoping.register(
        _model,
        region=_to_district("deliverable__"),
        organisation=lambda s: Q(deliverable__project__provider_id=s.organisation_id),
    )
for _model in (PushDelivery, Distribution):
    scoping.register(
        _model,
        region=lambda s: Q(region_id=s.region_id),
        organisation=lambda s: Q(deliverable__project__provider_id=s.organisation_id),
    )
