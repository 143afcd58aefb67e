import pytest


@pytest.fixture(autouse=True)
def _default_kinds(db):
    """The five shipped kinds, which a browser or transactional test's flush on this worker may
    have removed with the rest of the migrations' rows."""
    from django.apps import apps

    from yufang.publicity.defaults import load_default_kinds

    load_default_kinds(apps)
