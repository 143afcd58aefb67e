"""Roster import (实名花名册导入): check every row of a spreadsheet against the rules, report
per row, then write the valid rows in one transaction.

The same checking runs twice: once to show the report (nothing written, no ID number kept in
the report), and again when the user confirms, on the same stored file, so that what is written
is checked against the data as it is at that moment. Written in bulk: on PostgreSQL new people
and roster rows go in with COPY, so a 100,000-row roster takes seconds (bench/roster_import.py)."""

import datetime
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from yufang.accounts.models import Organisation, OrganisationKind, validate_credit_code
from yufang.core.masking import mask_id_number
from yufang.core.spreadsheets import clean_text, find_table, read_rows
from yufang.people.models import Person
from yufang.reference.models import Position

from .models import RosterEntry, TrainingSession

COLUMNS = {
    "name": ("姓名", "学员姓名", "名字", "参训人员"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"),
    "phone": ("手机号", "手机号码", "联系电话", "电话", "手机"),
    "enterprise": ("工作单位", "单位名称", "企业名称", "所在单位", "单位", "企业"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "position": ("岗位", "职务", "岗位名称", "工作岗位"),
}
REQUIRED = {"name", "id_number"}
POSITION_ALIASES = {
    "班组长": "team_leader",
    "一线班组长": "team_leader",
    "安全负责人": "safety_head",
    "安全科长": "safety_head",
    "安全部长": "safety_head",
    "分管安全负责人": "deputy",
    "分管负责人": "deputy",
    "主要负责人": "principal",
    "员工": "worker",
    "职工": "worker",
    "工人": "worker",
    "从业人员": "worker",
}
# Working age on the session date (劳动年龄): at least 16; retirement age 60 for men, 55 for
# women (the pre-2025 statutory ages, which cover every cohort in the programme years).
MIN_AGE = 16
MAX_AGE = {"M": 60, "F": 55}

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_NAME = re.compile(r"^[\u3400-\u9fff·•.A-Za-z]{2,30}$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
NUMERIC_ID = "身份证号被表格保存成了数字，末几位已丢失：请在 Excel 中把该列设为“文本”后重新录入。"
ERROR_KEEP = 5000  # error rows listed on the page; the error file has them all


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def working_age_problem(sex: str, birth: datetime.date, day: datetime.date) -> str:
    age = age_on(birth, day)
    if age < MIN_AGE:
        return f"培训当日年龄 {age} 岁，未满 {MIN_AGE} 周岁"
    if age >= MAX_AGE.get(sex, 60):
        return f"培训当日年龄 {age} 岁，已达法定退休年龄"
    return ""


def _text(value: Any) -> str:
    """clean_text, with a fast path for the plain ASCII and CJK strings most cells hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return " ".join(value.split())
        return " ".join(unicodedata.normalize("NFKC", value).split())
    return clean_text(value)


@dataclass
class Checked:
    """The outcome of checking a roster file: what would be written, and what is wrong."""

    header_row: int = 0
    total: int = 0
    # (row number, id_number, id_hash, name, sex, birth date, phone, enterprise id, position id)
    new: list[tuple] = field(default_factory=list)
    known: list[tuple[int, int]] = field(default_factory=list)  # (row number, person id)
    already: int = 0  # rows whose person is already on this session's roster
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    error_rows: dict[int, str] = field(default_factory=dict)  # row -> messages, for the error file
    warnings: list[dict] = field(default_factory=list)
    invalid_ids: list[dict] = field(default_factory=list)  # evidence for the fraud flags
    duplicates: list[dict] = field(default_factory=list)
    ages: list[tuple[int, str]] = field(default_factory=list)  # (row, problem) of valid rows

    @property
    def valid(self) -> int:
        return len(self.new) + len(self.known)

    def report(self) -> dict:
        """JSON for the review page: counts and problems, ID numbers masked."""
        return {
            "header_row": self.header_row,
            "total": self.total,
            "valid": self.valid,
            "new_people": len(self.new),
            "known_people": len(self.known),
            "already": self.already,
            "error_count": self.error_count,
            "errors": self.errors[:ERROR_KEEP],
            "warnings": self.warnings[:ERROR_KEEP],
            "warning_count": len(self.warnings),
        }


class _Lookups:
    def __init__(self, session: TrainingSession):
        enterprises = Organisation.objects.filter(
            kind=OrganisationKind.ENTERPRISE, city_id=session.project.plan.city_id
        )
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for pk, name, code in enterprises.values_list("pk", "name", "credit_code"):
            self.by_name[name.replace(" ", "")] = pk
            if code:
                self.by_code[code] = pk
        positions = dict(Position.objects.filter(is_active=True).values_list("code", "pk"))
        self.positions = {name.replace(" ", ""): pk for pk, name in Position.objects.values_list("pk", "name")}
        for alias, code in POSITION_ALIASES.items():
            if code in positions:
                self.positions.setdefault(alias, positions[code])


def _id_key() -> bytes:
    return (getattr(settings, "YUFANG_ID_HASH_KEY", "") or settings.SECRET_KEY).encode()


def roster_check(
    file: BinaryIO, filename: str, session: TrainingSession, progress: Callable[[int, int], None] | None = None
) -> Checked:
    """Checks every row; writes nothing. Raises JobFailed for a file that cannot be read or has
    no recognisable header."""
    table = find_table(read_rows(file, filename), COLUMNS, REQUIRED)
    lookups = _Lookups(session)
    col = table.columns
    i_name, i_id = col["name"], col["id_number"]
    i_phone, i_ent, i_code, i_pos = (col.get(k) for k in ("phone", "enterprise", "credit_code", "position"))
    day = session.day
    key = _id_key()
    hmac_new, sha256 = hmac.new, hashlib.sha256
    calc_check = ric.calc_check_digit
    result = Checked(header_row=table.header_row)
    seen: dict[str, int] = {}  # id_hash -> first row
    pending: list[tuple] = []  # valid rows, before matching known people
    total = 0

    def error(number: int, name: str, shown_id: str, messages: list[str]) -> None:
        result.error_count += 1
        result.error_rows[number] = "；".join(messages)
        if len(result.errors) < ERROR_KEEP:
            result.errors.append({"row": number, "name": name, "id": shown_id, "errors": messages})

    for number, cells in table.rows:
        total += 1
        if progress is not None and total % 2000 == 0:
            progress(total, 0)
        n = len(cells)
        problems: list[str] = []
        warnings: list[str] = []
        name = _text(cells[i_name]) if i_name < n else ""
        name = name.replace(" ", "")
        if not name:
            problems.append("姓名为空")
        elif not _NAME.match(name):
            problems.append(f"姓名「{name[:20]}」含有数字或符号")
        raw = cells[i_id] if i_id < n else None
        info_number = ""
        sex, birth = "", None
        if isinstance(raw, float | int) and not isinstance(raw, bool):
            problems.append(NUMERIC_ID)
            shown = "（数字）"
        else:
            number_text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
            if not number_text.isascii():
                number_text = unicodedata.normalize("NFKC", number_text)
            number_text = "".join(number_text.split()).upper()
            shown = mask_id_number(number_text) if len(number_text) >= 10 else number_text
            if not number_text:
                problems.append("身份证号为空")
            elif _SCIENTIFIC.match(number_text) or number_text.endswith(".0"):
                problems.append(NUMERIC_ID)
            elif len(number_text) != 18:
                problems.append(f"身份证号应为 18 位，实际 {len(number_text)} 位")
            elif not number_text[:17].isdigit() or not (number_text[17].isdigit() or number_text[17] == "X"):
                problems.append("身份证号只能由数字组成，最后一位可以是 X")
            elif calc_check(number_text) != number_text[17]:
                problems.append("身份证号校验位不正确，请核对是否录错")
            else:
                try:
                    birth = datetime.date(int(number_text[6:10]), int(number_text[10:12]), int(number_text[12:14]))
                except ValueError:
                    problems.append("身份证号中的出生日期不存在")
                else:
                    if birth > day or birth.year < 1900:
                        problems.append("身份证号中的出生日期不合理")
                        birth = None
                    else:
                        info_number = number_text
                        sex = "M" if int(number_text[16]) % 2 else "F"
            if problems and not info_number and any(p.startswith("身份证号") for p in problems):
                result.invalid_ids.append({"row": number, "id": shown, "reason": problems[-1]})
        phone = ""
        if i_phone is not None and i_phone < n and cells[i_phone] not in (None, ""):
            phone = _text(cells[i_phone]).replace(" ", "").replace("-", "")
            if phone.endswith(".0"):
                phone = phone[:-2]
            if not _PHONE.match(phone):
                problems.append("手机号应为 11 位数字")
        enterprise_id = None
        code = _text(cells[i_code]).replace(" ", "").upper() if i_code is not None and i_code < n else ""
        ent_name = _text(cells[i_ent]).replace(" ", "") if i_ent is not None and i_ent < n else ""
        if code:
            try:
                validate_credit_code(code)
            except ValidationError:
                problems.append(f"统一社会信用代码「{code}」无效")
            else:
                enterprise_id = lookups.by_code.get(code)
        if enterprise_id is None and ent_name:
            enterprise_id = lookups.by_name.get(ent_name)
        if enterprise_id is None and (code or ent_name):
            warnings.append(f"单位「{ent_name or code}」不在企业名录中，工作单位暂不登记")
        position_id = None
        if i_pos is not None and i_pos < n:
            pos = _text(cells[i_pos]).replace(" ", "")
            if pos:
                position_id = lookups.positions.get(pos)
                if position_id is None:
                    warnings.append(f"岗位「{pos[:20]}」不是平台的岗位名称，岗位暂不登记")
        id_hash = ""
        if info_number:
            id_hash = hmac_new(key, info_number.encode(), sha256).hexdigest()
            first = seen.get(id_hash)
            if first is not None:
                problems.append(f"与第 {first} 行为同一人（身份证号相同）")
                result.duplicates.append({"row": number, "first_row": first, "id": shown})
            else:
                seen[id_hash] = number
        if problems:
            error(number, name, shown, problems)
            continue
        if warnings:
            result.warnings.append({"row": number, "name": name, "id": shown, "warnings": warnings})
        problem = working_age_problem(sex, birth, day)
        if problem:
            result.ages.append((number, problem))
        pending.append((number, info_number, id_hash, name, sex, birth, phone, enterprise_id, position_id))
    result.total = total
    if progress is not None:
        progress(total, 0)

    # Match the people already on file, by keyed hash, in chunks.
    known: dict[str, tuple[int, str]] = {}
    hashes = [row[2] for row in pending]
    for start in range(0, len(hashes), 5000):
        chunk = hashes[start : start + 5000]
        for pk, h, pname in Person.objects.filter(id_hash__in=chunk).values_list("pk", "id_hash", "name"):
            known[h] = (pk, pname)
    on_roster = set(RosterEntry.objects.filter(session=session).values_list("person_id", flat=True)) if known else set()
    for row in pending:
        match = known.get(row[2])
        if match is None:
            result.new.append(row)
            continue
        person_id, known_name = match
        if known_name.replace(" ", "") != row[3]:
            error(row[0], row[3], mask_id_number(row[1]), ["姓名与平台已登记的该身份证号人员不一致，请核对"])
            continue
        if person_id in on_roster:
            result.already += 1
            continue
        result.known.append((row[0], person_id))
    result.errors.sort(key=lambda e: e["row"])
    return result


# --- Writing ---------------------------------------------------------------------------------

PERSON_COLUMNS = (
    "created_at",
    "updated_at",
    "id_number",
    "id_hash",
    "name",
    "sex",
    "birth_date",
    "phone",
    "enterprise_id",
    "industry_id",
    "region_id",
    "position_id",
)


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def write_people(checked: Checked, session: TrainingSession) -> dict[int, int]:
    """Creates the new people; returns row number -> person id for every row to put on the
    roster. Call inside the import's transaction."""
    now = timezone.now()
    regions = dict(
        Organisation.objects.filter(pk__in={r[7] for r in checked.new if r[7]}).values_list("pk", "region_id")
    )
    industry_id = session.industry_id
    people = [
        (now, now, r[1], r[2], r[3], r[4], r[5], r[6], r[7], industry_id, regions.get(r[7]), r[8]) for r in checked.new
    ]
    if connection.vendor == "postgresql":
        _copy(Person._meta.db_table, PERSON_COLUMNS, people)
    else:
        Person.objects.bulk_create(
            [Person(**dict(zip(PERSON_COLUMNS, p, strict=True))) for p in people], batch_size=2000
        )
    by_hash: dict[str, int] = {}
    hashes = [r[2] for r in checked.new]
    for start in range(0, len(hashes), 10000):
        by_hash.update(Person.objects.filter(id_hash__in=hashes[start : start + 10000]).values_list("id_hash", "pk"))
    rows = {r[0]: by_hash[r[2]] for r in checked.new}
    rows.update(checked.known)
    return rows


def write_roster(session: TrainingSession, rows: dict[int, int]) -> int:
    now = timezone.now()
    entries = [(session.pk, person_id, number, now) for number, person_id in sorted(rows.items())]
    if connection.vendor == "postgresql":
        _copy(RosterEntry._meta.db_table, ("session_id", "person_id", "row_number", "added_at"), entries)
    else:
        RosterEntry.objects.bulk_create(
            [RosterEntry(session_id=s, person_id=p, row_number=r, added_at=t) for s, p, r, t in entries],
            batch_size=2000,
        )
    return len(entries)


def error_file_rows(file: BinaryIO, filename: str, error_rows: dict[int, str]):
    """The uploaded file's header and its rows with errors, each followed by what is wrong, so
    the provider corrects them in place and uploads them again."""
    table = find_table(read_rows(file, filename), COLUMNS, REQUIRED)
    ordered = sorted(table.columns.items(), key=lambda kv: kv[1])
    header = [COLUMNS[f][0] for f, _ in ordered] + ["原行号", "错误说明"]
    yield header
    for number, cells in table.rows:
        if number in error_rows:
            values = []
            for _, index in ordered:
                value = cells[index] if index < len(cells) else ""
                values.append("" if value is None else value)
            yield [*values, number, error_rows[number]]
