"""Resident ID numbers (居民身份证号码, GB 11643-1999): normalising, checking, hashing.

The check digit is verified with python-stdnum's checksum function; the birth date must be a real
date in the past. The region-at-birth table is deliberately not consulted: codes are retired and
renamed, and a real person's ID keeps the code of the place they were born in."""

import datetime
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def normalise(raw) -> str:
    """Full-width to half-width, spaces out, x to X. Numbers from spreadsheets are refused
    separately (see check)."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"\s+", "", text).upper()


def check(raw) -> IdInfo:
    """Returns the normalised number with its birth date and sex, or raises a ValidationError
    that says why in words an officer can act on."""
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        raise ValidationError(
            "身份证号被表格保存成了数字，末几位已丢失：请在 Excel 中把该列设为“文本”后重新录入。", code="numeric"
        )
    number = normalise(raw)
    if not number:
        raise ValidationError("身份证号为空。", code="required")
    if _SCIENTIFIC.match(number) or number.endswith(".0"):
        raise ValidationError(
            "身份证号被表格保存成了数字（科学计数法），末几位已丢失：请把该列设为“文本”后重新录入。", code="numeric"
        )
    if len(number) != 18:
        raise ValidationError(f"身份证号应为 18 位，实际 {len(number)} 位。", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号只能由数字组成，最后一位可以是 X。", code="format")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError("身份证号校验位不正确，请核对是否录错。", code="checksum")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期不存在。", code="birth_date") from None
    if birth > timezone.localdate() or birth.year < 1900:
        raise ValidationError("身份证号中的出生日期不合理。", code="birth_date")
    return IdInfo(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def id_hash(number: str) -> str:
    """A keyed hash for lookups and uniqueness, so matching never needs the number in clear."""
    key = getattr(settings, "YUFANG_ID_HASH_KEY", "") or settings.SECRET_KEY
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()
