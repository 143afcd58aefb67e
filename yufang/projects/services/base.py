"""What every part of the project services shares: the status alias, today's date, the permission
guard and the project row lock."""

import datetime

from django.utils import timezone

from ..models import Project, ProjectStatus

S = ProjectStatus


def today() -> datetime.date:
    return timezone.localdate()


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("agreement", "provider").get(pk=project.pk)
