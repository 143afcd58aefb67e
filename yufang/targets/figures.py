"""The recount anyone can run: every target's maintained figures and every submitted report's
platform figures, recomputed from the raw records (completions, sessions) and compared with what
is stored. `manage.py figures_recount`, the owner's button (a background job) and the demo
loader call `figures_recount`; an empty list means every figure is what it says."""

from dataclasses import dataclass

from .models import Target
from .services import target_check


@dataclass(frozen=True)
class Difference:
    where: str  # the figure: which target or which report
    what: str  # the difference in words

    def __str__(self) -> str:
        return f"{self.where}：{self.what}"


def report_differences():
    """Each submitted progress report's and completion report's platform figures against the
    records as they stand, cumulative to the report's period end (a completion report: to now)."""
    from yufang.projects.models import Figure, ReportStatus
    from yufang.projects.services import platform_count

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


def figures_recount(progress=None) -> list[Difference]:
    """Recounts every target and every submitted report's platform figures. Writes nothing."""
    differences: list[Difference] = []
    targets = list(Target.objects.select_related("plan", "programme").order_by("plan__year", "sort_order", "pk"))
    if progress is not None:
        progress.total(len(targets) + 1, "正在从原始记录重新统计")
    for done, target in enumerate(targets, start=1):
        where = f"{target.plan.year} 年目标「{target.name}」"
        differences += [Difference(where, problem) for problem in target_check(target)]
        if progress is not None:
            progress.step(done, f"已核对 {done} 个目标", force=True)
    differences += list(report_differences())
    if progress is not None:
        progress.step(len(targets) + 1, f"核对完成：{len(differences)} 处差异", force=True)
    return differences
