"""The project's transition table, cell by cell: every (status, action) for every role. A cell
the table allows must get past the table and the role check (it may still be refused by a rule
of its effect, with a plain ValidationError); every other cell must be refused on the status or
the role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yufang.core.workflow import TransitionError
from yufang.projects import services
from yufang.projects.models import ProjectStatus

from .factories import PATH, make_project

S = ProjectStatus
ROLES = ["owner", "agency", "partner", "district_a", "provider_a", "provider_b", "enterprise_a", "trainee_a"]
ACTIONS = sorted(services.PROJECT_WORKFLOW.actions)
WORKING = [S.PLAN_PENDING, S.UNDER_REVIEW, S.RETURNED, S.APPROVED, S.IN_PROGRESS, S.EXTENSION_REQUESTED]

# Written out by hand, independently of services.PROJECT_WORKFLOW: who may make each move.
EXPECTED = {
    (S.PLAN_PENDING, "submit_plan"): {"provider_a"},
    (S.RETURNED, "submit_plan"): {"provider_a"},
    (S.UNDER_REVIEW, "return_plan"): {"agency"},
    (S.UNDER_REVIEW, "approve_plan"): {"agency"},
    (S.APPROVED, "start"): {"provider_a", "agency"},
    (S.IN_PROGRESS, "request_extension"): {"provider_a"},
    (S.EXTENSION_REQUESTED, "confirm_extension"): {"agency"},
    (S.EXTENSION_REQUESTED, "refuse_extension"): {"agency"},
    (S.IN_PROGRESS, "submit_completion"): {"provider_a"},
    (S.AWAITING_ACCEPTANCE, "pass"): {"owner"},
    (S.AWAITING_ACCEPTANCE, "fail"): {"owner"},
    (S.ACCEPTED, "settle"): {"agency"},
    (S.SETTLED, "archive"): {"agency"},
    (S.FAILED, "archive"): {"agency"},
    **{(status, "terminate"): {"agency"} for status in WORKING},
}


def test_table_matches_the_written_expectation():
    assert set(services.PROJECT_WORKFLOW.table) == set(EXPECTED)


def test_every_status_is_reachable_by_the_factory():
    assert set(PATH) == set(S.values)


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("status", list(PATH), ids=str)
def test_every_cell_for_every_role(status, world):
    project = make_project(world, status=status)
    assert project.status == status
    for action in ACTIONS:
        allowed = EXPECTED.get((status, action), set())
        for role in ROLES:
            outcome = "refused"
            try:
                with transaction.atomic():
                    services.project_transition(project=project, action=action, actor=world.users[role], note="理由")
                    outcome = "allowed"
                    raise _Rollback
            except _Rollback:
                pass
            except PermissionDenied:
                outcome = "refused"
                assert (status, action) in EXPECTED, "a move outside the table must fail on the status first"
            except TransitionError:
                outcome = "refused"
                assert (status, action) not in EXPECTED, f"{status}/{action}/{role} refused on the status"
            except ValidationError:
                # Past the table and the role check; refused by a rule of the effect.
                outcome = "allowed"
            project.refresh_from_db()
            assert project.status == status
            assert (outcome == "allowed") == (role in allowed), f"{status}/{action}/{role}: {outcome}"
