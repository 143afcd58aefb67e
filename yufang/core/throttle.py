"""Counting attempts in the cache: a page that answers guesses (a registration, a sign-in code)
allows so many per key and window. Keys are hashed, so no ID number or address is stored."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError

TOO_MANY = "尝试次数过多，请稍后再试。"


class Throttled(ValidationError):
    """Refused for too many attempts; pages answer it with 429."""

    def __init__(self, message: str = TOO_MANY):
        super().__init__(message, code="throttled")


def _cache_key(scope: str, key: str) -> str:
    return f"throttle:{scope}:{hashlib.sha256(f'{scope}|{key}'.encode()).hexdigest()[:40]}"


def throttle_hit(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Counts one attempt under (scope, key); True while the count is within the limit."""
    cache_key = _cache_key(scope, key)
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def throttle_full(*, scope: str, key: str, limit: int) -> bool:
    """Whether (scope, key) has used up its attempts, without counting one."""
    return (cache.get(_cache_key(scope, key)) or 0) >= limit
