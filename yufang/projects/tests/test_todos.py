"""The projects' 待办 items (todos.py), per role, read straight from the source the home page uses."""

from yufang.projects.models import ProjectStatus
from yufang.projects.todos import project_todos

from .factories import convene, make_project

S = ProjectStatus


def _titles(user) -> dict[str, int]:
    return {t.title: t.count for t in project_todos(user)}


def test_each_role_sees_only_its_own_project_todos(world):
    first = make_project(world, status=S.UNDER_REVIEW)
    make_project(world, first.plan, status=S.PLAN_PENDING, item_name="重点行业")
    assert _titles(world.users["agency"]).get("待审核的实施方案") == 1
    assert "待审核的实施方案" not in _titles(world.owner)
    provider = _titles(world.users["provider_a"])
    assert provider.get("待填写或退回修改的实施方案") == 1
    assert "待审核的实施方案" not in provider
    assert "待填写或退回修改的实施方案" not in _titles(world.users["provider_b"])


def test_the_owner_convenes_and_a_panel_member_is_led_to_the_acceptance_to_score(world):
    project = make_project(world, status=S.AWAITING_ACCEPTANCE)
    assert _titles(world.owner).get("待组织评估验收的项目") == 1
    acceptance = convene(world, project)
    todo = next(t for t in project_todos(world.users["partner"]) if t.title == "待我评分的评估验收")
    assert todo.count == 1 and todo.url == acceptance.get_absolute_url() and project.name in todo.detail
    assert "待组织评估验收的项目" not in _titles(world.owner)


def test_nobody_with_nothing_waiting_gets_an_item(world):
    assert project_todos(world.users["agency"]) == []
    assert project_todos(world.users["provider_a"]) == []
