"""Who sees which training records: officials everything; a district the sessions held in it;
a provider its own projects' sessions; an enterprise the sessions its staff are on; a trainee
their own attendance."""

from django.db.models import Q

from yufang.core import scoping

from .models import Attendance, Flag, RosterEntry, TrainingSession

scoping.register(
    TrainingSession,
    region=lambda s: Q(region_id=s.region_id),
    organisation=lambda s: (
        Q(project__provider_id=s.organisation_id)
        | Q(
            pk__in=TrainingSession.enterprises.through.objects.filter(organisation_id=s.organisation_id).values(
                "trainingsession_id"
            )
        )
        | Q(pk__in=RosterEntry.objects.filter(person__enterprise_id=s.organisation_id).values("session_id"))
    ),
)
scoping.register(
    RosterEntry,
    region=lambda s: Q(session__region_id=s.region_id),
    organisation=lambda s: (
        Q(session__project__provider_id=s.organisation_id) | Q(person__enterprise_id=s.organisation_id)
    ),
    self=lambda s: Q(person__user_id=s.user_id),
    partners=False,
)
scoping.register(
    Attendance,
    region=lambda s: Q(session__region_id=s.region_id),
    organisation=lambda s: (
        Q(session__project__provider_id=s.organisation_id) | Q(person__enterprise_id=s.organisation_id)
    ),
    self=lambda s: Q(person__user_id=s.user_id),
    partners=False,
)
scoping.register(
    Flag,
    region=lambda s: Q(region_id=s.region_id),
    organisation=lambda s: Q(project__provider_id=s.organisation_id),
)
