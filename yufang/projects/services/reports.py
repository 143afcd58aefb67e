"""Platform records (what the provider can be credited with), the progress report schedule and
the progress reports' own transition table."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core import audit
from yufang.core.dates import today
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.workflow import Transition, Workflow
from yufang.providers.models import IndicatorKind

from .. import permissions as may
from ..models import Figure, PlanVersion, ProgressReport, Project, ReportStatus
from ..periods import report_periods
from ..selectors import platform_basis, platform_count, report_prefill

REPORT_DUE_DAYS = 5  # a period's report is due five days after it ends


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
                    f"figure_{f.pk}": f"「{f.label}」填报 {f.achieved}，超过平台记录的 {f.platform_count}："
                    f"完成数不能高于{platform_basis(f.kind)}。"
                }
            )
    Figure.objects.bulk_update(figures, ["platform_count", "achieved"])


def _schedule_reports(project: Project, version: PlanVersion, actor: User) -> None:
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


@transaction.atomic
def progress_report_save(
    *, report: ProgressReport, narrative: str, achieved: dict[int, int], actor: User, attachment=None
) -> ProgressReport:
    report = ProgressReport.objects.select_for_update().select_related("project__agreement").get(pk=report.pk)
    _require(may.can_edit_report(actor, report))
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


def report_transition(*, report: ProgressReport, action: str, actor: User, note: str = "") -> ProgressReport:
    return REPORT_WORKFLOW.perform(obj=report, action=action, actor=actor, note=note)


def figures_completion_revoked(*, completion, actor: User) -> list[Figure]:
    """After a completion of the project was revoked (targets.completion_revoke, in its
    transaction): every report figure of the project that counts people from the platform's
    records is recounted, and the provider's achieved figure moves down by as many people as
    the platform's record lost (it may never stand above it). Audited per figure."""
    if completion.project_id is None:
        return []
    project = Project.objects.select_related("approved_plan").get(pk=completion.project_id)
    figures = list(
        Figure.objects.select_for_update(of=("self",))
        .filter(
            models.Q(report__project=project) | models.Q(completion__project=project),
            platform_count__isnull=False,
            kind=IndicatorKind.PEOPLE_TRAINED,
        )
        .select_related("report", "industry", "position")
        .order_by("pk")
    )
    moved = []
    for f in figures:
        until = f.report.period_end if f.report_id else None
        fresh = platform_count(project, f, until=until)
        if fresh is None or fresh == f.platform_count:
            continue
        before = audit.snapshot(f)
        lost = f.platform_count - fresh
        f.platform_count = fresh
        f.achieved = max(0, min(f.achieved - lost, fresh))
        f.save(update_fields=["platform_count", "achieved"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=f,
            event="completion_revoked",
            changes=audit.diff(before, audit.snapshot(f)),
            extra={"completion": completion.pk},
        )
        moved.append(f)
    return moved
