"""Reads for the project pages, the API and the 待办 lists. Everything goes through `scoped`."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from yufang.core.registry import DELIVERABLES_ACCEPTED, SESSIONS_HELD, contributions
from yufang.core.scoping import scoped
from yufang.plans.models import yuan
from yufang.providers.models import IndicatorKind
from yufang.targets.models import Completion

from .models import (
    WORKING_STATUSES,
    Acceptance,
    Deduction,
    DeductionStatus,
    Extension,
    ExtensionStatus,
    OrganisationMode,
    Payment,
    PaymentStatus,
    PlanVersion,
    PlanVersionState,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
)
from .money import payments_summary


def project_list(*, user, q: str = "", status: str = "", year: int | None = None) -> QuerySet[Project]:
    qs = scoped(user, Project).select_related("agreement", "provider", "plan").distinct()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(provider__name__icontains=q) | Q(agreement__number__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(plan__year=year)
    return qs


def report_list(
    *,
    user,
    q: str = "",
    status: str = "",
    overdue: str = "",
    on_date: datetime.date | None = None,
    year: int | None = None,
) -> QuerySet[ProgressReport]:
    qs = (
        scoped(user, ProgressReport)
        .select_related("project__agreement", "project__provider")
        .order_by("due_date", "project__name", "sequence")
        .distinct()
    )
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__provider__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(project__plan__year=year)
    if overdue and on_date is not None:
        qs = qs.filter(
            status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
            due_date__lt=on_date,
            project__status__in=WORKING_STATUSES,
        )
    return qs


def reports_due(*, user, on_date: datetime.date) -> QuerySet[ProgressReport]:
    """Reports to write whose period has begun, for projects still under way."""
    return report_list(user=user).filter(
        status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
        period_start__lte=on_date,
        project__status__in=WORKING_STATUSES,
    )


def payment_list(*, user, q: str = "", status: str = "", kind: str = "") -> QuerySet[Payment]:
    qs = scoped(user, Payment).select_related("project__agreement", "project__provider").distinct()
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__provider__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def deduction_list(*, user, q: str = "", status: str = "", source: str = "") -> QuerySet[Deduction]:
    qs = scoped(user, Deduction).select_related("project__agreement", "project__provider").distinct()
    if q:
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__provider__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs


def plans_to_review(*, user) -> QuerySet[PlanVersion]:
    return scoped(user, PlanVersion).filter(state=PlanVersionState.SUBMITTED).select_related("project")


def extensions_pending(*, user) -> QuerySet[Extension]:
    return scoped(user, Extension).filter(status=ExtensionStatus.PENDING).select_related("project")


def objections_pending(*, user) -> QuerySet[Deduction]:
    return scoped(user, Deduction).filter(status=DeductionStatus.OBJECTED)


def acceptances_to_convene(*, user) -> QuerySet[Project]:
    return project_list(user=user, status=ProjectStatus.AWAITING_ACCEPTANCE).filter(acceptance__isnull=True)


def acceptances_to_score(*, user) -> QuerySet[Acceptance]:
    return (
        scoped(user, Acceptance)
        .filter(members=user, result="", project__status=ProjectStatus.AWAITING_ACCEPTANCE)
        .exclude(sheets__member=user)
        .select_related("project")
    )


def acceptances_to_decide(*, user) -> list[Acceptance]:
    qs = (
        scoped(user, Acceptance)
        .filter(result="", project__status=ProjectStatus.AWAITING_ACCEPTANCE)
        .select_related("project")
        .prefetch_related("members", "sheets")
    )
    return [a for a in qs if {m.pk for m in a.members.all()} <= {s.member_id for s in a.sheets.all()}]


def payments_in(*, user, status: str) -> QuerySet[Payment]:
    return payment_list(user=user, status=status)


def projects_to_settle(*, user) -> QuerySet[Project]:
    return project_list(user=user, status=ProjectStatus.ACCEPTED)


def payable_statuses() -> tuple[str, ...]:
    return (PaymentStatus.REQUESTED, PaymentStatus.REVIEWED, PaymentStatus.APPROVED)


# --- What a project's own records show --------------------------------------------------------

# The completion modes each organisation mode of an implementation plan reports.
PROJECT_MODES = {
    OrganisationMode.ONLINE: ("online",),
    OrganisationMode.OFFLINE: ("offline", "practical"),
    OrganisationMode.BOTH: ("offline", "practical", "online"),
}


def project_modes(project: Project) -> tuple[str, ...]:
    """The training modes the project reports: those of its approved plan (all before approval)."""
    version = project.approved_plan
    return PROJECT_MODES[version.mode] if version is not None else PROJECT_MODES[OrganisationMode.BOTH]


def online_project_of(enrolment) -> Project | None:
    """The project an online learner's certificate belongs to: the one project of the enrolling
    provider, in the enrolment's year, whose approved plan includes online training. None for a
    learner no provider enrolled (an enterprise's or their own registration), or when the
    provider has no such project, or several, so that no project is credited with another's
    learners."""
    if enrolment.provider_id is None:
        return None
    candidates = list(
        Project.objects.filter(
            provider_id=enrolment.provider_id,
            plan_id=enrolment.plan_id,
            approved_plan__mode__in=[OrganisationMode.ONLINE, OrganisationMode.BOTH],
        )[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def sessions_held(project: Project, *, until: datetime.date | None = None, industry_id=None) -> tuple[int, Decimal]:
    """The project's sessions held (closed with attendance decided) up to a day, and their class
    hours. The training app, which keeps the sessions, contributes the count (core.registry)."""
    for count in contributions(SESSIONS_HELD):
        return count(project, until=until, industry_id=industry_id)
    return 0, Decimal(0)


# --- Home page panels --------------------------------------------------------------------------


def provider_home_panel(user) -> dict | None:
    """A provider's home: its projects, the reports due next and what was sent back."""
    from yufang.accounts.models import Role

    if not user.has_role(Role.PROVIDER_STAFF):
        return None
    day = timezone.localdate()
    projects = list(project_list(user=user).order_by("-plan__year", "deadline", "name")[:8])
    due = list(reports_due(user=user, on_date=day).order_by("due_date")[:5])
    returned_reports = list(report_list(user=user, status=ReportStatus.RETURNED)[:5])
    returned_plans = list(project_list(user=user, status=ProjectStatus.RETURNED)[:5])
    return {
        "projects": projects,
        "due": due,
        "returned_reports": returned_reports,
        "returned_plans": returned_plans,
        "today": day,
    }


def payments_home_panel(user) -> dict | None:
    """Payments on their way through review, approval and payment, for the finance bureau
    (the owner and the agency have them as 待办): count and sum at each step."""
    if not user.is_finance_partner:
        return None
    steps = []
    for status in payable_statuses():
        agg = payment_list(user=user, status=status).aggregate(n=Count("pk"), total=Sum("amount"))
        steps.append({"status": status, "label": PaymentStatus(status).label, "count": agg["n"], "total": agg["total"]})
    return {"steps": steps}


def deliverables_accepted(project: Project, kind: str, *, until: datetime.date | None = None) -> int | None:
    """The quantity of the project's accepted publicity deliverables counted against an
    indicator, delivered up to a day. The publicity app, which keeps the deliverables,
    contributes the count (core.registry); None where no deliverable kind counts for it."""
    for count in contributions(DELIVERABLES_ACCEPTED):
        found = count(project, kind, until=until)
        if found is not None:
            return found
    return None


def platform_basis(kind: str) -> str:
    """What the platform counts an indicator from, for help texts and errors."""
    if kind == IndicatorKind.SESSIONS:
        return "平台已举办的场次"
    if kind == IndicatorKind.PEOPLE_TRAINED:
        return "平台实名记录"
    return "已验收的宣传成果"


def platform_count(project: Project, row, *, until: datetime.date | None = None) -> int | None:
    """What the platform's own records show for an indicator, cumulative to `until`: distinct
    people whose completions belong to this project (its sessions, its online learners) in the
    modes its plan reports, by industry and position; the project's sessions held; or the
    quantity of its accepted publicity deliverables of the kinds tied to the indicator. None
    where the platform keeps no record of that kind (enterprises reached by publicity)."""
    if row.kind == IndicatorKind.SESSIONS:
        return sessions_held(project, until=until, industry_id=row.industry_id)[0]
    if row.kind != IndicatorKind.PEOPLE_TRAINED:
        return deliverables_accepted(project, row.kind, until=until)
    qs = Completion.objects.filter(project=project, mode__in=project_modes(project), revoked_at__isnull=True)
    if until is not None:
        qs = qs.filter(completed_on__lte=until)
    if row.industry_id:
        qs = qs.filter(industry_id=row.industry_id)
    if row.position_id:
        qs = qs.filter(position_id=row.position_id)
    return qs.values("person_id").distinct().count()


def report_prefill(report: ProgressReport) -> dict[int, int | None]:
    """Platform counts for each figure of the report, cumulative to the period's end."""
    project = report.project
    return {f.pk: platform_count(project, f, until=report.period_end) for f in report.figures.all()}


def plan_indicator_defaults(project: Project) -> list[dict[str, Any]]:
    """The agreement's indicators, as a new plan's starting point."""
    return [
        {
            "kind": i.kind,
            "description": i.description,
            "industry": i.industry,
            "position": i.position,
            "planned": i.planned,
        }
        for i in project.agreement.indicators.select_related("industry", "position")
    ]


def completion_defaults(project: Project) -> dict[str, str]:
    a = project.agreement
    return {
        "signing": f"{a.signed_on:%Y年%m月%d日} 与{a.agency.name}签订服务协议（{a.number}），协议金额 {yuan(a.price)}，"
        f"服务期限 {a.period_start:%Y-%m-%d} 至 {project.deadline:%Y-%m-%d}。"
        if a.signed_on
        else "",
        "payments": payments_summary(project),
    }


def acceptance_average(acceptance: Acceptance) -> Decimal | None:
    totals = list(acceptance.sheets.values_list("total", flat=True))
    if not totals:
        return None
    return (sum(totals, Decimal("0")) / len(totals)).quantize(Decimal("0.01"))
