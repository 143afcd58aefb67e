"""Projects' models, one module per section: the project, its plan versions, reports and
extensions, acceptance, and money. Every name the former single module had is importable from here."""

# isort: skip_file
# Imported in the order the models were declared in the former single module, so the app
# registry (and the order Django walks related objects in) stays as it was.
from .project import WORKING_STATUSES, ZERO, Project, ProjectStatus
from .plan import (
    FORBIDDEN_COST_WORDS,
    CostCategory,
    OrganisationMode,
    PlanCostItem,
    PlanIndicator,
    PlanVersion,
    PlanVersionState,
    indicator_label,
)
from .reports import CompletionReport, Extension, ExtensionStatus, Figure, ProgressReport, ReportStatus
from .acceptance import Acceptance, AcceptanceIndicator, AcceptanceResult, Score, ScoreSheet
from .money import (
    DEDUCTION_COUNTS,
    PAYMENT_HOLDS,
    Deduction,
    DeductionSource,
    DeductionStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
)

__all__ = [
    "ZERO",
    "ProjectStatus",
    "WORKING_STATUSES",
    "Project",
    "OrganisationMode",
    "PlanVersionState",
    "PlanVersion",
    "CostCategory",
    "FORBIDDEN_COST_WORDS",
    "PlanCostItem",
    "PlanIndicator",
    "indicator_label",
    "ReportStatus",
    "ProgressReport",
    "Figure",
    "ExtensionStatus",
    "Extension",
    "CompletionReport",
    "AcceptanceResult",
    "Acceptance",
    "AcceptanceIndicator",
    "ScoreSheet",
    "Score",
    "DeductionSource",
    "DeductionStatus",
    "DEDUCTION_COUNTS",
    "Deduction",
    "PaymentKind",
    "PaymentStatus",
    "PAYMENT_HOLDS",
    "Payment",
]
