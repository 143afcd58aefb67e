"""Projects: opening one for a signed agreement, its implementation plan versions, the report
schedule, extensions, the completion report, evaluation and acceptance, deductions and payments
(seed 三(二)、五、六). Every status moves through a transition table (lock, check the table and the
actor, effect, save, audit); every money step locks the agreement row and goes through the
budget ledger."""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.services import model_create, model_update
from yufang.core.workflow import Transition, Workflow
from yufang.plans.models import yuan
from yufang.plans.services import budget_pay, budget_release, check_two_places
from yufang.providers.models import AgreementStatus, DebarmentGround, IndicatorKind, ServiceAgreement
from yufang.providers.services import agreement_transition, debarment_create, ensure_not_debarred
from yufang.targets.models import Completion

from . import permissions as may
from .models import (
    DEDUCTION_COUNTS,
    FORBIDDEN_COST_WORDS,
    PAYMENT_HOLDS,
    WORKING_STATUSES,
    ZERO,
    Acceptance,
    AcceptanceIndicator,
    AcceptanceResult,
    CompletionReport,
    Deduction,
    DeductionStatus,
    Extension,
    ExtensionStatus,
    Figure,
    Payment,
    PaymentKind,
    PaymentStatus,
    PlanCostItem,
    PlanIndicator,
    PlanVersion,
    PlanVersionState,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
    Score,
    ScoreSheet,
)
from .selectors import project_modes, sessions_held

S = ProjectStatus
REPORT_DUE_DAYS = 5  # a period's report is due five days after it ends
PLAN_FIELDS = [
    "title",
    "goals",
    "mode",
    "sessions",
    "headcount",
    "start_date",
    "completion_date",
    "schedule",
    "team",
    "report_interval_months",
    "change_reason",
]
DEFAULT_ACCEPTANCE_INDICATORS = [
    ("服务数量完成情况（对照实施方案）", Decimal("30")),
    ("培训质量与学员满意度", Decimal("25")),
    ("培训档案完整性", Decimal("15")),
    ("资金使用与财务管理", Decimal("15")),
    ("合规情况（实名制、无弄虚作假）", Decimal("15")),
]


def today() -> datetime.date:
    return timezone.localdate()


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("agreement", "provider").get(pk=project.pk)


@transaction.atomic
def project_open(*, agreement: ServiceAgreement, actor, regions=(), name: str = "") -> Project:
    """Opens the project of a signed agreement. A debarred provider receives no new project."""
    if not actor.has_role("agency_staff"):
        raise PermissionDenied("项目由经办机构依据已签订的服务协议建立。")
    agreement = ServiceAgreement.objects.select_for_update().select_related("item__line__plan").get(pk=agreement.pk)
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE):
        raise ValidationError("只有已签订的服务协议才能建立项目。")
    if Project.objects.filter(agreement=agreement).exists():
        raise ValidationError("该服务协议已建立项目。")
    ensure_not_debarred(agreement.provider, today())
    project = model_create(
        model=Project,
        data={
            "agreement": agreement,
            "provider": agreement.provider,
            "plan": agreement.item.line.plan,
            "name": name or agreement.title.removesuffix("服务协议") or agreement.title,
            "original_deadline": agreement.period_end,
            "deadline": agreement.period_end,
        },
        actor=actor,
    )
    project.regions.set(regions)
    return project


# --- Platform records: what the provider can be credited with ----------------------------------


def platform_count(project: Project, row, *, until: datetime.date | None = None) -> int | None:
    """What the platform's own records show for an indicator, cumulative to `until`: distinct
    people whose completions belong to this project (its sessions, its online learners) in the
    modes its plan reports, by industry and position; or the project's sessions held. None
    where the platform keeps no record of that kind (enterprises reached by publicity,
    publicity deliverables)."""
    if row.kind == IndicatorKind.SESSIONS:
        return sessions_held(project, until=until, industry_id=row.industry_id)[0]
    if row.kind != IndicatorKind.PEOPLE_TRAINED:
        return None
    qs = Completion.objects.filter(project=project, mode__in=project_modes(project))
    if until is not None:
        qs = qs.filter(completed_on__lte=until)
    if row.industry_id:
        qs = qs.filter(industry_id=row.industry_id)
    if row.position_id:
        qs = qs.filter(position_id=row.position_id)
    return qs.values("person_id").distinct().count()


def _figure_rows(project: Project, *, until: datetime.date | None) -> list[dict[str, Any]]:
    version = project.approved_plan
    rows = []
    for i in version.indicators.select_related("industry", "position"):
        count = platform_count(project, i, until=until)
        rows.append(
            {
                "kind": i.kind,
                "description": i.description,
                "industry": i.industry,
                "position": i.position,
                "planned": i.planned,
                "platform_count": count,
                "achieved": count if count is not None else 0,
            }
        )
    return rows


def _save_figures(figures: list[Figure], achieved: dict[int, int], fresh_counts: dict[int, int | None]) -> None:
    for f in figures:
        f.platform_count = fresh_counts.get(f.pk, f.platform_count)
        if f.kind == IndicatorKind.SESSIONS and f.platform_count is not None:
            # Sessions are the platform's own: never typed.
            f.achieved = f.platform_count
        elif f.pk in achieved:
            value = achieved[f.pk]
            if value is None or value < 0:
                raise ValidationError({"figures": f"「{f.label}」的完成数须为不小于零的整数。"})
            f.achieved = value
        if f.platform_count is not None and f.achieved > f.platform_count:
            raise ValidationError(
                {
                    "figures": f"「{f.label}」填报 {f.achieved}，超过平台记录的 {f.platform_count}："
                    "完成数不能高于平台实名记录。"
                }
            )
    Figure.objects.bulk_update(figures, ["platform_count", "achieved"])


# --- Implementation plan versions -------------------------------------------------------------


def _check_version(project: Project, values: dict[str, Any], cost_items: list[dict], indicators: list[dict]) -> None:
    agreement = project.agreement
    errors: dict[str, list[str]] = {}
    if values["completion_date"] > project.deadline:
        errors.setdefault("completion_date", []).append(
            f"完成时限不能晚于项目完成时限 {project.deadline:%Y-%m-%d}；确需延后的，请申请延期。"
        )
    if values["start_date"] < agreement.period_start:
        errors.setdefault("start_date", []).append(
            f"开始日期不能早于协议服务期限起 {agreement.period_start:%Y-%m-%d}。"
        )
    if values["completion_date"] < values["start_date"]:
        errors.setdefault("completion_date", []).append("完成时限不能早于开始日期。")
    if not cost_items:
        errors.setdefault("cost_items", []).append("请填写预算支出项（至少一项）。")
    total = ZERO
    for index, item in enumerate(cost_items, start=1):
        name = (item.get("name") or "").strip()
        amount = item.get("amount")
        for word, kind in FORBIDDEN_COST_WORDS.items():
            if word in name:
                errors.setdefault("cost_items", []).append(
                    f"第 {index} 项「{name}」属于{kind}支出，工伤预防费只能用于宣传和培训，"
                    "不得列支人员工资、办公经费、房屋建筑、车辆、设备等（人社部规〔2017〕13号 第四条）。"
                )
                break
        if amount is None or amount <= 0:
            errors.setdefault("cost_items", []).append(f"第 {index} 项「{name}」的金额须大于零。")
            continue
        check_two_places(amount, "cost_items")
        total += amount
    if total > agreement.price:
        errors.setdefault("cost_items", []).append(f"预算支出合计 {yuan(total)} 超过协议金额 {yuan(agreement.price)}。")
    planned = {(i["kind"], _id(i.get("industry")), _id(i.get("position"))): i["planned"] for i in indicators}
    for a in agreement.indicators.select_related("industry", "position"):
        key = (a.kind, a.industry_id, a.position_id)
        if key not in planned:
            errors.setdefault("indicators", []).append(f"缺少协议指标「{a}」。")
        elif (planned[key] or 0) < a.planned:
            errors.setdefault("indicators", []).append(
                f"「{a}」的计划数 {planned[key]} 低于服务协议约定的 {a.planned}。"
            )
    if errors:
        raise ValidationError(errors)


def _id(value) -> int | None:
    return getattr(value, "pk", value)


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


def _write_rows(version: PlanVersion, cost_items: list[dict], indicators: list[dict]) -> None:
    version.cost_items.all().delete()
    version.indicators.all().delete()
    PlanCostItem.objects.bulk_create(
        [
            PlanCostItem(version=version, category=c["category"], name=c["name"].strip(), amount=c["amount"])
            for c in cost_items
        ]
    )
    PlanIndicator.objects.bulk_create(
        [
            PlanIndicator(
                version=version,
                kind=i["kind"],
                description=i.get("description") or "",
                industry_id=_id(i.get("industry")),
                position_id=_id(i.get("position")),
                planned=i["planned"],
            )
            for i in indicators
        ]
    )


@transaction.atomic
def plan_version_create(
    *, project: Project, data: dict[str, Any], cost_items: list[dict], indicators: list[dict], actor
) -> PlanVersion:
    """A new draft: the first plan, a resubmission after return, or (once approved) a change request."""
    project = _lock_project(project)
    _require(may.can_file_plan(actor, project))
    if project.status in (S.PLAN_PENDING, S.RETURNED):
        pass
    elif project.status in WORKING_STATUSES and project.approved_plan_id:
        if not (data.get("change_reason") or "").strip():
            raise ValidationError({"change_reason": "实施方案已批准，再次提交的版本为变更申请，请写明变更理由。"})
    else:
        raise ValidationError(f"项目当前状态为「{project.get_status_display()}」，不能提交实施方案。")
    if project.plan_versions.filter(state__in=[PlanVersionState.DRAFT, PlanVersionState.SUBMITTED]).exists():
        raise ValidationError("已有未提交或待审核的实施方案版本，请先完成该版本。")
    values = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    _check_version(project, values, cost_items, indicators)
    number = (project.plan_versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = model_create(model=PlanVersion, data={"project": project, "number": number, **values}, actor=actor)
    _write_rows(version, cost_items, indicators)
    return version


@transaction.atomic
def plan_version_update(
    *, version: PlanVersion, data: dict[str, Any], cost_items: list[dict], indicators: list[dict], actor
) -> PlanVersion:
    version = PlanVersion.objects.select_for_update().select_related("project__agreement").get(pk=version.pk)
    _require(may.can_file_plan(actor, version.project))
    if not version.is_editable:
        raise ValidationError("已提交的实施方案版本不能修改；如需调整，请新建版本。")
    values = {f: data.get(f, getattr(version, f)) for f in PLAN_FIELDS}
    _check_version(version.project, values, cost_items, indicators)
    before = [str(c) for c in version.cost_items.all()] + [str(i) for i in version.indicators.all()]
    version, _ = model_update(instance=version, fields=[f for f in PLAN_FIELDS if f in data], data=data, actor=actor)
    _write_rows(version, cost_items, indicators)
    after = [str(c) for c in version.cost_items.all()] + [str(i) for i in version.indicators.all()]
    if before != after:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=version, event="rows", changes={"rows": [before, after]}
        )
    return version


def _set_version_state(version: PlanVersion, state: str, actor, note: str = "", event: str = "") -> None:
    """A version's state moves only here, called from a transition's effect (same transaction)."""
    before = audit.snapshot(version)
    version.state = state
    now = timezone.now()
    if state == PlanVersionState.SUBMITTED:
        version.submitted_at = now
    elif state in (PlanVersionState.APPROVED, PlanVersionState.RETURNED):
        version.decided_at = now
        version.decision_note = note
    version.save(update_fields=["state", "submitted_at", "decided_at", "decision_note", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION,
        instance=version,
        event=event or state,
        changes=audit.diff(before, audit.snapshot(version)),
        extra={"label": PlanVersionState(state).label, "note": note},
    )


def _version_in(project: Project, state: str) -> PlanVersion:
    version = project.plan_versions.select_for_update().filter(state=state).order_by("-number").first()
    if version is None:
        if state == PlanVersionState.DRAFT:
            raise ValidationError("请先填写实施方案（项目名称、目标、指标、预算、组织方式、进度安排等）再提交。")
        raise ValidationError("没有待审核的实施方案版本。")
    return version


def _submit_plan(*, obj: Project, actor, **_) -> None:
    version = _version_in(obj, PlanVersionState.DRAFT)
    _check_version(
        obj,
        {f: getattr(version, f) for f in PLAN_FIELDS},
        [{"name": c.name, "amount": c.amount, "category": c.category} for c in version.cost_items.all()],
        [
            {"kind": i.kind, "industry": i.industry_id, "position": i.position_id, "planned": i.planned}
            for i in version.indicators.all()
        ],
    )
    _set_version_state(version, PlanVersionState.SUBMITTED, actor)


def _return_plan(*, obj: Project, actor, note: str, **_) -> None:
    _set_version_state(_version_in(obj, PlanVersionState.SUBMITTED), PlanVersionState.RETURNED, actor, note)


def _approve_plan(*, obj: Project, actor, note: str = "", **_) -> None:
    version = _version_in(obj, PlanVersionState.SUBMITTED)
    _set_version_state(version, PlanVersionState.APPROVED, actor, note)
    obj.approved_plan = version
    _schedule_reports(obj, version, actor)


# Change requests after approval: the version's own small table.
def _approve_change(*, obj: PlanVersion, actor, note: str = "", **_) -> None:
    project = _lock_project(obj.project)
    old = project.approved_plan
    if obj.completion_date > project.deadline:
        raise ValidationError(f"变更后的完成时限不能晚于项目完成时限 {project.deadline:%Y-%m-%d}；请申请延期。")
    if old is not None:
        _set_version_state(old, PlanVersionState.SUPERSEDED, actor, event="superseded")
    obj.decided_at = timezone.now()
    obj.decision_note = note
    # The workflow saves this version as approved after the effect, once the old one has left
    # the single "approved" place.
    project.approved_plan = obj
    project.save(update_fields=["approved_plan", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=project,
        event="plan_change",
        changes={"approved_plan": [old.pk if old else None, obj.pk]},
        extra={"label": f"批准实施方案变更（第{obj.number}版）", "note": note},
    )
    _schedule_reports(project, obj, actor)


def _submit_change(*, obj: PlanVersion, **_) -> None:
    obj.submitted_at = timezone.now()


def _return_change(*, obj: PlanVersion, note: str, **_) -> None:
    obj.decided_at = timezone.now()
    obj.decision_note = note


V = PlanVersionState
PLAN_CHANGE_WORKFLOW = Workflow(
    model=PlanVersion,
    status_field="state",
    transitions=[
        Transition(V.DRAFT, "submit", V.SUBMITTED, "提交变更申请", may.plan_change_by_provider, effect=_submit_change),
        Transition(
            V.SUBMITTED,
            "approve",
            V.APPROVED,
            "批准变更",
            may.plan_change_by_agency,
            effect=_approve_change,
            style="success",
        ),
        Transition(
            V.SUBMITTED,
            "return",
            V.RETURNED,
            "退回变更",
            may.plan_change_by_agency,
            effect=_return_change,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def plan_change_transition(*, version: PlanVersion, action: str, actor, note: str = "") -> PlanVersion:
    return PLAN_CHANGE_WORKFLOW.perform(obj=version, action=action, actor=actor, note=note)


# --- Progress report schedule -----------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def report_periods(
    start: datetime.date, end: datetime.date, interval: int
) -> list[tuple[datetime.date, datetime.date]]:
    """Calendar periods of `interval` months from start to end, the first and last cut short."""
    periods = []
    cursor = start
    while cursor <= end:
        period_end = min(_month_end(_add_months(cursor.replace(day=1), interval - 1)), end)
        periods.append((cursor, period_end))
        cursor = period_end + datetime.timedelta(days=1)
    return periods


def _schedule_reports(project: Project, version: PlanVersion, actor) -> None:
    """(Re)generates the reports not yet written: every report already submitted, returned or
    accepted stays; the rest follow the approved plan up to the project's deadline."""
    removed = list(project.reports.filter(status=ReportStatus.DUE).values_list("sequence", "period_end"))
    project.reports.filter(status=ReportStatus.DUE).delete()
    kept = project.reports.order_by("-sequence").first()
    start = kept.period_end + datetime.timedelta(days=1) if kept else version.start_date
    sequence = kept.sequence if kept else 0
    created = []
    for period_start, period_end in report_periods(start, project.deadline, version.report_interval_months):
        sequence += 1
        report = ProgressReport.objects.create(
            project=project,
            sequence=sequence,
            period_start=period_start,
            period_end=period_end,
            due_date=period_end + datetime.timedelta(days=REPORT_DUE_DAYS),
        )
        Figure.objects.bulk_create(
            [
                Figure(
                    report=report,
                    kind=i.kind,
                    description=i.description,
                    industry_id=i.industry_id,
                    position_id=i.position_id,
                    planned=i.planned,
                )
                for i in version.indicators.all()
            ]
        )
        created.append(
            f"第{sequence}期 {period_start:%Y-%m-%d}～{period_end:%Y-%m-%d}（{report.due_date:%m-%d} 前报送）"
        )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=project,
        event="report_schedule",
        changes={"reports": [[f"第{s}期 至 {e:%Y-%m-%d}" for s, e in removed], created]},
        extra={"label": "生成进度报告计划"},
    )


def report_prefill(report: ProgressReport) -> dict[int, int | None]:
    """Platform counts for each figure of the report, cumulative to the period's end."""
    project = report.project
    return {f.pk: platform_count(project, f, until=report.period_end) for f in report.figures.all()}


@transaction.atomic
def progress_report_save(
    *, report: ProgressReport, narrative: str, achieved: dict[int, int], actor, attachment=None
) -> ProgressReport:
    report = ProgressReport.objects.select_for_update().select_related("project__agreement").get(pk=report.pk)
    _require(may.provider_of(actor, report))
    if not report.project.accepts_work:
        raise ValidationError(f"项目当前状态为「{report.project.get_status_display()}」，不能再填报进度报告。")
    if report.status not in (ReportStatus.DUE, ReportStatus.RETURNED):
        raise ValidationError("该进度报告已提交，不能修改。")
    before = audit.snapshot(report)
    report.narrative = narrative
    if attachment is not None:
        report.attachment = attachment
    report.full_clean()
    report.save(update_fields=["narrative", "attachment", "updated_at"])
    figures = list(report.figures.all())
    _save_figures(figures, achieved, report_prefill(report))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=report,
        changes={
            **audit.diff(before, audit.snapshot(report)),
            "figures": [None, [str(f) for f in figures]],
        },
    )
    return report


def _submit_report(*, obj: ProgressReport, **_) -> None:
    project = Project.objects.get(pk=obj.project_id)
    if not project.accepts_work:
        raise ValidationError(f"项目当前状态为「{project.get_status_display()}」，不能提交进度报告。")
    if not obj.narrative.strip():
        raise ValidationError("请先填写本期进展情况再提交。")
    if obj.period_start > today():
        raise ValidationError(f"本期报告期自 {obj.period_start:%Y-%m-%d} 开始，尚不能提交。")
    obj.submitted_at = timezone.now()
    obj.decision_note = ""


def _decide_report(*, obj: ProgressReport, note: str = "", **_) -> None:
    obj.decision_note = note


R = ReportStatus
REPORT_WORKFLOW = Workflow(
    model=ProgressReport,
    transitions=[
        Transition(R.DUE, "submit", R.SUBMITTED, "提交进度报告", may.provider_of, effect=_submit_report),
        Transition(R.RETURNED, "submit", R.SUBMITTED, "重新提交", may.provider_of, effect=_submit_report),
        Transition(
            R.SUBMITTED,
            "accept",
            R.ACCEPTED,
            "接收",
            may.agency,
            effect=_decide_report,
            style="success",
            confirm="接收后，这期进度报告即作为项目进度的正式记录，服务机构不能再修改，也不能再退回。",
            done="已接收，作为项目进度的正式记录",
        ),
        Transition(
            R.SUBMITTED,
            "return",
            R.RETURNED,
            "退回补正",
            may.agency,
            effect=_decide_report,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def report_transition(*, report: ProgressReport, action: str, actor, note: str = "") -> ProgressReport:
    return REPORT_WORKFLOW.perform(obj=report, action=action, actor=actor, note=note)


# --- Extension ------------------------------------------------------------------------------


def _request_extension(
    *, obj: Project, actor, note: str = "", reason: str = "", new_deadline: datetime.date | None = None, **_
) -> None:
    reason = (reason or note).strip()
    if not reason:
        raise ValidationError({"reason": "请填写延期理由。"})
    if new_deadline is None:
        raise ValidationError({"new_deadline": "请填写申请延期至的日期。"})
    if new_deadline <= obj.deadline:
        raise ValidationError({"new_deadline": f"申请延期至的日期须晚于现完成时限 {obj.deadline:%Y-%m-%d}。"})
    model_create(
        model=Extension,
        data={"project": obj, "reason": reason, "old_deadline": obj.deadline, "new_deadline": new_deadline},
        actor=actor,
    )


def _pending_extension(project: Project) -> Extension:
    ext = project.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise ValidationError("没有待确认的延期申请。")
    return ext


def _decide_extension(ext: Extension, status: str, actor, note: str) -> None:
    before = audit.snapshot(ext)
    ext.status = status
    ext.decision_note = note
    ext.decided_at = timezone.now()
    ext.save(update_fields=["status", "decision_note", "decided_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION,
        instance=ext,
        event=status,
        changes=audit.diff(before, audit.snapshot(ext)),
        extra={"label": ExtensionStatus(status).label, "note": note},
    )


def _confirm_extension(*, obj: Project, actor, note: str = "", **_) -> None:
    ext = _pending_extension(obj)
    _decide_extension(ext, ExtensionStatus.CONFIRMED, actor, note)
    obj.deadline = ext.new_deadline
    _schedule_reports(obj, obj.approved_plan, actor)


def _refuse_extension(*, obj: Project, actor, note: str, **_) -> None:
    _decide_extension(_pending_extension(obj), ExtensionStatus.REFUSED, actor, note)


# --- Completion report ------------------------------------------------------------------------


def payments_summary(project: Project) -> str:
    lines = [f"协议金额 {yuan(project.agreement.price)}。"]
    for p in project.payments.exclude(status=PaymentStatus.REFUSED):
        when = f"，{p.paid_on:%Y-%m-%d} 支付，凭证号 {p.voucher_number}" if p.status == PaymentStatus.PAID else ""
        lines.append(f"{p.get_kind_display()} {yuan(p.amount)}（{p.get_status_display()}{when}）。")
    deducted = deductions_total(project)
    if deducted:
        lines.append(f"扣减项目费用 {yuan(deducted)}。")
    return "\n".join(lines)


def completion_defaults(project: Project) -> dict[str, str]:
    a = project.agreement
    return {
        "signing": f"{a.signed_on:%Y年%m月%d日} 与{a.agency.name}签订服务协议（{a.number}），协议金额 {yuan(a.price)}，"
        f"服务期限 {a.period_start:%Y-%m-%d} 至 {project.deadline:%Y-%m-%d}。"
        if a.signed_on
        else "",
        "payments": payments_summary(project),
    }


@transaction.atomic
def completion_report_save(
    *, project: Project, data: dict[str, Any], achieved: dict[int, int] | None = None, actor, files=None
) -> CompletionReport:
    """Creates or updates the completion report while the project is under way. Figures are
    the approved plan's indicators against the platform's records over the whole project."""
    project = _lock_project(project)
    _require(may.provider_of(actor, project))
    if project.status != S.IN_PROGRESS:
        raise ValidationError(f"项目当前状态为「{project.get_status_display()}」，不能填写项目实施情况报告。")
    values = {k: (data.get(k) or "") for k in CompletionReport.PARTS if k in data}
    for name, f in (files or {}).items():
        if f is not None and name in ("evidence", "archives"):
            values[name] = f
    report = CompletionReport.objects.filter(project=project).first()
    if report is None:
        report = model_create(model=CompletionReport, data={"project": project, **values}, actor=actor)
        Figure.objects.bulk_create(
            [Figure(completion=report, **{**row, "achieved": 0}) for row in _figure_rows(project, until=None)]
        )
    else:
        report, _ = model_update(instance=report, fields=list(values), data=values, actor=actor)
    figures = list(report.figures.all())
    fresh = {f.pk: platform_count(project, f) for f in figures}
    _save_figures(figures, achieved if achieved is not None else {}, fresh)
    return report


def _submit_completion(*, obj: Project, **_) -> None:
    report = CompletionReport.objects.filter(project=obj).first()
    if report is None:
        raise ValidationError("请先填写项目实施情况报告（目标、协议签订、履约、资金、成效五部分）再提交。")
    if report.missing_parts:
        raise ValidationError(f"项目实施情况报告尚缺：{'、'.join(report.missing_parts)}。")
    if not report.archives:
        raise ValidationError("请上传培训档案后再提交。")
    figures = list(report.figures.all())
    _save_figures(figures, {}, {f.pk: platform_count(obj, f) for f in figures})
    if obj.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("有待确认的延期申请，不能提交。")
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at", "updated_at"])


# --- Evaluation and acceptance ----------------------------------------------------------------


@transaction.atomic
def acceptance_convene(
    *,
    project: Project,
    convened_on: datetime.date,
    members: list,
    actor,
    pass_mark: Decimal = Decimal("60"),
    indicators: list[dict[str, Any]] | None = None,
) -> Acceptance:
    project = _lock_project(project)
    _require(may.can_convene(actor, project))
    if project.status != S.AWAITING_ACCEPTANCE:
        raise ValidationError(f"项目当前状态为「{project.get_status_display()}」，尚不能组织评估验收。")
    if Acceptance.objects.filter(project=project).exists():
        raise ValidationError("本项目已组织评估验收。")
    kinds = {}
    for m in members:
        kind = may.panel_member_kind(m)
        if not kind:
            raise ValidationError(
                {
                    "members": f"{m.display_name or m.username}不能担任评估验收小组成员（限市人社局、卫健委、应急局人员）。"
                }
            )
        kinds.setdefault(kind, []).append(m)
    missing = [
        label
        for key, label in (("owner", "市人社局"), ("health", "市卫生健康委员会"), ("emergency", "市应急管理局"))
        if key not in kinds
    ]
    if missing:
        raise ValidationError({"members": f"评估验收小组须有{'、'.join(missing)}的人员。"})
    rows = indicators or [
        {"name": n, "weight": w, "max_score": Decimal("100")} for n, w in DEFAULT_ACCEPTANCE_INDICATORS
    ]
    total = sum((Decimal(r["weight"]) for r in rows), Decimal("0"))
    if total != Decimal("100"):
        raise ValidationError({"indicators": f"各评分指标权重合计须为 100%，现为 {total}%。"})
    if not (Decimal("0") < pass_mark <= Decimal("100")):
        raise ValidationError({"pass_mark": "合格分数线须在 0 到 100 之间。"})
    acceptance = model_create(
        model=Acceptance, data={"project": project, "convened_on": convened_on, "pass_mark": pass_mark}, actor=actor
    )
    acceptance.members.set(members)
    for r in rows:
        row = AcceptanceIndicator(
            acceptance=acceptance,
            name=r["name"],
            weight=Decimal(r["weight"]),
            max_score=Decimal(r.get("max_score") or 100),
        )
        row.full_clean()
        row.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=acceptance,
        event="panel",
        changes={
            "members": [None, [m.display_name or m.username for m in members]],
            "indicators": [None, [str(i) for i in acceptance.indicators.all()]],
        },
    )
    return acceptance


@transaction.atomic
def acceptance_score(*, acceptance: Acceptance, scores: dict[int, Decimal], actor, remarks: str = "") -> ScoreSheet:
    acceptance = Acceptance.objects.select_for_update().select_related("project").get(pk=acceptance.pk)
    if not acceptance.members.filter(pk=actor.pk).exists():
        raise PermissionDenied("只有评估验收小组成员可以评分。")
    if acceptance.project.status != S.AWAITING_ACCEPTANCE or acceptance.result:
        raise ValidationError("评估验收已有结论，不能再评分。")
    if ScoreSheet.objects.filter(acceptance=acceptance, member=actor).exists():
        raise ValidationError("您已评过分，每位成员只能评分一次。")
    indicators = list(acceptance.indicators.all())
    errors = []
    total = Decimal("0")
    for i in indicators:
        value = scores.get(i.pk)
        if value is None:
            errors.append(f"请为「{i.name}」评分。")
            continue
        value = Decimal(value)
        if value < 0 or value > i.max_score:
            errors.append(f"「{i.name}」的得分 {value} 超出范围（0～{i.max_score}）。")
            continue
        total += value / i.max_score * i.weight
    if errors:
        raise ValidationError({"scores": errors})
    try:
        with transaction.atomic():
            sheet = ScoreSheet.objects.create(
                acceptance=acceptance, member=actor, total=total.quantize(Decimal("0.01")), remarks=remarks
            )
    except IntegrityError:
        raise ValidationError("您已评过分，每位成员只能评分一次。") from None
    Score.objects.bulk_create([Score(sheet=sheet, indicator=i, value=Decimal(scores[i.pk])) for i in indicators])
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=acceptance,
        event="score",
        changes={"score": [None, {i.name: str(scores[i.pk]) for i in indicators}], "total": [None, str(sheet.total)]},
        extra={"label": "评分", "note": remarks},
    )
    return sheet


def acceptance_average(acceptance: Acceptance) -> Decimal | None:
    totals = list(acceptance.sheets.values_list("total", flat=True))
    if not totals:
        return None
    return (sum(totals, Decimal("0")) / len(totals)).quantize(Decimal("0.01"))


def _decided_acceptance(
    project: Project, *, passed: bool, note: str, decided_on: datetime.date | None = None
) -> Acceptance:
    acceptance = Acceptance.objects.select_for_update().filter(project=project).first()
    if acceptance is None:
        raise ValidationError("请先组织评估验收小组并完成评分。")
    waiting = acceptance.members.exclude(pk__in=acceptance.sheets.values("member_id"))
    if waiting.exists():
        names = "、".join(m.display_name or m.username for m in waiting)
        raise ValidationError(f"尚有成员未评分：{names}。")
    average = acceptance_average(acceptance)
    if passed and average < acceptance.pass_mark:
        raise ValidationError(f"平均得分 {average} 低于合格分数线 {acceptance.pass_mark}，不能评定为合格。")
    if not passed and average >= acceptance.pass_mark:
        raise ValidationError(f"平均得分 {average} 达到合格分数线 {acceptance.pass_mark}，不能评定为不合格。")
    acceptance.result = AcceptanceResult.PASS if passed else AcceptanceResult.FAIL
    acceptance.average_score = average
    acceptance.conclusion = note
    decided_on = decided_on or today()
    if decided_on > today():
        raise ValidationError({"decided_on": "结论日期不能晚于今天。"})
    if decided_on < acceptance.convened_on:
        raise ValidationError({"decided_on": f"结论日期不能早于评估验收日期 {acceptance.convened_on:%Y-%m-%d}。"})
    acceptance.decided_on = decided_on
    acceptance.report_number = f"YS-{project.plan.year}-{project.pk:04d}"
    acceptance.save(
        update_fields=["result", "average_score", "conclusion", "decided_on", "report_number", "updated_at"]
    )
    return acceptance


def _pass(*, obj: Project, note: str = "", decided_on: datetime.date | None = None, **_) -> None:
    _decided_acceptance(obj, passed=True, note=note or "经评估验收小组评分，项目验收合格。", decided_on=decided_on)


def _fail(
    *, obj: Project, actor, note: str, decision_number: str = "", decided_on: datetime.date | None = None, **_
) -> None:
    """Failure withholds the balance and debars the provider for three years from the decision
    date (seed 六)."""
    acceptance = _decided_acceptance(obj, passed=False, note=note, decided_on=decided_on)
    debarment_create(
        provider=obj.provider,
        ground=DebarmentGround.FAILED_ACCEPTANCE,
        decision_number=decision_number or f"验收不合格〔{obj.plan.year}〕{acceptance.report_number}",
        decided_by=actor.organisation.name if actor.organisation else "市人力资源和社会保障局",
        start_date=acceptance.decided_on,
        facts=f"「{obj.name}」评估验收不合格（平均得分 {acceptance.average_score}，合格分数线 {acceptance.pass_mark}）：{note}",
        actor=actor,
        source=acceptance,
    )


# --- Money: deductions, payments, settlement --------------------------------------------------


def deductions_total(project: Project) -> Decimal:
    return project.deductions.filter(status__in=DEDUCTION_COUNTS).aggregate(s=Sum("amount"))["s"] or ZERO


def _held(project: Project, kind: str | None = None, statuses=PAYMENT_HOLDS) -> Decimal:
    qs = project.payments.filter(status__in=statuses)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def balance_due(project: Project) -> Decimal:
    """price − advance − deductions."""
    return project.agreement.price - _held(project, PaymentKind.ADVANCE) - deductions_total(project)


@transaction.atomic
def deduction_create(*, project: Project, data: dict[str, Any], actor) -> Deduction:
    project = _lock_project(project)
    _require(may.can_record_deduction(actor, project))
    if project.status in (S.PLAN_PENDING, S.UNDER_REVIEW, S.RETURNED, S.SETTLED, S.ARCHIVED, S.TERMINATED):
        raise ValidationError(f"项目当前状态为「{project.get_status_display()}」，不能扣减项目费用。")
    if project.payments.filter(kind=PaymentKind.BALANCE).exclude(status=PaymentStatus.REFUSED).exists():
        raise ValidationError("尾款已申请，不能再扣减；如有问题请先不予支付该尾款申请。")
    amount = data.get("amount")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "扣减金额须大于零。"})
    check_two_places(amount, "amount")
    room = project.agreement.price - _held(project, PaymentKind.ADVANCE) - deductions_total(project)
    if amount > room:
        raise ValidationError({"amount": f"扣减金额 {yuan(amount)} 超过尚未支付的协议金额 {yuan(room)}。"})
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": "请写明扣减理由。"})
    values = {k: data.get(k) for k in ("amount", "source", "reason", "evidence") if data.get(k) is not None}
    return model_create(model=Deduction, data={"project": project, **values}, actor=actor)


def _object(*, obj: Deduction, note: str, **_) -> None:
    obj.objection = note


def _decide_deduction(*, obj: Deduction, note: str, **_) -> None:
    obj.decision_note = note


D = DeductionStatus
DEDUCTION_WORKFLOW = Workflow(
    model=Deduction,
    transitions=[
        Transition(
            D.RECORDED,
            "object",
            D.OBJECTED,
            "提出异议",
            may.provider_of,
            effect=_object,
            style="outline-secondary",
            needs_note=True,
        ),
        Transition(D.OBJECTED, "uphold", D.UPHELD, "维持扣减", may.agency, effect=_decide_deduction, needs_note=True),
        Transition(
            D.OBJECTED,
            "cancel",
            D.CANCELLED,
            "撤销扣减",
            may.agency,
            effect=_decide_deduction,
            style="outline-danger",
            needs_note=True,
        ),
    ],
)


def deduction_transition(*, deduction: Deduction, action: str, actor, note: str = "") -> Deduction:
    return DEDUCTION_WORKFLOW.perform(obj=deduction, action=action, actor=actor, note=note)


ADVANCE_STATUSES = (S.APPROVED, S.IN_PROGRESS, S.EXTENSION_REQUESTED)


@transaction.atomic
def payment_request(*, project: Project, kind: str, actor, amount: Decimal | None = None) -> Payment:
    """The provider asks for the advance (after the plan is approved, once, up to the agreement's
    percentage of the price) or the balance (after acceptance passes: price − advance − deductions)."""
    project = _lock_project(project)
    _require(may.provider_of(actor, project))
    agreement = project.agreement
    if project.payments.filter(kind=kind).exclude(status=PaymentStatus.REFUSED).exists():
        label = PaymentKind(kind).label
        raise ValidationError(f"本项目已申请过{label}，{label}只能申请一次。")
    if kind == PaymentKind.ADVANCE:
        if not project.approved_plan_id or project.status not in ADVANCE_STATUSES:
            raise ValidationError(
                f"预付款须在实施方案批准后、项目实施期间申请；项目当前状态为「{project.get_status_display()}」。"
            )
        limit = agreement.advance_amount
        amount = limit if amount is None else amount
        check_two_places(amount, "amount")
        if amount <= 0:
            raise ValidationError({"amount": "预付款金额须大于零。"})
        if amount > limit:
            raise ValidationError(
                {"amount": f"预付款 {yuan(amount)} 超过协议金额的 {agreement.advance_percent}%（{yuan(limit)}）。"}
            )
        basis = f"协议金额 {yuan(agreement.price)} × 预付比例 {agreement.advance_percent}% = {yuan(limit)}；申请 {yuan(amount)}。"
    elif kind == PaymentKind.BALANCE:
        if project.status != S.ACCEPTED:
            raise ValidationError(f"尾款须在评估验收合格后申请；项目当前状态为「{project.get_status_display()}」。")
        if project.deductions.filter(status=DeductionStatus.OBJECTED).exists():
            raise ValidationError("有扣减异议尚待经办机构决定，决定后才能申请尾款。")
        if (
            project.payments.filter(kind=PaymentKind.ADVANCE, status__in=PAYMENT_HOLDS)
            .exclude(status=PaymentStatus.PAID)
            .exists()
        ):
            raise ValidationError("预付款尚在办理中，支付或不予支付后才能申请尾款。")
        advance, deducted = _held(project, PaymentKind.ADVANCE), deductions_total(project)
        amount = agreement.price - advance - deducted
        if amount <= 0:
            raise ValidationError("扣除预付款和扣减项目费用后尾款为零，无需申请，经办机构可直接结算。")
        basis = f"协议金额 {yuan(agreement.price)} − 预付款 {yuan(advance)} − 扣减 {yuan(deducted)} = {yuan(amount)}。"
    else:
        raise ValidationError({"kind": "未知的付款类别。"})
    return model_create(
        model=Payment, data={"project": project, "kind": kind, "amount": amount, "basis": basis}, actor=actor
    )


def _lock_agreement(payment: Payment) -> ServiceAgreement:
    return ServiceAgreement.objects.select_for_update().select_related("item").get(pk=payment.project.agreement_id)


def _approve_payment(*, obj: Payment, **_) -> None:
    """The total approved and paid on an agreement never passes its price (less deductions).
    The agreement row is locked, so concurrent approvals queue here and see each other."""
    agreement = _lock_agreement(obj)
    project = obj.project
    others = (
        Payment.objects.filter(project__agreement=agreement, status__in=[PaymentStatus.APPROVED, PaymentStatus.PAID])
        .exclude(pk=obj.pk)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    cap = agreement.price - deductions_total(project)
    if others + obj.amount > cap:
        raise ValidationError(
            f"本次 {yuan(obj.amount)} 加已审批、已支付的 {yuan(others)}，超过协议金额扣减后的 {yuan(cap)}，不予审批。"
        )


def _pay(*, obj: Payment, actor, voucher_number: str = "", paid_on: datetime.date | None = None, **_) -> None:
    voucher_number = (voucher_number or "").strip()
    if not voucher_number:
        raise ValidationError({"voucher_number": "请填写支付凭证号。"})
    paid_on = paid_on or today()
    if paid_on > today():
        raise ValidationError({"paid_on": "支付日期不能晚于今天。"})
    if obj.kind == PaymentKind.BALANCE:
        decided = Acceptance.objects.filter(project_id=obj.project_id).values_list("decided_on", flat=True).first()
        if decided is not None and paid_on < decided:
            raise ValidationError({"paid_on": f"尾款支付日期不能早于验收结论日期 {decided:%Y-%m-%d}。"})
    agreement = _lock_agreement(obj)
    if agreement.paid + obj.amount > agreement.price:
        raise ValidationError(
            f"支付后协议已付合计 {yuan(agreement.paid + obj.amount)} 将超过协议金额 {yuan(agreement.price)}。"
        )
    budget_pay(item=agreement.item, amount=obj.amount, actor=actor, source=obj)
    before = agreement.paid
    agreement.paid = before + obj.amount
    agreement.save(update_fields=["paid", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=agreement,
        event="paid",
        changes={"paid": [str(before), str(agreement.paid)]},
        extra={"label": f"支付{obj.get_kind_display()}", "note": voucher_number},
    )
    obj.voucher_number = voucher_number
    obj.paid_on = paid_on


def _refuse_payment(*, obj: Payment, note: str, **_) -> None:
    obj.decision_note = note


P = PaymentStatus
PAYMENT_WORKFLOW = Workflow(
    model=Payment,
    transitions=[
        Transition(P.REQUESTED, "review", P.REVIEWED, "审核通过", may.agency),
        Transition(
            P.REVIEWED,
            "approve",
            P.APPROVED,
            "审批同意",
            may.payment_approver,
            effect=_approve_payment,
            style="success",
            confirm="审批同意后，这笔金额计入该服务协议已批准的付款（合计不得超过协议金额减去扣减），交经办机构支付。",
            done="已审批同意，待经办机构支付",
        ),
        Transition(
            P.APPROVED,
            "pay",
            P.PAID,
            "登记支付",
            may.agency,
            effect=_pay,
            style="success",
            confirm="登记支付后，这笔金额从预算项目中列支，计入服务协议已支付金额，不能撤销。",
            done="已登记支付，金额已从预算中列支",
        ),
        *[
            Transition(
                s,
                "refuse",
                P.REFUSED,
                "不予支付",
                may.payment_refuser,
                effect=_refuse_payment,
                style="outline-danger",
                needs_note=True,
            )
            for s in (P.REQUESTED, P.REVIEWED, P.APPROVED)
        ],
    ],
)


def payment_transition(
    *, payment: Payment, action: str, actor, note: str = "", voucher_number: str = "", paid_on=None
) -> Payment:
    params = {"voucher_number": voucher_number, "paid_on": paid_on} if action == "pay" else {}
    return PAYMENT_WORKFLOW.perform(obj=payment, action=action, actor=actor, note=note, **params)


def _release_unpaid(project: Project, actor) -> None:
    """What was committed and not paid goes back to the budget item (deductions, a failed project)."""
    agreement = ServiceAgreement.objects.select_for_update().select_related("item").get(pk=project.agreement_id)
    unpaid = agreement.committed - agreement.paid
    if unpaid > 0:
        budget_release(item=agreement.item, amount=unpaid, actor=actor, source=project)
        before = agreement.committed
        agreement.committed = agreement.paid
        agreement.save(update_fields=["committed", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=agreement,
            event="release",
            changes={"committed": [str(before), str(agreement.committed)]},
            extra={"label": "释放未支付的承诺额度"},
        )
    if agreement.status == AgreementStatus.IN_FORCE:
        agreement_transition(agreement=agreement, action="complete", actor=actor)


def _no_payment_in_flight(project: Project) -> None:
    if project.payments.filter(status__in=[P.REQUESTED, P.REVIEWED, P.APPROVED]).exists():
        raise ValidationError("有付款尚在办理中，办结后才能执行此操作。")


def _settle(*, obj: Project, actor, **_) -> None:
    _no_payment_in_flight(obj)
    if obj.deductions.filter(status=DeductionStatus.OBJECTED).exists():
        raise ValidationError("有扣减异议尚待决定，不能结算。")
    due = balance_due(obj) - _held(obj, PaymentKind.BALANCE, (P.PAID,))
    if due > 0:
        raise ValidationError(f"尾款 {yuan(due)} 尚未支付，支付后才能结算。")
    _release_unpaid(obj, actor)


def _archive_failed(*, obj: Project, actor, **_) -> None:
    _no_payment_in_flight(obj)
    _release_unpaid(obj, actor)


def _terminate(*, obj: Project, actor, note: str, **_) -> None:
    _no_payment_in_flight(obj)
    pending = obj.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if pending is not None:
        _decide_extension(pending, ExtensionStatus.REFUSED, actor, f"项目终止：{note}")


WORKING = [S.PLAN_PENDING, S.UNDER_REVIEW, S.RETURNED, S.APPROVED, S.IN_PROGRESS, S.EXTENSION_REQUESTED]

PROJECT_WORKFLOW = Workflow(
    model=Project,
    transitions=[
        Transition(S.PLAN_PENDING, "submit_plan", S.UNDER_REVIEW, "提交实施方案", may.provider_of, effect=_submit_plan),
        Transition(S.RETURNED, "submit_plan", S.UNDER_REVIEW, "重新提交实施方案", may.provider_of, effect=_submit_plan),
        Transition(
            S.UNDER_REVIEW,
            "return_plan",
            S.RETURNED,
            "退回修改",
            may.agency,
            effect=_return_plan,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            S.UNDER_REVIEW,
            "approve_plan",
            S.APPROVED,
            "批准实施方案",
            may.agency,
            effect=_approve_plan,
            style="success",
        ),
        Transition(S.APPROVED, "start", S.IN_PROGRESS, "开始实施", may.provider_or_agency),
        Transition(
            S.IN_PROGRESS,
            "request_extension",
            S.EXTENSION_REQUESTED,
            "申请延期",
            may.provider_of,
            effect=_request_extension,
            style="outline-secondary",
        ),
        Transition(
            S.EXTENSION_REQUESTED,
            "confirm_extension",
            S.IN_PROGRESS,
            "同意延期",
            may.agency,
            effect=_confirm_extension,
            style="success",
        ),
        Transition(
            S.EXTENSION_REQUESTED,
            "refuse_extension",
            S.IN_PROGRESS,
            "不同意延期",
            may.agency,
            effect=_refuse_extension,
            style="outline-danger",
            needs_note=True,
        ),
        Transition(
            S.IN_PROGRESS,
            "submit_completion",
            S.AWAITING_ACCEPTANCE,
            "提交项目实施情况报告",
            may.provider_of,
            effect=_submit_completion,
        ),
        Transition(
            S.AWAITING_ACCEPTANCE,
            "pass",
            S.ACCEPTED,
            "验收合格",
            may.owner,
            effect=_pass,
            style="success",
            confirm="确认验收合格后，项目进入结算，服务机构可申请尾款。",
            done="已确认验收合格，服务机构可申请尾款",
        ),
        Transition(
            S.AWAITING_ACCEPTANCE,
            "fail",
            S.FAILED,
            "验收不合格",
            may.owner,
            effect=_fail,
            style="danger",
            needs_note=True,
            confirm="确认验收不合格后，该服务机构三年内不得承接本市工伤预防项目（记入限制名单）。",
            done="已确认验收不合格，服务机构已记入限制名单",
        ),
        Transition(S.ACCEPTED, "settle", S.SETTLED, "结算完毕", may.agency, effect=_settle),
        Transition(S.SETTLED, "archive", S.ARCHIVED, "归档", may.agency, style="outline-secondary"),
        Transition(
            S.FAILED, "archive", S.ARCHIVED, "归档", may.agency, effect=_archive_failed, style="outline-secondary"
        ),
        *[
            Transition(
                status,
                "terminate",
                S.TERMINATED,
                "终止项目",
                may.agency,
                effect=_terminate,
                style="outline-danger",
                needs_note=True,
            )
            for status in WORKING
        ],
    ],
)


def project_transition(*, project: Project, action: str, actor, note: str = "", **params) -> Project:
    return PROJECT_WORKFLOW.perform(obj=project, action=action, actor=actor, note=note, **params)
