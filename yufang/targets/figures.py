"""The recount anyone can run: every target's maintained figures and every submitted report's
platform figures, recomputed from the raw records (completions, sessions) and compared with what
is stored. `manage.py figures_recount`, the owner's button (a background job) and the demo
loader call `figures_recount`; an empty list means every figure is what it says."""

from dataclasses import dataclass

from yufang.core.registry import FIGURE_CHECKS, contributions

from .counting import target_check
from .models import Target


@dataclass(frozen=True)
class Difference:
    where: str  # the figure: which target or which report
    what: str  # the difference in words

    def __str__(self) -> str:
        return f"{self.where}：{self.what}"


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
    # The apps that keep platform figures of their own (projects: its reports) contribute their check.
    for check in contributions(FIGURE_CHECKS):
        differences += list(check())
    if progress is not None:
        progress.step(len(targets) + 1, f"核对完成：{len(differences)} 处差异", force=True)
    return differences
