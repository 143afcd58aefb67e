"""What the publicity app adds to the projects app's pages (through core.registry, so that
projects never imports this one): planned against delivered per kind on a publicity project's
page and in its completion report, where the acceptance panel reads it."""

from django.template.loader import render_to_string

from yufang.core.registry import COMPLETION_PANELS, PROJECT_PANELS, contribute

from . import permissions as may
from .selectors import planned_list, totals_by_kind


def progress_panel(request, project) -> str:
    if not may.is_publicity(project):
        return ""
    return render_to_string(
        "publicity/_project_panel.html",
        {
            "p": project,
            "totals": totals_by_kind(planned_list(user=request.user, project=project)),
            "plan_check": may.can_plan(request.user, project),
            "record_check": may.can_record(request.user, project),
        },
        request=request,
    )


def register() -> None:
    contribute(PROJECT_PANELS, progress_panel)
    contribute(COMPLETION_PANELS, progress_panel)
