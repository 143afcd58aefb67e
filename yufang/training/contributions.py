"""What the training app adds to pages and rules of the apps it builds on (through
core.registry, so that those apps never import this one): the offline flags section of a
project's completion report, and a person's rosters and attendance in their archive."""

from django.db.models import Q
from django.template.loader import render_to_string

from yufang.core.registry import COMPLETION_PANELS, PERSON_ARCHIVE, PERSON_ORGANISATION_SCOPE, contribute
from yufang.core.scoping import ScopeKind, scope_of, scoped

from .models import Attendance, RosterEntry
from .selectors import flag_summary, session_list


def completion_flags_panel(request, project) -> str:
    flag_groups = flag_summary(user=request.user, project=project)
    return render_to_string(
        "training/_completion_flags.html",
        {
            "p": project,
            "flag_groups": flag_groups,
            "has_sessions": bool(flag_groups) or session_list(user=request.user, project=project).exists(),
            "district_only": scope_of(request.user).kind == ScopeKind.REGION,
        },
        request=request,
    )


def person_archive_parts(user, person) -> dict[str, list]:
    attendances = list(
        scoped(user, Attendance)
        .filter(person=person)
        .select_related("session", "session__project__provider")
        .order_by("-signed_in_at")
    )
    rosters = list(
        scoped(user, RosterEntry)
        .filter(person=person)
        .select_related("session", "session__project__provider")
        .order_by("-session__starts_at")
    )
    return {"attendances": attendances, "rosters": rosters}


def rostered_by_provider(scope) -> Q:
    """A provider sees the people on its own sessions' rosters."""
    return Q(pk__in=RosterEntry.objects.filter(session__project__provider_id=scope.organisation_id).values("person_id"))


def register() -> None:
    contribute(COMPLETION_PANELS, completion_flags_panel)
    contribute(PERSON_ARCHIVE, person_archive_parts)
    contribute(PERSON_ORGANISATION_SCOPE, rostered_by_provider)
