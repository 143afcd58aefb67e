"""Roster import (实名花名册导入): check every row of a spreadsheet against the rules, report
per row, then write the valid rows in one transaction. One importer for every roster of real
people: an offline session's (培训花名册) and the online platform's enrolment list (线上报名名单)
differ only in their RosterTarget: the city whose enterprises rows may name, the day ages are
judged on, and who is already on the list.

The same checking runs twice: once to show the report (nothing written, no ID number kept in
the report), and again when the user confirms, on the same stored file, so that what is written
is checked against the data as it is at that moment. Written in bulk: on PostgreSQL new people
and roster rows go in with COPY, so a 100,000-row roster takes seconds (bench/roster_import.py)."""

import datetime
import difflib
import hmac
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from yufang.accounts.models import Organisation, OrganisationKind, validate_credit_code
from yufang.core.masking import mask_id_number
from yufang.core.spreadsheets import clean_text, open_table
from yufang.people.models import Person
from yufang.reference.models import Industry, Position, Synonym

from .models import RosterEntry, TrainingSession

COLUMNS = {
    "name": ("姓名", "学员姓名", "名字", "参训人员"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"),
    "phone": ("手机号", "手机号码", "联系电话", "电话", "手机"),
    "enterprise": ("工作单位", "单位名称", "企业名称", "所在单位", "单位", "企业"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "position": ("岗位", "职务", "岗位名称", "工作岗位"),
    "industry": ("行业", "所属行业", "行业类别"),
}
REQUIRED = {"name", "id_number"}
# Working age on the session date (劳动年龄): at least 16; retirement age 60 for men, 55 for
# women (the pre-2025 statutory ages, which cover every cohort in the programme years).
MIN_AGE = 16
MAX_AGE = {"M": 60, "F": 55}

_PHONE = re.compile(r"^1[3-9]\d{9}$")
# A mobile written with the country code (+86, 86, 0086, (+86)) and any spaces, dashes, dots or
# brackets; a landline: area code 0xx(x), 7-8 digits, perhaps an extension.
_PHONE_NOISE = re.compile(r"[\s\-‐‑–—.()（）\[\]]")
_COUNTRY = re.compile(r"^(?:\+?0{0,2}86)(?=1[3-9]\d{9}$)")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(?:(?:转|ext|EXT|x|X|#)?\d{1,6})?$")
NOT_MOBILE = "不是手机号（像是固定电话）：请填写本人的 11 位手机号"
# Names: CJK (Basic Multilingual Plane, Extension A, and Extensions B and later beyond it),
# Latin letters, and the middle dot of ethnic-minority names in any of its common forms,
# stored as "·".
_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·A-Za-z]{2,30}$")
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "･": "·", "∙": "·", "⋅": "·", ".": "·", "．": "·"})
# The old 15-digit ID number (before 1999): the person has an 18-digit one now.
OLD_ID = "身份证号为旧版 15 位号码：请提供本人现行的 18 位居民身份证号码"
# Rows that are not people: totals, notes under the table, numbered rows left empty.
_TOTALS = ("合计", "总计", "小计", "共计", "累计")
_NOTES = ("注", "备注", "说明", "填表说明", "填报说明", "填表人", "制表", "审核", "负责人签字", "单位盖章")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
NUMERIC_ID = "身份证号被表格保存成了数字，末几位已丢失：请在 Excel 中把该列设为“文本”后重新录入。"
PROGRESS_EVERY = 5000  # rows between two progress reports of the check
ERROR_KEEP = 1000  # error and warning rows kept in the job result; the error file has every error row


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


def session_target(session: TrainingSession) -> RosterTarget:
    return RosterTarget(
        city_id=session.project.plan.city_id,
        day=session.day,
        industry_id=session.industry_id,
        real_name=True,
        on_list=lambda ids: (
            set(ids) & set(RosterEntry.objects.filter(session=session).values_list("person_id", flat=True))
        ),
    )


@dataclass
class Checked:
    """The outcome of checking a roster file: what would be written, and what is wrong."""

    header_row: int = 0
    total: int = 0
    # (row number, id_number, id_hash, name, sex, birth date, phone, enterprise id, position id,
    #  industry id)
    new: list[tuple] = field(default_factory=list)
    known: list[tuple[int, int, int | None]] = field(default_factory=list)  # (row, person id, enterprise id)
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
            "errors": self.errors[:ERROR_KEEP],
            "warnings": self.warnings[:ERROR_KEEP],
            "warning_count": len(self.warnings),
            "not_data": self.not_data,
            "notes": self.notes[:ERROR_KEEP],
        }


class _Lookups:
    """Enterprise and position names resolved once per distinct cell text: a roster of
    100,000 rows names a few dozen enterprises."""

    def __init__(self, city_id: int, enterprise_required: bool):
        self.enterprise_required = enterprise_required
        enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, city_id=city_id)
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for pk, name, code in enterprises.values_list("pk", "name", "credit_code"):
            self.by_name[name.replace(" ", "")] = pk
            if code:
                self.by_code[code] = pk
        # Names, then the owner's table of same-meaning words (reference.Synonym).
        self.positions = {name.replace(" ", ""): pk for pk, name in Position.objects.values_list("pk", "name")}
        self.industries: dict[str, int] = {}
        for pk, name, code in Industry.objects.filter(is_active=True).values_list("pk", "name", "code"):
            self.industries[name.replace(" ", "")] = pk
            self.industries.setdefault(code, pk)
        for text, industry_id, position_id in Synonym.objects.values_list("text", "industry_id", "position_id"):
            if industry_id:
                self.industries.setdefault(text, industry_id)
            else:
                self.positions.setdefault(text, position_id)
        self.position_names = dict(Position.objects.values_list("pk", "name"))
        self.industry_names = dict(Industry.objects.values_list("pk", "name"))
        self._enterprise: dict[tuple, tuple[int | None, str, str]] = {}
        self._position: dict[Any, tuple[int | None, str]] = {}
        self._industry: dict[Any, tuple[int | None, str]] = {}

    def enterprise(self, raw_code, raw_name) -> tuple[int | None, str, str]:
        """(enterprise id, error, warning)"""
        key = (raw_code, raw_name)
        found = self._enterprise.get(key)
        if found is None:
            code = _text(raw_code).replace(" ", "").upper()
            name = _text(raw_name).replace(" ", "")
            enterprise_id, error, warning = None, "", ""
            if code:
                try:
                    validate_credit_code(code)
                except ValidationError:
                    error = f"统一社会信用代码「{code}」无效"
                else:
                    enterprise_id = self.by_code.get(code)
            named = self.by_name.get(name) if name else None
            if enterprise_id is not None and named is not None and named != enterprise_id:
                error = f"统一社会信用代码「{code}」与单位名称「{name}」是平台上的两家不同企业，请核对"
                enterprise_id = None
            elif enterprise_id is None:
                enterprise_id = named
            if enterprise_id is None and not error:
                if self.enterprise_required and not (code or name):
                    error = "工作单位为空：每行须写明单位名称或统一社会信用代码"
                elif self.enterprise_required:
                    error = (
                        f"单位「{name or code}」不在平台的企业名录中："
                        "请填写已登记企业的统一社会信用代码或与登记完全一致的单位名称"
                    )
                elif code or name:
                    warning = f"单位「{name or code}」不在企业名录中，工作单位暂不登记"
            found = self._enterprise[key] = (enterprise_id, error, warning)
        return found

    def position(self, raw, required: bool = False) -> tuple[int | None, str]:
        return self._named(raw, self._position, self.positions, self.position_names, "岗位", required)

    def industry(self, raw, required: bool = False) -> tuple[int | None, str]:
        return self._named(raw, self._industry, self.industries, self.industry_names, "行业", required)

    @staticmethod
    def _named(
        raw, cache: dict, ids: dict[str, int], names: dict[int, str], label: str, required: bool
    ) -> tuple[int | None, str]:
        """(id, message) of a reference name or synonym, resolved once per distinct cell text. An
        unknown value is reported with the closest reference names, never mapped by guess. The
        message is a warning (the value is not stored), or, where the value is `required`, the
        reason the row is refused (a blank one too)."""
        found = cache.get((raw, required))
        if found is None:
            name = _text(raw).replace(" ", "")
            pk = ids.get(name) if name else None
            message = ""
            if name and pk is None:
                close = difflib.get_close_matches(name, list(ids), n=6, cutoff=0.3)
                nearest = list(dict.fromkeys(names[ids[c]] for c in close))[:3]
                hint = f"，最接近的是：{'、'.join(nearest)}" if nearest else ""
                outcome = "本行不导入" if required else f"{label}暂不登记"
                message = (
                    f"{label}「{name[:20]}」不在平台的{label}名录及同义写法中{hint}；"
                    f"{outcome}，含义相同的写法可请管理员加入同义写法表"
                )
            elif required and not name:
                message = f"{label}为空：实名制花名册每行须写明{label}"
            found = cache[(raw, required)] = (pk, message)
        return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _not_data(cells: list[Any], i_name: int, i_id: int) -> str:
    """Why a row below the header is not a person (a totals row, a note under the table, a row
    numbered in advance and left empty), or "" for a row to check."""
    n = len(cells)
    name = cells[i_name] if i_name < n else None
    raw_id = cells[i_id] if i_id < n else None
    if not _blank(raw_id) and not (isinstance(raw_id, int | float) and raw_id < 10**7):
        return ""  # something in the ID column: a person's row, right or wrong
    filled = [c for c in cells if not _blank(c)]
    if _blank(name) and all(isinstance(c, int | float) and not isinstance(c, bool) for c in filled):
        return "只有序号的空行，已跳过"
    first = _text(name if not _blank(name) else filled[0]).replace(" ", "")
    if first.startswith(_TOTALS):
        return "合计行，已跳过"
    if first.startswith(_NOTES) or (_blank(name) and len(first) > 30):
        return "表格下方的说明文字，已跳过"
    return ""


def _id_key() -> bytes:
    return (getattr(settings, "YUFANG_ID_HASH_KEY", "") or settings.SECRET_KEY).encode()


STAGE = "roster_stage"
STAGE_COLUMNS = (
    "row",
    "id_number",
    "id_hash",
    "name",
    "sex",
    "birth_date",
    "phone",
    "enterprise_id",
    "position_id",
    "industry_id",
)


class _Stage:
    """On PostgreSQL the valid rows go into a temporary table in chunks while the loop still
    runs, so the database takes them in on its own core; matching known people and writing are
    then set operations. Elsewhere the rows stay in Python.

    Each chunk is one COPY, finished before the loop goes on: between chunks the connection is
    free, so whatever the caller does there (writing the job's progress) never meets an open
    COPY on the same connection, which would block for ever."""

    CHUNK = 5000

    def __init__(self):
        self.enabled = connection.vendor == "postgresql"
        self._cursor = None
        self._rows: list[tuple] = []

    def __enter__(self):
        if self.enabled:
            self._cursor = connection.cursor()
            self._cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            self._cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (row integer PRIMARY KEY, id_number varchar(18), id_hash varchar(64), "
                "name varchar(50), sex varchar(1), birth_date date, phone varchar(20), enterprise_id bigint, "
                "position_id bigint, industry_id bigint)"
            )
        return self

    def write(self, row: tuple) -> None:
        if self.enabled:
            self._rows.append(row)
            if len(self._rows) >= self.CHUNK:
                self.flush()

    def flush(self) -> None:
        if self._rows:
            with self._cursor.cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                for row in self._rows:
                    copy.write_row(row)
            self._rows.clear()

    def __exit__(self, exc_type, *exc):
        if self._cursor is not None:
            if exc_type is None:
                self.flush()
            self._cursor.close()
        return False


def roster_check(
    file: BinaryIO,
    filename: str,
    target: RosterTarget | TrainingSession,
    progress: Callable[[int, int], None] | None = None,
) -> Checked:
    """Checks every row; writes nothing lasting (on PostgreSQL the valid rows wait in a temporary
    table for roster_apply on the same connection). Raises JobFailed for a file that cannot be
    read or has no recognisable header.

    The ID number rules are those of people.idnumbers.check, inlined: this loop runs 100,000
    times (a test holds the two to the same verdicts)."""
    if isinstance(target, TrainingSession):
        target = session_target(target)
    table = open_table(file, filename, COLUMNS, REQUIRED)
    rows = table.raw
    own_enterprise = target.own_enterprise_id
    real_name = target.real_name
    lookups = _Lookups(target.city_id, (target.enterprise_required or real_name) and own_enterprise is None)
    col = table.columns
    i_name, i_id = col["name"], col["id_number"]
    i_phone, i_ent, i_code, i_pos, i_ind = (
        col.get(k) for k in ("phone", "enterprise", "credit_code", "position", "industry")
    )
    if lookups.enterprise_required and i_ent is None and i_code is None:
        from yufang.core.jobs import JobFailed

        raise JobFailed("表头须包含“统一社会信用代码”或“单位名称”列，说明每位学员所在的企业。")
    if real_name and (i_pos is None or i_ind is None):
        from yufang.core.jobs import JobFailed

        missing = "、".join(label for label, i in (("“行业”", i_ind), ("“岗位”", i_pos)) if i is None)
        raise JobFailed(f"实名制花名册须分行业、分岗位登记：表头缺少{missing}列。")
    day = target.day
    key = _id_key()
    digest = hmac.digest
    calc_check = ric.calc_check_digit
    normalize, category = unicodedata.normalize, unicodedata.category
    name_ok, phone_ok, scientific = _NAME.match, _PHONE.match, _SCIENTIFIC.match
    date = datetime.date
    enterprise_of, position_of, industry_of = lookups.enterprise, lookups.position, lookups.industry
    result = Checked(header_row=table.header_row)
    seen: dict[str, tuple[int, str]] = {}  # id_hash -> (first row, its name)
    pending: list[tuple] = []
    total = 0

    def error(number: int, name: str, shown_id: str, messages: list[str]) -> None:
        result.error_count += 1
        result.error_rows[number] = "；".join(messages)
        if len(result.errors) < ERROR_KEEP:
            result.errors.append({"row": number, "name": name, "id": shown_id, "errors": messages})

    with _Stage() as stage:
        # The rows below the header, read straight from the file's iterator (find_table stopped
        # at the header): blank rows are skipped with a test cheaper than clean_text on each.
        for number, cells in enumerate(rows, start=table.header_row + 1):
            if not any(c is not None and (c.strip() if isinstance(c, str) else True) for c in cells):
                continue
            note = _not_data(cells, i_name, i_id)
            if note:
                result.not_data += 1
                if len(result.notes) < ERROR_KEEP:
                    result.notes.append({"row": number, "note": note})
                continue
            total += 1
            if progress is not None and not total % PROGRESS_EVERY:
                stage.flush()
                progress(total, max(table.height, total))
            n = len(cells)
            problems: list[str] = []
            warnings: list[str] = []
            # Name: full-width letters and spaces normalised, inner spaces removed.
            name = cells[i_name] if i_name < n else ""
            if not isinstance(name, str):
                name = clean_text(name)
            elif not name.isascii():
                name = normalize("NFKC", name)
            name = "".join(name.split())
            if not name.isascii():
                name = name.translate(_DOTS)
            if not name:
                problems.append("姓名为空")
            elif not name_ok(name):
                problems.append(f"姓名「{name[:20]}」含有数字或符号")
            # ID number.
            raw = cells[i_id] if i_id < n else None
            number_text = ""
            sex, birth = "", None
            if isinstance(raw, float | int) and not isinstance(raw, bool):
                # A 15-digit number is exactly what the cell holds: the old-format ID number.
                old = raw == int(raw) and len(str(int(raw))) == 15
                reason = OLD_ID if old else NUMERIC_ID
                problems.append(reason)
                shown = "（数字）"
                result.invalid_ids.append({"row": number, "id": shown, "reason": reason})
            else:
                text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
                if not text.isascii():
                    # Zero-width spaces, BOMs and other format characters go like spaces.
                    text = "".join(c for c in normalize("NFKC", text) if category(c) != "Cf")
                text = "".join(text.split()).upper()
                reason = ""
                if not text:
                    reason = "身份证号为空"
                elif scientific(text) or text.endswith(".0"):
                    reason = NUMERIC_ID
                elif len(text) == 15 and text.isdigit():
                    reason = OLD_ID
                elif len(text) != 18:
                    reason = f"身份证号应为 18 位，实际 {len(text)} 位"
                elif not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
                    reason = "身份证号只能由数字组成，最后一位可以是 X"
                elif calc_check(text) != text[17]:
                    reason = "身份证号校验位不正确，请核对是否录错"
                else:
                    try:
                        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
                    except ValueError:
                        reason = "身份证号中的出生日期不存在"
                    else:
                        if birth > day or birth.year < 1900:
                            reason = "身份证号中的出生日期不合理"
                            birth = None
                        else:
                            number_text = text
                            sex = "M" if int(text[16]) % 2 else "F"
                shown = mask_id_number(text) if len(text) >= 10 else text
                if reason:
                    problems.append(reason)
                    if text:
                        result.invalid_ids.append({"row": number, "id": shown, "reason": reason})
            # Phone, optional.
            phone = ""
            if i_phone is not None and i_phone < n:
                value = cells[i_phone]
                if value not in (None, ""):
                    phone = value if isinstance(value, str) and value.isascii() else clean_text(value)
                    phone = _COUNTRY.sub("", _PHONE_NOISE.sub("", phone))
                    if not phone_ok(phone):
                        if _LANDLINE.match(phone):
                            problems.append(NOT_MOBILE)
                        elif phone.isdigit() and len(phone) == 11:
                            problems.append("手机号不正确：应以 13–19 开头")
                        else:
                            problems.append("手机号应为 11 位数字")
            # Enterprise and position, resolved once per distinct text.
            enterprise_id = position_id = industry_id = None
            if own_enterprise is not None:
                enterprise_id = own_enterprise
            elif i_ent is not None or i_code is not None:
                enterprise_id, ent_error, ent_warning = enterprise_of(
                    cells[i_code] if i_code is not None and i_code < n else None,
                    cells[i_ent] if i_ent is not None and i_ent < n else None,
                )
                if ent_error:
                    problems.append(ent_error)
                elif ent_warning:
                    warnings.append(ent_warning)
            # Position and industry: in a real-name roster a blank or unknown one refuses the row.
            reference_notes = problems if real_name else warnings
            if i_pos is not None:
                position_id, message = position_of(cells[i_pos] if i_pos < n else None, real_name)
                if message:
                    reference_notes.append(message)
            if i_ind is not None:
                industry_id, message = industry_of(cells[i_ind] if i_ind < n else None, real_name)
                if message:
                    reference_notes.append(message)
            id_hash = ""
            if number_text:
                id_hash = digest(key, number_text.encode(), "sha256").hex()
                first = seen.get(id_hash)
                if first is not None:
                    first_row, first_name = first
                    if first_name and name and first_name != name:
                        problems.append(
                            f"与第 {first_row} 行身份证号相同而姓名不同（「{first_name[:20]}」与「{name[:20]}」）："
                            "请核对是否录错姓名或冒用他人身份证号"
                        )
                    else:
                        problems.append(f"与第 {first_row} 行为同一人（身份证号相同）")
                    result.duplicates.append({"row": number, "first_row": first_row, "id": shown})
                else:
                    seen[id_hash] = (number, name)
            if problems:
                error(number, name, shown, problems)
                continue
            if warnings:
                result.warnings.append({"row": number, "name": name, "id": shown, "warnings": warnings})
            problem = working_age_problem(sex, birth, day)
            if problem:
                result.ages.append((number, problem))
            row = (number, number_text, id_hash, name, sex, birth, phone, enterprise_id, position_id, industry_id)
            pending.append(row)
            stage.write(row)
    result.total = total
    result.staged = stage.enabled
    if progress is not None:
        progress(total, total)
    known = _known(pending, stage.enabled)
    on_roster = target.on_list(pk for pk, _ in known.values()) if known else set()
    for row in pending:
        match = known.get(row[2])
        if match is None:
            result.new.append(row)
            continue
        person_id, known_name = match
        if known_name.replace(" ", "") != row[3]:
            error(
                row[0],
                row[3],
                mask_id_number(row[1]),
                ["姓名与平台已登记的该身份证号人员的姓名不同：请核对是否录错姓名或冒用他人身份证号"],
            )
            result.mismatched.append(row[0])
            continue
        if person_id in on_roster:
            result.already += 1
            result.skipped.append(row[0])
            continue
        result.known.append((row[0], person_id, row[7]))
    result.errors.sort(key=lambda e: e["row"])
    return result


def _known(pending: list[tuple], staged: bool) -> dict[str, tuple[int, str]]:
    """People already on file among the rows, by keyed hash: id_hash -> (person id, name)."""
    if staged:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id_hash, p.id, p.name FROM {STAGE} s JOIN {Person._meta.db_table} p ON p.id_hash = s.id_hash"
            )
            return {h: (pk, name) for h, pk, name in cursor.fetchall()}
    known: dict[str, tuple[int, str]] = {}
    hashes = [row[2] for row in pending]
    for start in range(0, len(hashes), 5000):
        for pk, h, pname in Person.objects.filter(id_hash__in=hashes[start : start + 5000]).values_list(
            "pk", "id_hash", "name"
        ):
            known[h] = (pk, pname)
    return known


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


def write_people(checked: Checked, target: RosterTarget) -> None:
    """Creates the rows' new people (a person someone else registered meanwhile is left as it
    is). Call inside the import's transaction, on the connection that checked the file."""
    now = timezone.now()
    if checked.staged:
        skip = [*checked.mismatched, *checked.skipped, *checked.refused]
        with connection.cursor() as cursor:
            if skip:
                cursor.execute(f"DELETE FROM {STAGE} WHERE row = ANY(%s)", [skip])
            cursor.execute(
                f"INSERT INTO {Person._meta.db_table} ({', '.join(PERSON_COLUMNS)}) "
                f"SELECT %s, %s, s.id_number, s.id_hash, s.name, s.sex, s.birth_date, s.phone, s.enterprise_id, "
                f"s.industry_id, o.region_id, s.position_id FROM {STAGE} s "
                f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = s.enterprise_id "
                "ON CONFLICT (id_hash) DO NOTHING",
                [now, now],
            )
        return
    enterprises = {r[7] for r in checked.new if r[7]}
    regions = dict(Organisation.objects.filter(pk__in=enterprises).values_list("pk", "region_id"))
    Person.objects.bulk_create(
        [
            Person(
                created_at=now,
                updated_at=now,
                id_number=r[1],
                id_hash=r[2],
                name=r[3],
                sex=r[4],
                birth_date=r[5],
                phone=r[6],
                enterprise_id=r[7],
                industry_id=r[9],  # the row's own: never the session's or the enterprise's
                region_id=regions.get(r[7]),
                position_id=r[8],
            )
            for r in checked.new
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def rows_to_people(checked: Checked) -> dict[int, int]:
    """Row number -> person id of every row to put on the list (after write_people)."""
    rows = {r: p for r, p, _ in checked.known}
    hashes = [r[2] for r in checked.new]
    by_hash: dict[str, int] = {}
    for start in range(0, len(hashes), 5000):
        by_hash.update(Person.objects.filter(id_hash__in=hashes[start : start + 5000]).values_list("id_hash", "pk"))
    rows.update((r[0], by_hash[r[2]]) for r in checked.new)
    return dict(sorted(rows.items()))


def write_people_and_roster(checked: Checked, session: TrainingSession) -> int:
    """Creates the new people and puts every valid row's person on the session's roster.
    Returns how many were added."""
    target = session_target(session)
    write_people(checked, target)
    now = timezone.now()
    if checked.staged:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {RosterEntry._meta.db_table} (session_id, person_id, row_number, added_at) "
                f"SELECT %s, p.id, s.row, %s FROM {STAGE} s JOIN {Person._meta.db_table} p ON p.id_hash = s.id_hash "
                f"ON CONFLICT (session_id, person_id) DO NOTHING",
                [session.pk, now],
            )
            added = cursor.rowcount
        drop_stage(checked)
        return added
    rows = rows_to_people(checked)
    RosterEntry.objects.bulk_create(
        [RosterEntry(session_id=session.pk, person_id=p, row_number=r) for r, p in rows.items()],
        batch_size=2000,
    )
    return len(rows)


def drop_stage(checked: Checked) -> None:
    if checked.staged:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def error_file_rows(file: BinaryIO, filename: str, error_rows: dict[int, str]):
    """The uploaded file's header and its rows with errors, every column as uploaded, each
    followed by its row number and what is wrong: corrected in place and uploaded again. The
    file is read again as a stream."""
    table = open_table(file, filename, COLUMNS, REQUIRED)
    yield [*table.header_cells, "原行号", "错误说明"]
    for number, cells in enumerate(table.raw, start=table.header_row + 1):
        if number in error_rows:
            yield [*("" if v is None else v for v in cells), number, error_rows[number]]
