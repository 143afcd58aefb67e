"""Checking a roster file row by row (roster_check): nothing lasting is written."""

import datetime
import hmac
import unicodedata
from collections.abc import Callable
from typing import BinaryIO

from stdnum.cn import ric

from yufang.core.masking import mask_id_number
from yufang.core.spreadsheets import clean_text, open_table

from . import rules
from .lookups import _Lookups
from .rows import Checked, KnownRow, RosterRow, RosterTarget
from .rules import (
    _COUNTRY,
    _DOTS,
    _LANDLINE,
    _NAME,
    _PHONE,
    _PHONE_NOISE,
    _SCIENTIFIC,
    COLUMNS,
    NOT_MOBILE,
    NUMERIC_ID,
    OLD_ID,
    PROGRESS_EVERY,
    REQUIRED,
    _id_key,
    _not_data,
    working_age_problem,
)
from .stage import _known, _Stage


def roster_check(
    file: BinaryIO,
    filename: str,
    target: RosterTarget,
    progress: Callable[[int, int], None] | None = None,
) -> Checked:
    """Checks every row; writes nothing lasting (on PostgreSQL the valid rows wait in a temporary
    table for roster_apply on the same connection). Raises JobFailed for a file that cannot be
    read or has no recognisable header.

    The ID number rules are those of people.idnumbers.check, inlined: this loop runs 100,000
    times (a test holds the two to the same verdicts)."""
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
    pending: list[RosterRow] = []
    total = 0

    def error(number: int, name: str, shown_id: str, messages: list[str]) -> None:
        result.error_count += 1
        result.error_rows[number] = "；".join(messages)
        if len(result.errors) < rules.ERROR_KEEP:
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
                if len(result.notes) < rules.ERROR_KEEP:
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
            row = RosterRow(
                number, number_text, id_hash, name, sex, birth, phone, enterprise_id, position_id, industry_id
            )
            pending.append(row)
            stage.write(row)
    result.total = total
    result.staged = stage.enabled
    if progress is not None:
        progress(total, total)
    known = _known(pending, stage.enabled)
    on_roster = target.on_list(pk for pk, _ in known.values()) if known else set()
    for row in pending:
        match = known.get(row.id_hash)
        if match is None:
            result.new.append(row)
            continue
        person_id, known_name = match
        if known_name.replace(" ", "") != row.name:
            error(
                row.row,
                row.name,
                mask_id_number(row.id_number),
                ["姓名与平台已登记的该身份证号人员的姓名不同：请核对是否录错姓名或冒用他人身份证号"],
            )
            result.mismatched.append(row.row)
            continue
        if person_id in on_roster:
            result.already += 1
            result.skipped.append(row.row)
            continue
        result.known.append(KnownRow(row.row, person_id, row.enterprise_id))
    result.errors.sort(key=lambda e: e["row"])
    return result
