"""What the training app adds to pages and rules of the apps it builds on (through
core.registry, so that those apps never import this one): the offline flags section of a
project's completion report, and a person's rosters and attendance in their archive."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string

from yufang.core.registry import (
    COMPLETION_PANELS,
    COMPLETION_REVOKED,
    PERSON_ARCHIVE,
    PERSON_ORGANISATION_SCOPE,
    SESSIONS_HELD,
    contribute,
)
from yufang.core.scoping import ScopeKind, scope_of, scoped

from .models import Attendance, RosterEntry, SessionStatus, TrainingSession
from .selectors import flag_summary, session_list
from .services import session_completion_revoked


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


def sessions_held(project, *, until=None, industry_id=None) -> tuple[int, Decimal]:
    """The project's sessions held (closed with attendance decided) up to a day, and their class hours."""
    qs = TrainingSession.objects.filter(project=project, status=SessionStatus.CLOSED)
    if until is not None:
        qs = qs.filter(starts_at__date__lte=until)
    if industry_id:
        qs = qs.filter(industry_id=industry_id)
    row = qs.aggregate(n=Count("pk"), hours=Sum("class_hours"))
    return row["n"], row["hours"] or Decimal(0)


def register() -> None:
    contribute(SESSIONS_HELD, sessions_held)
    contribute(COMPLETION_PANELS, completion_flags_panel)
    contribute(PERSON_ARCHIVE, person_archive_parts)
    contribute(PERSON_ORGANISATION_SCOPE, rostered_by_provider)
    contribute(COMPLETION_REVOKED, session_completion_revoked)
