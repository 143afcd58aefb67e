"""Projects in any status, through the real services."""

from yufang.projects.models import Project, ProjectStatus
from yufang.projects.services import project_open, project_transition
from yufang.providers.tests.factories import signed_agreement

# The actions, and who takes them, that lead from a new project to each status.
PATH = {
    ProjectStatus.PLAN_PENDING: [],
    ProjectStatus.UNDER_REVIEW: [("submit_plan", "provider")],
    ProjectStatus.APPROVED: [("submit_plan", "provider"), ("approve_plan", "agency")],
    ProjectStatus.IN_PROGRESS: [("submit_plan", "provider"), ("approve_plan", "agency"), ("start", "provider")],
}


def make_project(
    world, plan=None, *, side: str = "a", status: str = ProjectStatus.IN_PROGRESS, **agreement_kwargs
) -> Project:
    """A project of side a's (or b's) provider, with work in that side's district."""
    agreement = signed_agreement(world, plan, side=side, **agreement_kwargs)
    project = project_open(
        agreement=agreement, actor=world.users["agency"], regions=[world.orgs[f"district_{side}"].region]
    )
    for action, who in PATH[status]:
        actor = world.users[f"provider_{side}"] if who == "provider" else world.users[who]
        project_transition(project=project, action=action, actor=actor, note="测试")
    return project
