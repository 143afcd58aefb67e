"""Settings shared by every environment. SQLite by default; DATABASE_URL selects PostgreSQL."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("YUFANG_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-insecure-yufang-secret-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks_db",
    "yufang.core",
    "yufang.reference",
    "yufang.accounts",
    "yufang.plans",
    "yufang.people",
    "yufang.targets",
    "yufang.providers",
    "yufang.projects",
    "yufang.learning",
    "yufang.enterprises",
    "yufang.training",
    "yufang.publicity",
    "yufang.quiz",
    "yufang.supervision",
    "yufang.insight",
    "yufang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yufang.core.middleware.RequestContextMiddleware",
    "yufang.accounts.middleware.PasswordChangeRequiredMiddleware",
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yufang.core.context_processors.navigation",
            ],
        },
    },
]

SQLITE_ENGINE = "yufang.core.db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'yufang.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend plus what the append-only tables' triggers ask (yufang/core/db/sqlite3).
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Django's default hashers, plus the one for the one-time passwords the platform issues
# (yufang/accounts/hashers.py); passwords people choose use the first.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "yufang.accounts.hashers.OneTimePasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (Django's own middleware). Every asset is vendored and served by the
# platform, and no template carries inline script or event handlers (core/static/core/behaviours.js
# does confirms and auto-submits), so scripts come from 'self' only. Style attributes stay
# allowed (progress bars and chart sizes are set inline; they cannot run code); <style>
# elements and stylesheets only from 'self'. Images may be data: URIs (Bootstrap's icons).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src-elem": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

# Lock out a username from one address after 5 failures, for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "id_number", "phone"]
# The client's address for the lockout, the audit trail and the sign-in flags
# (yufang/core/client_ip.py): REMOTE_ADDR, or behind this many trusted reverse proxies the
# entry they appended to this header.
AXES_CLIENT_IP_CALLABLE = "yufang.core.client_ip.client_ip_address"
YUFANG_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
YUFANG_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Dates written one way everywhere (config/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
# Uploads are served only by views that check the record (yufang/core/files.py). Set to nginx's
# internal location (docs/deploy.md) to let nginx send them; empty: Django streams them.
YUFANG_MEDIA_ACCEL_REDIRECT = os.environ.get("YUFANG_MEDIA_ACCEL_REDIRECT", "")
MEDIA_ROOT = Path(os.environ.get("YUFANG_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # What jobs make for one user (error files, credential sheets): outside MEDIA_ROOT.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(os.environ.get("YUFANG_PRIVATE_ROOT", VAR_DIR / "private"))},
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # dashboard: the leaders' dashboard's recounts, which a worker of their own keeps
        # current while a long import runs (docs/deploy.md)
        "QUEUES": ["default", "dashboard"],
    }
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "yufang.core.masking.MaskingLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    # Django's own "django" logger writes through a console handler of its default configuration,
    # which would bypass the mask (tracebacks of 500s under DEBUG): it writes through this one.
    "loggers": {
        # Django's default config gives "django" its own console handler under DEBUG; with the
        # root's, every line (the task worker's among them) was printed twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Programme settings that every city and year may change live in the database;
# these are only the defaults the demo and new cities start from.
YUFANG_DEMO_PASSWORD = os.environ.get("YUFANG_DEMO_PASSWORD", "yufang-demo")
YUFANG_PAGE_SIZE = 25
# Exports of more rows than this run as a background job with a progress bar and a download.
YUFANG_EXPORT_INSTANT_ROWS = 5000
# Key of the keyed hash that finds people by ID number; set it once in production and keep it.
YUFANG_ID_HASH_KEY = os.environ.get("YUFANG_ID_HASH_KEY", "")
AXES_VERBOSE = False
