"""Writes on providers, qualifications, procurement, debarments and service agreements.
Every write checks the actor, runs in one transaction and audits. Every status change goes
through a Workflow table. A debarred provider is refused by `providers.debarment.ensure_not_debarred`, which every
step that hands a provider work calls.

The package keeps every name the former single module had importable from here."""

from yufang.core.permissions import require as _require

from .agreements import (
    AGREEMENT_FIELDS,
    AGREEMENT_WORKFLOW,
    AMENDABLE_FIELDS,
    A,
    _check_agreement,
    _next_number,
    _percent,
    _ready_to_send,
    _sign,
    _terminate,
    agreement_amend,
    agreement_create,
    agreement_release_unpaid,
    agreement_set_indicators,
    agreement_transition,
    agreement_update,
    team_member_add,
    team_member_join,
    team_member_leave,
    team_member_remove,
)
from .base import _ensure_provider
from .debarment import (
    DEBARMENT_WORKFLOW,
    _lift,
    debarment_create,
    debarment_transition,
)
from .procurement import (
    PROCUREMENT_FIELDS,
    RULE_FIELDS,
    _check_procurement,
    procurement_create,
    procurement_rule_create,
    procurement_rule_update,
    procurement_update,
)
from .profile import (
    PROFILE_FIELDS,
    PROFILE_WORKFLOW,
    _return,
    _verify,
    provider_profile_create,
    provider_profile_transition,
    provider_profile_update,
)
from .qualifications import (
    QUALIFICATION_FIELDS,
    qualification_create,
    qualification_update,
)
from .team import (
    TEAM_CHANGE_WORKFLOW,
    _agency_decides,
    _approve_team_change,
    _refuse_team_change,
    team_change_request_create,
    team_change_transition,
)

__all__ = [
    "team_member_join",
    "team_member_leave",
    "agreement_release_unpaid",
    "PROFILE_FIELDS",
    "provider_profile_create",
    "provider_profile_update",
    "_verify",
    "_return",
    "PROFILE_WORKFLOW",
    "provider_profile_transition",
    "QUALIFICATION_FIELDS",
    "qualification_create",
    "qualification_update",
    "PROCUREMENT_FIELDS",
    "RULE_FIELDS",
    "procurement_rule_create",
    "procurement_rule_update",
    "_check_procurement",
    "procurement_create",
    "procurement_update",
    "AGREEMENT_FIELDS",
    "AMENDABLE_FIELDS",
    "_next_number",
    "_check_agreement",
    "agreement_create",
    "_percent",
    "agreement_update",
    "agreement_set_indicators",
    "team_member_add",
    "team_member_remove",
    "_ready_to_send",
    "_sign",
    "_terminate",
    "A",
    "AGREEMENT_WORKFLOW",
    "agreement_transition",
    "agreement_amend",
    "_require",
    "_ensure_provider",
    "debarment_create",
    "_lift",
    "DEBARMENT_WORKFLOW",
    "debarment_transition",
    "team_change_request_create",
    "_approve_team_change",
    "_refuse_team_change",
    "_agency_decides",
    "TEAM_CHANGE_WORKFLOW",
    "team_change_transition",
]
