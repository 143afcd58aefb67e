"""Fixtures shared by every app's tests. State is set up through the real services."""

import pytest

from yufang.accounts.tests.factories import make_world


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached reference names are keyed by primary keys,
    which another test's flush and reload give out anew, and throttles count in the cache."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    """Organisations of every kind in two districts, and a user for every role in each."""
    return make_world()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.browser.conftest import HAVE_CHROMIUM, SKIP_REASON

    if not HAVE_CHROMIUM:
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)
