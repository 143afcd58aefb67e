"""Pages for projects and their records. Each view fetches the scoped record first (another
organisation's record is a 404), parses input, calls one service and renders.

The package keeps every name the former single module had importable from here."""

from yufang.core.permissions import require as _require
from yufang.core.transitions import error_text as _error_text
from yufang.core.transitions import transition_response as _perform

from .acceptance import _acceptance, acceptance_convene, acceptance_detail, acceptance_download, acceptance_score
from .base import _form_page, _project
from .completion import completion_detail, completion_edit, completion_file
from .extension import extension_detail, extension_request
from .money import (
    DEDUCTION_COLUMNS,
    PAYMENT_COLUMNS,
    _payment,
    deduction_create,
    deduction_detail,
    deduction_evidence,
    deduction_index,
    deduction_transition,
    payment_detail,
    payment_index,
    payment_request,
    payment_transition,
    payment_voucher,
)
from .plan import (
    _plan_form,
    _rows,
    plan_version_create,
    plan_version_detail,
    plan_version_edit,
    plan_version_transition,
)
from .project import PROJECT_COLUMNS, _links, project_detail, project_index, project_transition
from .reports import (
    REPORT_COLUMNS,
    _report,
    report_attachment,
    report_detail,
    report_edit,
    report_index,
    report_transition,
)

__all__ = [
    "deduction_evidence",
    "completion_file",
    "report_attachment",
    "_require",
    "_error_text",
    "_perform",
    "_form_page",
    "_project",
    "PROJECT_COLUMNS",
    "project_index",
    "_links",
    "project_detail",
    "project_transition",
    "extension_request",
    "extension_detail",
    "_rows",
    "_plan_form",
    "plan_version_create",
    "plan_version_edit",
    "plan_version_detail",
    "plan_version_transition",
    "REPORT_COLUMNS",
    "report_index",
    "_report",
    "report_detail",
    "report_edit",
    "report_transition",
    "completion_edit",
    "completion_detail",
    "acceptance_convene",
    "_acceptance",
    "acceptance_detail",
    "acceptance_score",
    "acceptance_download",
    "PAYMENT_COLUMNS",
    "payment_index",
    "payment_request",
    "_payment",
    "payment_detail",
    "payment_transition",
    "payment_voucher",
    "DEDUCTION_COLUMNS",
    "deduction_index",
    "deduction_create",
    "deduction_detail",
    "deduction_transition",
]
