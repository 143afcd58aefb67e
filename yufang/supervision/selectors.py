"""Reads of supervision, always through core.scoping."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yufang.core.dates import today
from yufang.core.scoping import ScopeKind, scope_of, scoped
from yufang.projects.models import Project
from yufang.reference.models import Region
from yufang.targets.models import Completion
from yufang.training.models import Attendance, SessionStatus, TrainingSession

from .models import (
    Callback,
    CallbackEntry,
    Checklist,
    Finding,
    FindingKind,
    FindingStatus,
    Inspection,
    Severity,
    SubjectKind,
)


def inspection_list(
    *, user, status: str = "", subject_kind: str = "", mode: str = "", region=None, q: str = "", year=None
) -> QuerySet[Inspection]:
    qs = scoped(user, Inspection).select_related("project", "project__provider", "session", "region", "organiser")
    if status:
        qs = qs.filter(status=status)
    if subject_kind:
        qs = qs.filter(subject_kind=subject_kind)
    if mode:
        qs = qs.filter(mode=mode)
    if year:
        qs = qs.filter(project__plan__year=year)
    if region is not None:
        qs = qs.filter(region=region)
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(inspectors__icontains=q) | Q(session__topic__icontains=q))
    return qs.annotate(finding_count=Count("findings", distinct=True)).order_by("-planned_on", "-pk")


def finding_list(
    *, user, status: str = "", kind: str = "", severity: str = "", overdue: bool = False, region=None, year=None
) -> QuerySet[Finding]:
    qs = scoped(user, Finding).select_related(
        "inspection", "inspection__project", "inspection__project__provider", "inspection__region"
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    if year:
        qs = qs.filter(inspection__project__plan__year=year)
    if region is not None:
        qs = qs.filter(inspection__region=region)
    if overdue:
        qs = qs.filter(status=FindingStatus.RECTIFYING, deadline__lt=today())
    return qs.order_by("-created_at", "-pk")


def overdue_findings(*, user) -> QuerySet[Finding]:
    """Rectifications past their deadline that this user's side must act on: the provider's own,
    or those of inspections the user's organisation made."""
    qs = finding_list(user=user, overdue=True)
    if user.has_role("provider_staff"):
        return qs
    return qs.filter(inspection__organiser_id=user.organisation_id)


def answered_findings(*, user) -> QuerySet[Finding]:
    """Rectifications answered, waiting for the inspecting side's review."""
    return scoped(user, Finding).filter(status=FindingStatus.ANSWERED, inspection__organiser_id=user.organisation_id)


def rectifying_findings(*, user) -> QuerySet[Finding]:
    """Rectification requests a provider has to answer."""
    return scoped(user, Finding).filter(
        status=FindingStatus.RECTIFYING, inspection__project__provider_id=user.organisation_id
    )


def sessions_today(*, user, day: datetime.date | None = None) -> QuerySet[TrainingSession]:
    """Today's offline sessions the user may see (a district: in its district), with the live
    signed-in number and the roster size."""
    day = day or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return (
        scoped(user, TrainingSession)
        .filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("project__provider", "region")
        .annotate(
            signed_count=Count("attendances", distinct=True),
            roster_count=Count("roster", distinct=True),
        )
        .order_by("starts_at", "pk")
    )


def callback_list(*, user) -> QuerySet[Callback]:
    return (
        scoped(user, Callback)
        .select_related("project", "session", "organiser", "region")
        .annotate(
            called=Count("entries", filter=~Q(entries__outcome="pending"), distinct=True),
            absent=Count("entries", filter=Q(entries__outcome="absent"), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def checklist_current(subject_kind: str) -> Checklist:
    checklist = Checklist.objects.filter(subject_kind=subject_kind).order_by("-version").first()
    if checklist is None:
        raise ValidationError(f"尚无「{SubjectKind(subject_kind).label}」的检查清单。")
    return checklist


def signed_in_count(session: TrainingSession) -> int:
    return Attendance.objects.filter(session=session).count()


def callback_population(*, project: Project, session: TrainingSession | None) -> list[int]:
    """The completions a sample is drawn from, by id ascending: the session's, or the project's,
    still standing (not revoked)."""
    qs = Completion.objects.filter(project=project, revoked_at__isnull=True)
    if session is not None:
        qs = qs.filter(source_type=ContentType.objects.get_for_model(TrainingSession), source_id=str(session.pk))
    return list(qs.order_by("pk").values_list("pk", flat=True))


def callback_redraw(*, population: list[int], size: int, seed: int) -> list[int]:
    """The draw anyone can repeat: random.Random(seed).sample of the ids in ascending order."""
    return random.Random(seed).sample(sorted(population), min(size, len(population)))


@dataclass
class DistrictCoverage:
    region_id: int
    name: str
    sessions: int = 0
    sessions_inspected: int = 0
    projects: int = 0
    projects_inspected: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> Decimal | None:
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None

    @property
    def session_share(self) -> Decimal | None:
        return self._share(self.sessions_inspected, self.sessions)

    @property
    def project_share(self) -> Decimal | None:
        return self._share(self.projects_inspected, self.projects)


@dataclass
class Coverage:
    districts: list[DistrictCoverage]
    by_kind: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    findings: int
    on_time: int
    late: int
    overdue: int
    open_now: int
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_share(self) -> Decimal | None:
        return DistrictCoverage._share(self.on_time, self.on_time + self.late + self.overdue)

    @property
    def attendance_rate(self) -> Decimal | None:
        attended, absent = self.calls.get("attended", 0), self.calls.get("absent", 0)
        return DistrictCoverage._share(attended, attended + absent)


INSPECTED = ("on_site", "done")


def coverage(*, user, project: Project | None = None) -> Coverage:
    """The supervision figures as this user may see them (a district: its own): share of
    sessions and projects inspected per district, findings by kind and severity, rectification
    on time, call-back attendance. A fixed number of queries."""
    sessions = scoped(user, TrainingSession).exclude(status=SessionStatus.CANCELLED)
    inspections = scoped(user, Inspection).filter(status__in=INSPECTED)
    findings = scoped(user, Finding)
    entries = scoped(user, CallbackEntry)
    projects = scoped(user, Project)
    if project is not None:
        sessions, inspections = sessions.filter(project=project), inspections.filter(project=project)
        findings = findings.filter(inspection__project=project)
        entries = entries.filter(callback__project=project)
        projects = projects.filter(pk=project.pk)
    rows: dict[int, DistrictCoverage] = {}

    def row(region_id: int) -> DistrictCoverage:
        if region_id not in rows:
            rows[region_id] = DistrictCoverage(region_id, "")
        return rows[region_id]

    for r in sessions.values("region_id").annotate(n=Count("pk")):
        row(r["region_id"]).sessions = r["n"]
    for r in (
        inspections.filter(session__isnull=False).values("region_id").annotate(n=Count("session_id", distinct=True))
    ):
        row(r["region_id"]).sessions_inspected = r["n"]
    for r in (
        Project.regions.through.objects.filter(project__in=projects.values("pk"))
        .values("region_id")
        .annotate(n=Count("project_id", distinct=True))
    ):
        row(r["region_id"]).projects = r["n"]
    for r in inspections.values("region_id").annotate(n=Count("project_id", distinct=True)):
        row(r["region_id"]).projects_inspected = r["n"]
    scope = scope_of(user)
    if scope.kind == ScopeKind.REGION:
        rows = {k: v for k, v in rows.items() if k == scope.region_id}
    names = dict(Region.objects.filter(pk__in=rows).values_list("pk", "name"))
    order = dict(Region.objects.filter(pk__in=rows).values_list("pk", "sort_order"))
    for k, v in rows.items():
        v.name = names.get(k, "—")
    kinds = dict(FindingKind.choices)
    severities = dict(Severity.choices)
    by_kind = {r["kind"]: r["n"] for r in findings.values("kind").annotate(n=Count("pk"))}
    by_severity = {r["severity"]: r["n"] for r in findings.values("severity").annotate(n=Count("pk"))}
    stats = findings.aggregate(
        total=Count("pk"),
        n_on_time=Count("pk", filter=Q(on_time=True)),
        n_late=Count("pk", filter=Q(on_time=False)),
        overdue=Count("pk", filter=Q(status=FindingStatus.RECTIFYING, deadline__lt=today())),
        open_now=Count("pk", filter=~Q(status=FindingStatus.CLOSED)),
    )
    calls = {r["outcome"]: r["n"] for r in entries.values("outcome").annotate(n=Count("pk"))}
    return Coverage(
        districts=sorted(rows.values(), key=lambda d: (order.get(d.region_id, 0), d.region_id)),
        by_kind=[(kinds[k], by_kind[k]) for k in kinds if by_kind.get(k)],
        by_severity=[(severities[k], by_severity.get(k, 0)) for k in severities],
        findings=stats["total"],
        on_time=stats["n_on_time"],
        late=stats["n_late"],
        overdue=stats["overdue"],
        open_now=stats["open_now"],
        calls=calls,
    )
