"""Pages for providers, qualifications, procurement, debarments and agreements. Each view
parses input, checks permission (through the service), calls one service and renders.

The package keeps every name the former single module had importable from here."""

from yufang.core.permissions import require as _require

from .agreements import (
    AGREEMENT_COLUMNS,
    _agreement_for_edit,
    agreement_amend,
    agreement_create,
    agreement_detail,
    agreement_download,
    agreement_edit,
    agreement_index,
    agreement_indicators,
    agreement_team_add,
    agreement_team_change,
    agreement_team_remove,
    agreement_transition,
    team_change_transition,
)
from .base import _form_page, _officials_only
from .debarment import DEBARMENT_COLUMNS, debarment_create, debarment_detail, debarment_index, debarment_transition
from .procurement import (
    PROCUREMENT_COLUMNS,
    _procurement_form,
    procurement_create,
    procurement_detail,
    procurement_document,
    procurement_edit,
    procurement_index,
    rule_edit,
    rule_index,
)
from .providers import (
    my_profile,
    provider_columns,
    provider_create,
    provider_detail,
    provider_edit,
    provider_index,
    provider_transition,
)
from .qualifications import (
    QUALIFICATION_COLUMNS,
    qualification_create,
    qualification_detail,
    qualification_document,
    qualification_edit,
    qualification_index,
)

__all__ = [
    "procurement_document",
    "qualification_document",
    "_require",
    "_officials_only",
    "_form_page",
    "provider_columns",
    "provider_index",
    "my_profile",
    "provider_create",
    "provider_detail",
    "provider_edit",
    "provider_transition",
    "QUALIFICATION_COLUMNS",
    "qualification_index",
    "qualification_create",
    "qualification_detail",
    "qualification_edit",
    "PROCUREMENT_COLUMNS",
    "procurement_index",
    "_procurement_form",
    "procurement_create",
    "procurement_detail",
    "procurement_edit",
    "rule_index",
    "rule_edit",
    "DEBARMENT_COLUMNS",
    "debarment_index",
    "debarment_create",
    "debarment_detail",
    "debarment_transition",
    "AGREEMENT_COLUMNS",
    "agreement_index",
    "agreement_create",
    "agreement_detail",
    "_agreement_for_edit",
    "agreement_edit",
    "agreement_indicators",
    "agreement_team_add",
    "agreement_team_remove",
    "agreement_transition",
    "agreement_amend",
    "agreement_team_change",
    "team_change_transition",
    "agreement_download",
]
