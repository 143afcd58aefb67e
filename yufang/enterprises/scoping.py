"""Officials see the whole register; a district its own district's enterprises; an enterprise
itself. Providers and trainees: nothing here."""

from django.db.models import Q

from yufang.core import scoping

from .models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark

scoping.register(
    EnterpriseProfile,
    region=lambda s: Q(organisation__region_id=s.region_id),
    organisation=lambda s: Q(organisation_id=s.organisation_id),
)
scoping.register(
    InjuryStatistic,
    region=lambda s: Q(enterprise__region_id=s.region_id),
    organisation=lambda s: Q(enterprise_id=s.organisation_id),
)
scoping.register(
    KeyEnterpriseMark,
    region=lambda s: Q(enterprise__region_id=s.region_id),
    organisation=lambda s: Q(enterprise_id=s.organisation_id),
)
