"""The rules a roster row is held to, and the texts that say what is wrong: columns, working
age, the forms of names and phone numbers, rows that are not people."""

import datetime
import re
import unicodedata
from typing import Any

from django.conf import settings

from yufang.core.spreadsheets import clean_text

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
# Error and warning rows kept in the job result; the error file has every error row. Read as
# rules.ERROR_KEEP everywhere, so that a test lowers it in one place.
ERROR_KEEP = 1000


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
