"""Resident ID numbers as officers type them and spreadsheets mangle them: what is accepted, what
is refused and in which words, and what the number tells of its holder."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric

from yufang.people import idnumbers


def _valid(region: str, birth: str, serial: str) -> str:
    first17 = f"{region}{birth}{serial}"
    return first17 + ric.calc_check_digit(first17 + "0")


def _code(raw) -> str:
    with pytest.raises(ValidationError) as caught:
        idnumbers.check(raw)
    return caught.value.code


@pytest.mark.parametrize(
    ("region", "birth", "why"),
    [
        # 重庆市万州区: the code dates from the municipality of 1997; the holder is older.
        ("500101", "19520314", "region code younger than the holder"),
        # 海南省海口市: the province dates from 1988.
        ("460100", "19610708", "province younger than the holder"),
        # 北京市崇文区: merged into 东城区 in 2010; its people keep the old code.
        ("110103", "19800101", "retired region code"),
        # A code no table has ever listed still passes: the region is not checked at all.
        ("999999", "19900101", "unknown region code"),
    ],
)
def test_a_real_number_is_accepted_whatever_became_of_its_region_code(region, birth, why):
    number = _valid(region, birth, "123")
    info = idnumbers.check(number)
    assert info.number == number, why
    assert info.birth_date == datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))


def test_sex_is_read_from_the_seventeenth_digit():
    assert idnumbers.check(_valid("370303", "19900506", "011")).sex == "M"
    assert idnumbers.check(_valid("370303", "19900506", "012")).sex == "F"


def test_full_width_digits_spaces_and_a_lower_case_x_are_normalised():
    number = next(n for n in (_valid("370303", "19850203", f"{s:03d}") for s in range(1000)) if n.endswith("X"))
    typed = " ".join([number[:6], number[6:14], number[14:]]).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in typed)
    assert idnumbers.check(full_width).number == number
    assert idnumbers.check(f"\t{number.lower()}\n").number == number


def test_a_number_a_spreadsheet_turned_into_a_number_is_refused_with_what_to_do():
    with pytest.raises(ValidationError, match="设为“文本”"):
        idnumbers.check(370303199005061234)
    assert _code(3.70303199005061e17) == "numeric"
    assert _code("3.70303199005061E+17") == "numeric"
    assert _code("370303199005061230.0") == "numeric"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "required"),
        ("   ", "required"),
        ("37030319900506123", "length"),
        ("3703031990050612345", "length"),
        ("37030319900506123A", "format"),
        ("3703031990O5061234", "format"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(raw, code):
    assert _code(raw) == code


def test_a_mistyped_digit_is_caught_by_the_check_digit():
    number = _valid("370303", "19900506", "123")
    wrong_digit = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    swapped = number[:14] + number[15] + number[14] + number[16:]
    assert _code(wrong_digit) == "checksum"
    if swapped != number:
        assert _code(swapped) == "checksum"


def test_the_birth_date_must_exist_and_be_plausible():
    assert _code(_valid("370303", "19900230", "123")) == "birth_date"  # 30 February
    assert _code(_valid("370303", "18991231", "123")) == "birth_date"
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    assert _code(_valid("370303", f"{tomorrow:%Y%m%d}", "123")) == "birth_date"
    assert idnumbers.check(_valid("370303", "20000229", "123")).birth_date == datetime.date(2000, 2, 29)


def test_the_hash_is_stable_keyed_and_does_not_reveal_the_number(settings):
    number = _valid("370303", "19900506", "123")
    settings.YUFANG_ID_HASH_KEY = "key-one"
    first = idnumbers.id_hash(number)
    assert first == idnumbers.id_hash(number)
    assert number not in first and len(first) == 64
    assert first != idnumbers.id_hash(_valid("370303", "19900506", "124"))
    settings.YUFANG_ID_HASH_KEY = "key-two"
    assert idnumbers.id_hash(number) != first
