from django.db.models import Q

from yufang.core import scoping

from .models import BaselineEntry, Completion, CompletionRevocation, Target, TargetDistrictPart, TrainingProgramme

# Targets and the programme are read by officials and by districts (for their own district's
# figures, which the progress selectors narrow further).
scoping.register(Target, region=lambda s: Q(plan__status__in=("issued", "closed")))
# A district reads its own part of the targets it sees; officials every district's.
scoping.register(
    TargetDistrictPart,
    region=lambda s: Q(region_id=s.region_id, target__plan__status__in=("issued", "closed")),
)
scoping.register(TrainingProgramme, region=lambda s: Q())
scoping.register(BaselineEntry, region=lambda s: Q(enterprise__region_id=s.region_id))
scoping.register(
    Completion,
    region=lambda s: Q(region_id=s.region_id),
    organisation=lambda s: Q(enterprise_id=s.organisation_id) | Q(provider_id=s.organisation_id),
    self=lambda s: Q(person__user_id=s.user_id),
    partners=False,
)
scoping.register(
    CompletionRevocation,
    region=lambda s: Q(completion__region_id=s.region_id),
    organisation=lambda s: (
        Q(completion__enterprise_id=s.organisation_id) | Q(completion__provider_id=s.organisation_id)
    ),
    self=lambda s: Q(completion__person__user_id=s.user_id),
    partners=False,
)
