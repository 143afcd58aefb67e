"""Historic records (原系统记录): completions from before the platform, from an earlier system's
export or paper rosters the agency checked, brought in through an import with a per-row report.
The check reads the file and writes nothing; confirming checks the same file again as the data
stands and writes one labelled batch (`LegacyBatch`, with its named source document) and its
completions through `completion_record_many`, in one transaction."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.masking import mask_id_number
from yufang.core.spreadsheets import clean_text, find_table, read_rows
from yufang.people import idnumbers
from yufang.people.models import Person
from yufang.reference.models import Position

from .models import Mode

COLUMNS = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "mode": ("培训方式", "方式"),
    "completed_on": ("完成日期", "培训日期", "结业日期"),
    "hours": ("学时", "培训学时"),
    "enterprise": ("工作单位", "企业名称", "单位名称"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "position": ("岗位", "岗位名称"),
}
REQUIRED = {"name", "id_number", "mode", "completed_on", "hours"}
MODES = {"线下": Mode.OFFLINE, "线下培训": Mode.OFFLINE, "线上": Mode.ONLINE, "线上培训": Mode.ONLINE}
MODES |= {"实操": Mode.PRACTICAL, "实操培训": Mode.PRACTICAL}
MAX_HOURS = Decimal(100)


@dataclass
class Row:
    number: int
    name: str
    id_number: str
    mode: str
    completed_on: datetime.date
    hours: Decimal
    enterprise_id: int | None
    position_id: int | None


@dataclass
class Checked:
    total: int = 0
    header_row: int = 0
    good: list[Row] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        """What the job keeps: counts and the problem rows, ID numbers masked."""
        return {
            "header_row": self.header_row,
            "total": self.total,
            "good": len(self.good),
            "errors": self.errors,
            "by_mode": {m: sum(1 for r in self.good if r.mode == m) for m in Mode.values},
            "hours": str(sum((r.hours for r in self.good), Decimal(0))),
        }


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = clean_text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def historic_check(file: BinaryIO, filename: str, *, city_id: int, year: int, progress=None) -> Checked:
    """Checks every row; writes nothing. A row is good when the ID number is valid, the mode,
    date (within the batch's year) and class hours are readable, the person is on file or their
    employer is in the city's register, and the same person, mode and day is not there twice."""
    table = find_table(read_rows(file, filename), COLUMNS, REQUIRED)
    lookups = _lookups(city_id)
    rows = list(table.rows)
    checked = Checked(total=len(rows), header_row=table.header_row)
    if progress is not None:
        progress.total(len(rows), "正在逐行校验")
    parsed = [(number, *_parse_row(table, cells, lookups, year)) for number, cells in rows]
    known = dict(
        Person.objects.filter(
            id_hash__in={idnumbers.id_hash(v["id_number"]) for _, p, v in parsed if len(v["id_number"]) == 18}
        ).values_list("id_hash", "pk")
    )
    seen: dict[tuple, int] = {}
    for done, (number, problems, values) in enumerate(parsed, start=1):
        _settle_row(checked, number, problems, values, known=known, seen=seen)
        if progress is not None:
            progress.step(done)
    return checked


def _lookups(city_id: int) -> tuple[dict, dict, dict]:
    """The city's enterprises by name and by credit code, and the platform's positions by name."""
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, city_id=city_id)
    by_name = {clean_text(n).replace(" ", ""): pk for pk, n in enterprises.values_list("pk", "name")}
    by_code = {c: pk for pk, c in enterprises.exclude(credit_code="").values_list("pk", "credit_code")}
    positions = {clean_text(n).replace(" ", ""): pk for pk, n in Position.objects.values_list("pk", "name")}
    return by_name, by_code, positions


def _parse_row(table, cells, lookups: tuple[dict, dict, dict], year: int) -> tuple[list[str], dict[str, Any]]:
    """One row's values and the problems found in the row alone (the person and duplicates
    are settled once every row is read)."""
    by_name, by_code, positions = lookups

    def cell(name):
        index = table.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    problems: list[str] = []
    values: dict[str, Any] = {"name": clean_text(cell("name")).replace(" ", "")}
    if not values["name"]:
        problems.append("姓名为空")
    try:
        values["id_number"] = idnumbers.check(cell("id_number")).number
    except ValidationError as e:
        problems.append(e.messages[0])
        values["id_number"] = idnumbers.normalise(cell("id_number"))
    raw_mode = clean_text(cell("mode")).replace(" ", "")
    values["mode"] = MODES.get(raw_mode)
    if values["mode"] is None:
        problems.append(f"培训方式「{raw_mode or '（空）'}」须为线下、线上或实操")
    values["completed_on"] = _date(cell("completed_on"))
    if values["completed_on"] is None:
        problems.append(f"完成日期「{clean_text(cell('completed_on')) or '（空）'}」无法识别，请写成 2023-05-20")
    elif values["completed_on"].year != year:
        problems.append(f"完成日期 {values['completed_on']:%Y-%m-%d} 不在本批次的 {year} 年内")
    try:
        values["hours"] = Decimal(clean_text(cell("hours")))
        if not (0 < values["hours"] <= MAX_HOURS) or values["hours"] != values["hours"].quantize(Decimal("0.1")):
            raise InvalidOperation
    except InvalidOperation:
        problems.append(f"学时「{clean_text(cell('hours')) or '（空）'}」须为大于 0、不超过 100、最多一位小数的数")
    code = clean_text(cell("credit_code")).upper()
    enterprise_name = clean_text(cell("enterprise")).replace(" ", "")
    values["enterprise_id"] = by_code.get(code) if code else by_name.get(enterprise_name)
    values["enterprise_text"] = code or enterprise_name
    position_name = clean_text(cell("position")).replace(" ", "")
    values["position_id"] = positions.get(position_name) if position_name else None
    if position_name and values["position_id"] is None:
        problems.append(f"岗位「{position_name}」不是平台的岗位名称")
    return problems, values


def _settle_row(
    checked: Checked, number: int, problems: list[str], values: dict, *, known: dict, seen: dict[tuple, int]
) -> None:
    """Adds the row to the good or the error rows, once the person (on file, or their employer
    in the register) and duplicates within the file are known."""
    on_file = len(values["id_number"]) == 18 and idnumbers.id_hash(values["id_number"]) in known
    if values["enterprise_text"] and values["enterprise_id"] is None:
        problems.append(f"工作单位「{values['enterprise_text']}」不在本市企业名录中")
    elif not on_file and values["enterprise_id"] is None:
        problems.append("平台上尚无此人，须填写其工作单位（本市企业名录中的企业）")
    key = (values["id_number"], values["mode"], values["completed_on"])
    if not problems and key in seen:
        problems.append(f"与第 {seen[key]} 行重复（同一人、同一方式、同一日期）")
    if problems:
        checked.errors.append(
            {
                "row": number,
                "name": values["name"],
                "id_masked": mask_id_number(values["id_number"]) if values["id_number"] else "",
                "errors": problems,
            }
        )
        return
    seen[key] = number
    checked.good.append(
        Row(
            number=number,
            name=values["name"],
            id_number=values["id_number"],
            mode=values["mode"],
            completed_on=values["completed_on"],
            hours=values["hours"],
            enterprise_id=values["enterprise_id"],
            position_id=values["position_id"],
        )
    )


def rows_by_completion(rows: list[Row], people: dict[str, Person]) -> dict[tuple[str, datetime.date], dict]:
    """The good rows grouped as completion_record_many writes them: one call per (mode, day),
    with each person's hours (the check refuses the same person, mode and day twice)."""
    groups: dict[tuple[str, datetime.date], dict] = defaultdict(lambda: {"people": [], "hours": {}})
    for r in rows:
        person = people[r.id_number]
        group = groups[(r.mode, r.completed_on)]
        group["people"].append(person)
        group["hours"][person.pk] = r.hours
    return groups
