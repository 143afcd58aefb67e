"""Who sees which supervision records. Officials everything; a district bureau what happens in
its district; a provider its own projects' inspections once they are no secret (scheduled ones,
and unannounced ones from the moment the inspectors arrive), their findings once the inspecting
side has acted on them, and no call-backs (the people called are not the provider's business)."""

from django.db.models import Q

from yufang.core import scoping

from .models import Answer, Callback, CallbackEntry, Checklist, ChecklistItem, Finding, Inspection, Photo, RosterCheck


def _visible_to_provider(prefix: str):
    def rule(s) -> Q:
        return Q(**{f"{prefix}project__provider_id": s.organisation_id}) & (
            Q(**{f"{prefix}mode": "scheduled"}) | Q(**{f"{prefix}status__in": ("on_site", "done")})
        )

    return rule


scoping.register(
    Inspection,
    region=lambda s: Q(region_id=s.region_id),
    organisation=_visible_to_provider(""),
)
for model in (Answer, Photo):
    scoping.register(
        model,
        region=lambda s: Q(inspection__region_id=s.region_id),
        organisation=_visible_to_provider("inspection__"),
    )
# Who was checked in the room is the inspectors' record.
scoping.register(RosterCheck, region=lambda s: Q(inspection__region_id=s.region_id), partners=False)
scoping.register(
    Finding,
    region=lambda s: Q(inspection__region_id=s.region_id),
    organisation=lambda s: Q(inspection__project__provider_id=s.organisation_id) & ~Q(status="open"),
)
scoping.register(Callback, region=lambda s: Q(region_id=s.region_id), partners=False)
scoping.register(CallbackEntry, region=lambda s: Q(callback__region_id=s.region_id), partners=False)
# Checklists are reference data for everyone who inspects or is inspected.
for model in (Checklist, ChecklistItem):
    scoping.register(model, region=lambda s: Q(), organisation=lambda s: Q())
