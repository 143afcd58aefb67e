from django.db.models import Q

from yufang.core import scoping

from .models import Person


def _organisation(s) -> Q:
    """An enterprise sees its staff; a provider the people on its own sessions' rosters."""
    from yufang.training.models import RosterEntry

    return Q(enterprise_id=s.organisation_id) | Q(
        pk__in=RosterEntry.objects.filter(session__project__provider_id=s.organisation_id).values("person_id")
    )


scoping.register(
    Person,
    region=lambda s: Q(region_id=s.region_id),
    organisation=_organisation,
    self=lambda s: Q(user_id=s.user_id),
    partners=False,
)
