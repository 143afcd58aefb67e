"""Reads for the training pages and API, always through scoping."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from yufang.core.scoping import scoped

from .models import Attendance, Flag, FlagKind, FlagStatus, RosterEntry, TrainingSession


def session_list(
    *, user, project=None, kind: str = "", status: str = "", region=None, month: str = "", q: str = ""
) -> QuerySet[TrainingSession]:
    qs = scoped(user, TrainingSession).select_related("project", "project__provider", "region", "industry")
    if project is not None:
        qs = qs.filter(project=project)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region=region)
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(venue__icontains=q))
    return qs.annotate(
        roster_count=Count("roster", distinct=True),
        signed_count=Count("attendances", distinct=True),
        flag_count=Count("flags", filter=Q(flags__status="open"), distinct=True),
    ).order_by("-starts_at", "pk")


def sessions_in_month(*, user, year: int, month: int) -> QuerySet[TrainingSession]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return (
        scoped(user, TrainingSession)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("region", "project__provider")
        .order_by("starts_at")
    )


def attendance_list(*, user, session: TrainingSession) -> QuerySet[Attendance]:
    """A session's attendance as this user may see it: an enterprise its own people only."""
    return scoped(user, Attendance).filter(session=session).select_related("person")


def attendance_board(*, user, session: TrainingSession) -> tuple[list, list]:
    """Who has signed in (with sign-out), and who on the roster has not, of the people this user
    may see."""
    signed = list(attendance_list(user=user, session=session).order_by("signed_in_at"))
    ids = {a.person_id for a in signed}
    missing = [
        e
        for e in scoped(user, RosterEntry).filter(session=session).select_related("person").order_by("row_number", "pk")
        if e.person_id not in ids
    ]
    return signed, missing


def session_enterprises(*, user, session: TrainingSession, sees_all: bool) -> QuerySet:
    """The enterprises expected at a session: all of them for those who see the whole session,
    an enterprise only itself."""
    qs = session.enterprises.all()
    return qs if sees_all else qs.filter(pk=user.organisation_id)


def flag_list(
    *, user, status: str = "", kind: str = "", source: str = "", project=None, session=None, year=None
) -> QuerySet[Flag]:
    qs = scoped(user, Flag).select_related("session", "project", "person")
    if source:
        qs = qs.filter(source=source)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if project is not None:
        qs = qs.filter(project=project)
    if session is not None:
        qs = qs.filter(session=session)
    if year:
        qs = qs.filter(project__plan__year=year)
    return qs


HIDDEN_ROW = {"说明": "不在您查看范围内的另一项记录（如另一服务机构的成果），由经办机构核查"}


def flag_evidence(*, user, evidence: list) -> list[dict]:
    """A flag's evidence as this user may read it. A row about a record of another app names it
    as `_record` ("app_label.model:pk"): a user whose scope does not include that record (a
    provider, for another provider's deliverable) reads a neutral row in its place, so a flag
    never tells one provider about another's work; officials read every row. Keys starting
    with "_" are the platform's own and are dropped; a cell {"text", "url"} is a link."""
    from django.apps import apps

    wanted: dict[str, set[int]] = {}
    for row in evidence:
        label, _, pk = str(row.get("_record", "")).rpartition(":") if isinstance(row, dict) else ("", "", "")
        if label and pk.isdigit():
            wanted.setdefault(label, set()).add(int(pk))
    visible: set[str] = set()
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        visible.update(f"{label}:{pk}" for pk in scoped(user, model).filter(pk__in=pks).values_list("pk", flat=True))
    shown = []
    for row in evidence:
        if not isinstance(row, dict):
            shown.append({"内容": str(row)})
        elif "_record" in row and row["_record"] not in visible:
            shown.append(dict(HIDDEN_ROW))
        else:
            shown.append({k: v for k, v in row.items() if not str(k).startswith("_")})
    return shown


@dataclass
class FlagGroup:
    """One kind of flag in a project: how many, by review status, and the first of them."""

    kind: str
    label: str
    by_status: dict[str, int] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def not_listed(self) -> int:
        return self.total - len(self.flags)

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(status label, count) for every status, in review order."""
        return [(label, self.by_status.get(value, 0)) for value, label in FlagStatus.choices]


def flag_summary(*, user, project, per_kind: int = 50) -> list[FlagGroup]:
    """A project's flags as the user may see them, grouped by kind in the order of FlagKind:
    counts by status, and up to `per_kind` flags of each kind (by session time) with their
    sessions. Two queries however many flags a roster import raised."""
    qs = flag_list(user=user, project=project)
    groups: dict[str, FlagGroup] = {}
    for kind, status, n in qs.order_by().values_list("kind", "status").annotate(n=Count("pk")):
        group = groups.setdefault(kind, FlagGroup(kind=kind, label=FlagKind(kind).label))
        group.by_status[status] = n
    if groups:
        listed = (
            qs.select_related(None)
            .select_related("session")
            .annotate(
                nth=Window(
                    RowNumber(), partition_by=[F("kind")], order_by=[F("session__starts_at").asc(), F("pk").asc()]
                )
            )
            .filter(nth__lte=per_kind)
            .order_by("session__starts_at", "pk")
        )
        for flag in listed:
            groups[flag.kind].flags.append(flag)
    order = {kind: i for i, kind in enumerate(FlagKind.values)}
    return sorted(groups.values(), key=lambda g: order.get(g.kind, len(order)))


def open_flag_count(*, user) -> int:
    return scoped(user, Flag).filter(status="open").count()


def roster_list(*, user, session) -> QuerySet[RosterEntry]:
    return (
        scoped(user, RosterEntry)
        .filter(session=session)
        .select_related("person", "person__enterprise", "person__position")
    )
