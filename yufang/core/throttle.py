"""Counting attempts in the cache: a page that answers guesses (a registration, a sign-in code)
allows so many per key and window. Keys are hashed, so no ID number or address is stored."""

import hashlib

from django.core.cache import cache


def throttle_hit(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Counts one attempt under (scope, key); True while the count is within the limit."""
    digest = hashlib.sha256(f"{scope}|{key}".encode()).hexdigest()[:40]
    cache_key = f"throttle:{scope}:{digest}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit
