"""Who sees which provider records.

- Programme owner, agency and partners: everything (partners read only).
- District bureau: providers registered in its district, their qualifications, the procurements
  they won and their agreements. "Agreements whose work touches the district" is, until projects
  record where sessions happen, the provider's own district: one simple, written rule.
- Debarments are programme-wide: every district bureau sees the whole register.
- Provider staff: their own organisation's records only. Enterprises and trainees: nothing.
"""

from django.db.models import Q

from yufang.core import scoping

from .models import (
    AgreementAmendment,
    Debarment,
    Procurement,
    ProviderProfile,
    Qualification,
    ServiceAgreement,
    TeamChangeRequest,
)

scoping.register(
    ProviderProfile,
    region=lambda s: Q(organisation__region_id=s.region_id),
    organisation=lambda s: Q(organisation_id=s.organisation_id),
)
scoping.register(
    Qualification,
    region=lambda s: Q(provider__region_id=s.region_id),
    organisation=lambda s: Q(provider_id=s.organisation_id),
)
scoping.register(
    Procurement,
    region=lambda s: Q(chosen__region_id=s.region_id),
    organisation=lambda s: Q(chosen_id=s.organisation_id),
)
scoping.register(
    Debarment,
    region=lambda s: Q(),
    organisation=lambda s: Q(provider_id=s.organisation_id),
)
scoping.register(
    ServiceAgreement,
    region=lambda s: Q(provider__region_id=s.region_id),
    organisation=lambda s: Q(provider_id=s.organisation_id),
)
# An agreement's amendments and team changes are seen with the agreement.
for _model in (AgreementAmendment, TeamChangeRequest):
    scoping.register(
        _model,
        region=lambda s: Q(agreement__provider__region_id=s.region_id),
        organisation=lambda s: Q(agreement__provider_id=s.organisation_id),
    )
