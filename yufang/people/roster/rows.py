"""What a roster is checked against (RosterTarget), the rows a check finds (RosterRow,
KnownRow) and its outcome (Checked)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from . import rules


@dataclass(frozen=True)
class RosterTarget:
    """What a roster is checked against and written to."""

    city_id: int
    day: datetime.date  # ages are judged on it; no birth date may be after it
    industry_id: int | None  # the session's industry (a new person takes only the industry their row names)
    on_list: Callable[[Iterable[int]], set[int]]  # of these person ids, those already on the list
    # An enterprise importing its own staff: every row's enterprise, whatever the row says.
    own_enterprise_id: int | None = None
    # Every row must name an enterprise on file (an online enrolment is bound to one).
    enterprise_required: bool = False
    # A real-name roster (分行业、分单位、分岗位、实名制): every row names its employer (identified
    # on file by a valid credit code or its exact registered name), its industry and its position;
    # a row without one is refused, never completed from the session or the enterprise.
    real_name: bool = False


class RosterRow(NamedTuple):
    """A valid row of a person not yet on file (the temporary table's columns, in its order)."""

    row: int
    id_number: str
    id_hash: str
    name: str
    sex: str
    birth_date: datetime.date | None
    phone: str
    enterprise_id: int | None
    position_id: int | None
    industry_id: int | None


class KnownRow(NamedTuple):
    """A valid row of a person already on file."""

    row: int
    person_id: int
    enterprise_id: int | None


@dataclass
class Checked:
    """The outcome of checking a roster file: what would be written, and what is wrong."""

    header_row: int = 0
    total: int = 0
    new: list[RosterRow] = field(default_factory=list)
    known: list[KnownRow] = field(default_factory=list)
    already: int = 0  # rows whose person is already on the list
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    error_rows: dict[int, str] = field(default_factory=dict)  # row -> messages, for the error file
    warnings: list[dict] = field(default_factory=list)
    invalid_ids: list[dict] = field(default_factory=list)  # evidence for the fraud flags
    duplicates: list[dict] = field(default_factory=list)
    ages: list[tuple[int, str]] = field(default_factory=list)  # (row, problem) of valid rows
    mismatched: list[int] = field(default_factory=list)  # rows whose name differs from the person on file
    skipped: list[int] = field(default_factory=list)  # rows already on the list
    refused: list[int] = field(default_factory=list)  # rows the importer may not write (enrolment scope)
    not_data: int = 0  # totals rows, notes, numbered empty rows: skipped, not counted
    notes: list[dict] = field(default_factory=list)  # (a sample of) those rows and why
    staged: bool = False

    @property
    def valid(self) -> int:
        return len(self.new) + len(self.known)

    @property
    def new_people(self) -> int:
        return len(self.new)

    @property
    def known_people(self) -> int:
        return len(self.known)

    def report(self) -> dict:
        """JSON for the review page: counts and problems, ID numbers masked."""
        return {
            "header_row": self.header_row,
            "total": self.total,
            "valid": self.valid,
            "new_people": self.new_people,
            "known_people": self.known_people,
            "already": self.already,
            "error_count": self.error_count,
            "errors": self.errors[: rules.ERROR_KEEP],
            "warnings": self.warnings[: rules.ERROR_KEEP],
            "warning_count": len(self.warnings),
            "not_data": self.not_data,
            "notes": self.notes[: rules.ERROR_KEEP],
        }
