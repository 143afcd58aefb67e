"""The permission guard the learning services share."""

from django.core.exceptions import PermissionDenied


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)
