import os
import subprocess
import sys

from django.conf import settings


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_session_expires_after_thirty_idle_minutes(client, world, monkeypatch):
    """Each request keeps the session alive for another thirty minutes; thirty-one minutes
    without one signs the user out."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    client.force_login(world.users["agency"])
    home = reverse("core:home")
    for minutes in (0, 29, 58, 87):  # each step within thirty minutes of the last request
        clock["now"] = start + datetime.timedelta(minutes=minutes)
        response = client.get(home)
        assert response.status_code == 200, minutes
        assert response.context["user"] == world.users["agency"]
    clock["now"] = start + datetime.timedelta(minutes=87 + 31)
    response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def _prod(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)",
        ],
        env=base,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_debug_and_default_secret():
    good = {
        "DJANGO_SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://u@127.0.0.1/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "YUFANG_ID_HASH_KEY": "k" * 40,
    }
    assert "DEBUG" in _prod({**good, "DJANGO_DEBUG": "1"}).stderr
    assert "DJANGO_SECRET_KEY" in _prod({k: v for k, v in good.items() if k != "DJANGO_SECRET_KEY"}).stderr
    assert "YUFANG_ID_HASH_KEY" in _prod({k: v for k, v in good.items() if k != "YUFANG_ID_HASH_KEY"}).stderr
    ok = _prod(good)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "31536000"


def test_no_cdn_in_templates():
    root = settings.BASE_DIR
    for path in list((root / "templates").rglob("*.html")) + list((root / "yufang").rglob("*.html")):
        text = path.read_text("utf-8")
        assert "://" not in text.replace("http://www.w3.org", ""), path


def test_worker_log_lines_are_printed_once(settings):
    """The task worker logs on "django.tasks": one handler prints each line (it was two: Django's
    own DEBUG console handler on "django" and the root's)."""
    import logging

    settings.DEBUG = True
    record = logging.LogRecord("django.tasks", logging.INFO, __file__, 1, "任务完成", None, None)
    logger, printing = logging.getLogger("django.tasks"), 0
    while logger is not None:
        printing += sum(
            1
            for h in logger.handlers
            # pytest's own capture handlers aside
            if isinstance(h, logging.StreamHandler)
            and not type(h).__module__.startswith("_pytest")
            and h.filter(record)
            and record.levelno >= h.level
        )
        if not logger.propagate:
            break
        logger = logger.parent
    assert printing == 1
