"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; never a
downloaded browser. Without Chromium they are skipped, and the summary says so."""

import os
import shutil
import threading

import pytest

CHROMIUM = os.environ.get("YUFANG_CHROMIUM", "/usr/bin/chromium")
HAVE_CHROMIUM = os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None
SKIP_REASON = f"未找到 Chromium（{CHROMIUM}）：浏览器测试已跳过。安装 Debian 的 chromium 软件包后即可运行。"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    if os.environ.get("YUFANG_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"CI requires Chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _one_request_at_a_time(live_server):
    """On the in-memory SQLite of the test settings, pytest-django hands the live server's
    threads the test's own database connection, one connection object for every thread. Two
    requests at once (a heartbeat beside a media range request) then interleave their
    transactions on it, and a session save fails as a 400 now and then. Production has a
    connection per thread (a file or PostgreSQL); here the server answers one request at a
    time so the tests see what production does. PostgreSQL runs are left concurrent."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield
        return
    lock = threading.RLock()
    original = WSGIHandler.__call__

    def serialised(self, environ, start_response):
        with lock:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = serialised
    try:
        yield
    finally:
        WSGIHandler.__call__ = original


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    # Anything the Content-Security-Policy refuses shows up in the console: a page that needed
    # an inline script or a foreign asset fails its test.
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not violations, violations
