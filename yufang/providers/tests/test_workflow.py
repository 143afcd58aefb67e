"""The agreement's transition table, cell by cell: every (status, action) for every role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yufang.providers import services
from yufang.providers.models import AgreementStatus

from .factories import make_agreement, ready_provider

S = AgreementStatus
ROLES = ["owner", "agency", "partner", "district_a", "provider_a", "provider_b", "enterprise_a"]
ACTIONS = ["send", "recall", "confirm", "decline", "sign", "activate", "complete", "terminate"]

# Written out by hand, independently of services.AGREEMENT_WORKFLOW: who may make each move.
EXPECTED = {
    (S.DRAFT, "send"): {"agency"},
    (S.SENT, "recall"): {"agency"},
    (S.SENT, "confirm"): {"provider_a"},
    (S.SENT, "decline"): {"provider_a"},
    (S.CONFIRMED, "sign"): {"agency"},
    (S.CONFIRMED, "recall"): {"agency"},
    (S.SIGNED, "activate"): {"agency"},
    (S.SIGNED, "terminate"): {"agency"},
    (S.IN_FORCE, "complete"): {"agency"},
    (S.IN_FORCE, "terminate"): {"agency"},
}

# How to walk a fresh agreement to each status through the real services.
PATH = {
    S.DRAFT: [],
    S.SENT: [("send", "agency")],
    S.CONFIRMED: [("send", "agency"), ("confirm", "provider_a")],
    S.SIGNED: [("send", "agency"), ("confirm", "provider_a"), ("sign", "agency")],
    S.IN_FORCE: [("send", "agency"), ("confirm", "provider_a"), ("sign", "agency"), ("activate", "agency")],
    S.COMPLETED: [
        ("send", "agency"),
        ("confirm", "provider_a"),
        ("sign", "agency"),
        ("activate", "agency"),
        ("complete", "agency"),
    ],
    S.TERMINATED: [("send", "agency"), ("confirm", "provider_a"), ("sign", "agency"), ("terminate", "agency")],
}


def test_table_matches_the_written_expectation():
    table = {key for key in services.AGREEMENT_WORKFLOW.table}
    assert table == set(EXPECTED)


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("status", list(PATH), ids=str)
def test_every_cell_for_every_role(status, world):
    ready_provider(world, "a")
    agreement = make_agreement(world)
    for action, role in PATH[status]:
        services.agreement_transition(agreement=agreement, action=action, actor=world.users[role], note="理由")
    assert agreement.status == status
    for action in ACTIONS:
        allowed = EXPECTED.get((status, action), set())
        for role in ROLES:
            outcome = "refused"
            try:
                with transaction.atomic():
                    services.agreement_transition(
                        agreement=agreement, action=action, actor=world.users[role], note="理由"
                    )
                    outcome = "allowed"
                    raise _Rollback
            except _Rollback:
                agreement.refresh_from_db()
            except PermissionDenied:
                assert (status, action) in EXPECTED, "a move outside the table must fail on the status"
            except ValidationError as e:
                assert (status, action) not in EXPECTED, f"{status}/{action}/{role}: {e}"
                assert "当前状态为" in str(e)
            assert outcome == ("allowed" if role in allowed else "refused"), f"{status} {action} {role}"
        # Buttons come from the same table.
        for role in ROLES:
            shown = {t.action for t, ok, _ in services.AGREEMENT_WORKFLOW.options(agreement, world.users[role]) if ok}
            assert shown == {a for (s, a), who in EXPECTED.items() if s == status and role in who}
