"""Test settings: fast hashing, tasks run at once, SQLite in memory unless DATABASE_URL is set."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, SQLITE_ENGINE

if not os.environ.get("DATABASE_URL"):
    # TEST NAME spelled out: pytest-xdist gives each worker its own in-memory database only when
    # it recognises the engine, and it does not know the platform's SQLite backend by name.
    DATABASES["default"] = {"ENGINE": SQLITE_ENGINE, "NAME": ":memory:", "TEST": {"NAME": ":memory:"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "yufang.accounts.hashers.OneTimePasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "dashboard"]}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Static files from the apps' folders, no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
