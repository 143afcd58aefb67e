"""The rule every amount of money the programme records obeys, whichever app records it: yuan
with at most two decimal places, never negative (the database's constraints stand behind it)."""

from decimal import Decimal

from django.core.exceptions import ValidationError


def check_two_places(value: Decimal, field: str) -> None:
    if value is None:
        return
    if value.as_tuple().exponent < -2:
        raise ValidationError({field: "金额最多保留两位小数。"})
    if value < 0:
        raise ValidationError({field: "金额不能为负数。"})
