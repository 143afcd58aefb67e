from django.db.models import Q

from yufang.core import scoping

from .models import Project

# A district sees the projects with work in its district; a provider its own projects.
scoping.register(
    Project,
    region=lambda s: Q(regions__id=s.region_id),
    organisation=lambda s: Q(provider_id=s.organisation_id),
)
