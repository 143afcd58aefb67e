"""What supervision adds to the project's own page and its completion report (through
core.registry): the project's inspections, findings, rectification and call-backs."""

from django.template.loader import render_to_string

from yufang.core.registry import COMPLETION_PANELS, PROJECT_PANELS, contribute

from .permissions import can_view_inspections
from .selectors import coverage, inspection_list


def project_panel(request, project) -> str:
    if not can_view_inspections(request.user)[0]:
        return ""
    inspections = list(inspection_list(user=request.user).filter(project=project)[:20])
    figures = coverage(user=request.user, project=project)
    if not inspections and not figures.calls:
        return render_to_string("supervision/_project_panel.html", {"empty": True}, request=request)
    return render_to_string(
        "supervision/_project_panel.html", {"inspections": inspections, "c": figures}, request=request
    )


def register() -> None:
    contribute(PROJECT_PANELS, project_panel)
    contribute(COMPLETION_PANELS, project_panel)
