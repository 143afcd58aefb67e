"""What every part of the project services shares: the status alias, the permission guard and the project row lock."""

from ..models import Project, ProjectStatus

S = ProjectStatus


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("agreement", "provider").get(pk=project.pk)
