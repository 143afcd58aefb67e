"""Roster import (实名花名册导入): check every row of a spreadsheet against the rules, report
per row, then write the valid rows in one transaction. One importer for every roster of real
people: an offline session's (培训花名册, training.roster) and the online platform's enrolment
list (线上报名名单, learning.enrolment) differ only in their RosterTarget: the city whose
enterprises rows may name, the day ages are judged on, and who is already on the list. It sits
in people, the app both depend on, and knows neither.

The same checking runs twice: once to show the report (nothing written, no ID number kept in
the report), and again when the user confirms, on the same stored file, so that what is written
is checked against the data as it is at that moment. Written in bulk: on PostgreSQL new people
and roster rows go in with COPY, so a 100,000-row roster takes seconds (bench/roster_import.py)."""

from .check import roster_check
from .report import check_progress, check_result, error_file_rows, roster_error_file, roster_error_workbook
from .rows import Checked, KnownRow, RosterRow, RosterTarget
from .rules import (
    COLUMNS,
    MAX_AGE,
    MIN_AGE,
    NOT_MOBILE,
    NUMERIC_ID,
    OLD_ID,
    PROGRESS_EVERY,
    REQUIRED,
    age_on,
    working_age_problem,
)
from .stage import STAGE, drop_stage
from .write import rows_to_people, write_people

__all__ = [
    "COLUMNS",
    "MAX_AGE",
    "MIN_AGE",
    "NOT_MOBILE",
    "NUMERIC_ID",
    "OLD_ID",
    "PROGRESS_EVERY",
    "REQUIRED",
    "STAGE",
    "Checked",
    "KnownRow",
    "RosterRow",
    "RosterTarget",
    "age_on",
    "check_progress",
    "check_result",
    "drop_stage",
    "error_file_rows",
    "roster_check",
    "roster_error_file",
    "roster_error_workbook",
    "rows_to_people",
    "working_age_problem",
    "write_people",
]
