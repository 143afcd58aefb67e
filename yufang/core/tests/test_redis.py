import os
import uuid

import pytest

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL not set (CI sets it for the PostgreSQL run)")
def test_production_cache_backend_talks_to_redis():
    from django_redis.cache import RedisCache

    cache = RedisCache(REDIS_URL, {"OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}})
    key = f"yufang-test-{uuid.uuid4()}"
    cache.set(key, {"会话": 1}, timeout=30)
    assert cache.get(key) == {"会话": 1}
    cache.delete(key)
