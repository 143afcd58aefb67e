from django.db.models import Q

from yufang.core import scoping
from yufang.core.registry import PERSON_ORGANISATION_SCOPE, contributions

from .models import Person


def _organisation(s) -> Q:
    """An enterprise sees its staff; the apps built on people widen that (training: a provider
    sees the people on its own sessions' rosters)."""
    q = Q(enterprise_id=s.organisation_id)
    for rule in contributions(PERSON_ORGANISATION_SCOPE):
        q |= rule(s)
    return q


scoping.register(
    Person,
    region=lambda s: Q(region_id=s.region_id),
    organisation=_organisation,
    self=lambda s: Q(user_id=s.user_id),
    partners=False,
)
