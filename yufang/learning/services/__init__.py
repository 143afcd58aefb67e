"""Writes on the online platform. Each checks its actor, runs in one transaction and audits.
The heartbeat itself lives in heartbeat.py (the hot path); everything it implies that is rare
(a lesson done, the rule met) comes back here.

The package keeps every name the former single module had importable from here."""

from yufang.core.permissions import require as _require

from ..certification import _certificate_code, _issuer, enrolment_evaluate, enrolments_certify, enrolments_evaluate
from .catalogue import (
    COURSE_FIELDS,
    EVALUATE_JOB,
    LESSON_FIELDS,
    MINUTES_PER_DAY,
    STUDY_RULE_FIELDS,
    course_save,
    curriculum_set,
    exam_save,
    lesson_add,
    study_rule_for,
    study_rule_update,
)
from .enrolment import (
    REGISTRATION_WORKFLOW,
    _bind_account,
    _new_trainee_user,
    _registration_confirm,
    _registration_reject,
    _trainee_account,
    _trainee_username,
    enrolment_create,
    person_self_register,
    registration_transition,
)
from .exams import (
    GRACE_SECONDS,
    _normalise_answer,
    exam_start,
    exam_start_many,
    exam_submit,
    exam_submit_many,
    questions_apply,
)
from .session import _check_gap_ms, session_start, study_check_answer
from .study import CreditSummary, StudyRecord, study_credit_many

__all__ = [
    "REGISTRATION_WORKFLOW",
    "_bind_account",
    "_new_trainee_user",
    "_registration_confirm",
    "_registration_reject",
    "registration_transition",
    "_require",
    "COURSE_FIELDS",
    "LESSON_FIELDS",
    "course_save",
    "lesson_add",
    "curriculum_set",
    "study_rule_for",
    "STUDY_RULE_FIELDS",
    "EVALUATE_JOB",
    "MINUTES_PER_DAY",
    "study_rule_update",
    "exam_save",
    "_trainee_username",
    "_trainee_account",
    "enrolment_create",
    "person_self_register",
    "session_start",
    "_check_gap_ms",
    "study_check_answer",
    "_certificate_code",
    "enrolment_evaluate",
    "enrolments_evaluate",
    "enrolments_certify",
    "_issuer",
    "GRACE_SECONDS",
    "exam_start",
    "_normalise_answer",
    "exam_submit",
    "exam_start_many",
    "exam_submit_many",
    "StudyRecord",
    "CreditSummary",
    "study_credit_many",
    "questions_apply",
]
