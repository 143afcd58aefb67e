from django.db.models import Q

from yufang.core import scoping

from .models import Person

scoping.register(
    Person,
    region=lambda s: Q(region_id=s.region_id),
    organisation=lambda s: Q(enterprise_id=s.organisation_id),
    self=lambda s: Q(user_id=s.user_id),
)
