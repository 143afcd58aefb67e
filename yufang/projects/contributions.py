"""What the projects app adds to the apps it builds on (through core.registry, so that those
apps never import this one): the check of every submitted report's platform figures in the
targets app's figures recount."""

from yufang.core.registry import COMPLETION_REVOKED, FIGURE_CHECKS, contribute
from yufang.targets.figures import Difference

from .models import Figure, ReportStatus
from .selectors import platform_count
from .services.reports import figures_completion_revoked


def report_differences():
    """Each submitted progress report's and completion report's platform figures against the
    records as they stand, cumulative to the report's period end (a completion report: to now)."""
    figures = (
        Figure.objects.filter(platform_count__isnull=False)
        .select_related("report__project__approved_plan", "completion__project__approved_plan", "industry", "position")
        .order_by("pk")
    )
    for f in figures.iterator(chunk_size=500):
        if f.report_id is not None:
            if f.report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
                continue
            project, until, where = f.report.project, f.report.period_end, str(f.report)
        else:
            if f.completion.submitted_at is None:
                continue
            project, until, where = f.completion.project, None, str(f.completion)
        fresh = platform_count(project, f, until=until)
        if fresh != f.platform_count:
            yield Difference(f"{where}「{f.label}」", f"平台记录数记为 {f.platform_count}，按原始记录应为 {fresh}")
        elif f.achieved > f.platform_count:
            yield Difference(f"{where}「{f.label}」", f"填报 {f.achieved} 超过平台记录 {f.platform_count}")


def register() -> None:
    contribute(FIGURE_CHECKS, report_differences)
    contribute(COMPLETION_REVOKED, figures_completion_revoked)
