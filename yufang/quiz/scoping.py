"""Who sees which quiz records: competitions are public once published (their boards are
shown masked to anyone); participants and papers are personal: a district sees its district's,
an enterprise its own staff's, the running provider its competition's, a trainee their own."""

from django.db.models import Q

from yufang.core import scoping

from .models import Competition, CompetitionStatus, Paper, Participant, Round

PUBLIC = (CompetitionStatus.PUBLISHED, CompetitionStatus.CLOSED)


def _competition(prefix: str = ""):
    def organisation(s) -> Q:
        return Q(**{f"{prefix}project__provider_id": s.organisation_id}) | Q(**{f"{prefix}status__in": PUBLIC})

    def public(s) -> Q:
        return Q(**{f"{prefix}status__in": PUBLIC})

    return {"region": public, "organisation": organisation, "self": public}


def _personal(prefix: str = ""):
    return {
        "region": lambda s: Q(**{f"{prefix}region_id": s.region_id}),
        "organisation": lambda s: (
            Q(**{f"{prefix}enterprise_id": s.organisation_id})
            | Q(**{f"{prefix}competition__project__provider_id": s.organisation_id})
        ),
        "self": lambda s: Q(**{f"{prefix}user_id": s.user_id}),
        "partners": False,
    }


scoping.register(Competition, **_competition())
scoping.register(Round, **_competition("competition__"))
scoping.register(Participant, **_personal())
scoping.register(Paper, **_personal("participant__"))
