"""Local development: `make run`. DEBUG on, SQLite in var/ unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import VAR_DIR  # noqa: E402

VAR_DIR.mkdir(parents=True, exist_ok=True)
