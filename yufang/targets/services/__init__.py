"""Writes on completions, targets and the multi-year programme. What a target counts, and the
tally of its completions, are computed in targets.counting; these writers keep the stored
figures equal to it.

The package keeps the names callers use importable from here."""

from .completions import (
    SourcedCompletion,
    completion_record,
    completion_record_each,
    completion_record_many,
    target_recount,
)
from .historic import historic_import_apply
from .parts import target_parts_set
from .programme import (
    PROGRAMME_FIELDS,
    baseline_apply,
    key_enterprise_targets_recount,
    programme_create,
    programme_save,
)
from .revocation import completion_revoke
from .targets import TARGET_FIELDS, target_save

__all__ = [
    "PROGRAMME_FIELDS",
    "TARGET_FIELDS",
    "baseline_apply",
    "SourcedCompletion",
    "completion_record",
    "completion_record_each",
    "completion_record_many",
    "completion_revoke",
    "historic_import_apply",
    "key_enterprise_targets_recount",
    "programme_create",
    "programme_save",
    "target_parts_set",
    "target_recount",
    "target_save",
]
