from yufang.projects.models import ProjectStatus
from yufang.projects.tests.factories import make_project


def test_project_reaches_in_progress(world):
    project = make_project(world)
    assert project.status == ProjectStatus.IN_PROGRESS and project.accepts_work
