"""One writer per lifecycle: a plan version's state and an extension's status move only through
their own tables; the moves the project's transitions make are internal to those tables (never
offered on a page, refused as unknown when asked for directly) and audited as before."""

import pytest

from yufang.core.models import AuditLog
from yufang.core.workflow import TransitionError
from yufang.projects import services
from yufang.projects.models import ExtensionStatus, PlanVersionState, ProjectStatus

from .factories import file_plan, make_project

S = ProjectStatus


def _events(obj) -> list[str]:
    return list(
        AuditLog.objects.for_object(obj).filter(action="transition").order_by("pk").values_list("event", flat=True)
    )


def test_the_first_plan_moves_through_the_versions_table_with_its_audit_events(world):
    project = make_project(world, status=S.PLAN_PENDING)
    version = file_plan(world, project)
    provider, agency = world.users["provider_a"], world.users["agency"]
    assert [t.action for t, _, _ in services.PLAN_CHANGE_WORKFLOW.options(version, provider)] == ["submit"]
    with pytest.raises(TransitionError, match="未知的操作"):
        services.plan_change_transition(version=version, action="submitted", actor=provider)
    services.project_transition(project=project, action="submit_plan", actor=provider)
    services.project_transition(project=project, action="approve_plan", actor=agency, note="同意")
    version.refresh_from_db()
    assert version.state == PlanVersionState.APPROVED and version.decision_note == "同意"
    assert version.submitted_at and version.decided_at
    assert _events(version) == ["submitted", "approved"]


def test_an_approved_change_supersedes_the_old_version_through_the_same_table(world):
    project = make_project(world, status=S.IN_PROGRESS)
    old = project.approved_plan
    change = file_plan(world, project, change_reason="增加一期培训")
    services.plan_change_transition(version=change, action="submit", actor=world.users["provider_a"])
    services.plan_change_transition(version=change, action="approve", actor=world.users["agency"])
    old.refresh_from_db()
    assert old.state == PlanVersionState.SUPERSEDED and _events(old)[-1] == "superseded"
    assert _events(change) == ["submit", "approve"]


def test_an_extension_is_decided_only_by_the_projects_transition(world):
    project = make_project(world, status=S.EXTENSION_REQUESTED)
    extension = project.extensions.get()
    agency = world.users["agency"]
    assert services.EXTENSION_WORKFLOW.options(extension, agency) == []
    with pytest.raises(TransitionError, match="未知的操作"):
        services.EXTENSION_WORKFLOW.perform(obj=extension, action="confirmed", actor=agency)
    services.project_transition(project=project, action="confirm_extension", actor=agency, note="同意顺延")
    extension.refresh_from_db()
    project.refresh_from_db()
    assert extension.status == ExtensionStatus.CONFIRMED and extension.decision_note == "同意顺延"
    assert project.deadline == extension.new_deadline > project.original_deadline
    assert _events(extension) == ["confirmed"]
    assert extension.decided_at is not None


def test_terminating_a_project_refuses_its_pending_extension(world):
    project = make_project(world, status=S.EXTENSION_REQUESTED)
    services.project_transition(project=project, action="terminate", actor=world.users["agency"], note="服务机构停业")
    extension = project.extensions.get()
    assert extension.status == ExtensionStatus.REFUSED and extension.decision_note == "项目终止：服务机构停业"
    assert _events(extension) == ["refused"]
