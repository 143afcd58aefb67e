"""What the publicity app adds to the projects app's pages (through core.registry, so that
projects never imports this one): planned against delivered per kind on a publicity project's
page and in its completion report, where the acceptance panel reads it."""

from django.template.loader import render_to_string

from yufang.core.registry import COMPLETION_PANELS, PROJECT_PANELS, contribute

from . import permissions as may
from .selectors import planned_list, totals_by_kind


def progress_panel(request, project, *, actions: bool = True) -> str:
    if not may.is_publicity(project):
        return ""
    totals = totals_by_kind(planned_list(user=request.user, project=project))
    if not actions:
        # In the completion report and before the acceptance group: the kinds the project
        # planned or delivered, without the buttons that only matter while it is under way.
        totals = [t for t in totals if t.planned or t.delivered or t.pending]
    return render_to_string(
        "publicity/_project_panel.html",
        {
            "p": project,
            "totals": totals,
            "actions": actions,
            "plan_check": may.can_plan(request.user, project),
            "record_check": may.can_record(request.user, project),
        },
        request=request,
    )


def completion_panel(request, project) -> str:
    return progress_panel(request, project, actions=False)


def register() -> None:
    contribute(PROJECT_PANELS, progress_panel)
    contribute(COMPLETION_PANELS, completion_panel)
