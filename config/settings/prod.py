"""Production: PostgreSQL, Redis, HTTPS. Refuses to start with DEBUG on or a default secret."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, DEBUG, REDIS_URL, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("生产环境不得开启 DEBUG（DJANGO_DEBUG 必须为空）。")
if not os.environ.get("DJANGO_SECRET_KEY") or SECRET_KEY.startswith("dev-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("生产环境必须通过 DJANGO_SECRET_KEY 设置至少 50 个字符的随机密钥。")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("生产环境必须通过 DATABASE_URL 指定 PostgreSQL 数据库。")
if not os.environ.get("YUFANG_ID_HASH_KEY"):
    raise ImproperlyConfigured("生产环境必须设置 YUFANG_ID_HASH_KEY（身份证号查找用的密钥，设定后不可更改）。")
if not REDIS_URL:
    raise ImproperlyConfigured("生产环境必须通过 REDIS_URL 指定 Redis（缓存与会话）。")

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": STORAGES["private"],  # noqa: F405 - from base: job outputs, outside MEDIA_ROOT
}
# Behind the reverse proxy (docs/deploy.md) the client's address is the X-Forwarded-For entry the
# proxy appended: yufang/core/client_ip.py.
YUFANG_MEDIA_ACCEL_REDIRECT = os.environ.get("YUFANG_MEDIA_ACCEL_REDIRECT", "/media/")
YUFANG_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))
