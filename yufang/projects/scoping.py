from django.db.models import Q

from yufang.core import scoping

from .models import Acceptance, CompletionReport, Deduction, Extension, Payment, PlanVersion, ProgressReport, Project

# A district sees the projects with work in its district; a provider its own projects.
scoping.register(
    Project,
    region=lambda s: Q(regions__id=s.region_id),
    organisation=lambda s: Q(provider_id=s.organisation_id),
)

# Every record of a project is seen by whoever sees the project.
for model in (PlanVersion, ProgressReport, Extension, CompletionReport, Acceptance, Deduction, Payment):
    scoping.register(
        model,
        region=lambda s: Q(project__regions__id=s.region_id),
        organisation=lambda s: Q(project__provider_id=s.organisation_id),
    )
