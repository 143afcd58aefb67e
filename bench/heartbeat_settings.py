"""Settings of the heartbeat benchmark's server: the project's settings with persistent
database connections and a URLconf that adds the plain comparison view."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "heartbeat_urls"
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "600"))
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "WARNING"}}
